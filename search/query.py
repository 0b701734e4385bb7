"""A visitor's words as a full-text search: cleaned of syntax, run on any indexed queryset.

The backend (search/backend.py) is modelsearch's database backend, or Elasticsearch or
OpenSearch by settings; what comes back is a QuerySet either way, so filters, facets,
pagination and prefetching compose with a search.
"""

import re

from django.db.models import Case, IntegerField, Value, When
from modelsearch.backends import get_search_backend

MAX_TERMS = 12
WORD = re.compile(r"[\w’']+", re.UNICODE)


def clean_query(text):
    """Words only: quotes, operators and punctuation in a visitor's query are not syntax."""
    return " ".join(WORD.findall(text or "")[:MAX_TERMS])


def search(queryset, text):
    """The queryset narrowed to matches for `text`, best first, still a QuerySet.

    The database backends hand back a real QuerySet (filtered by the index, annotated with
    the rank), so facets, pagination and prefetching compose with it. Elasticsearch-style
    backends return hits; those are turned back into a QuerySet in their order.
    """
    query = clean_query(text)
    if not query:
        return queryset
    results = get_search_backend().search(query, queryset, operator="and", order_by_relevance=True)
    if hasattr(results, "get_queryset"):
        return results.get_queryset()
    ids = [obj.pk for obj in results[:1000]]
    order = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField()
    )
    return queryset.filter(pk__in=ids).order_by(order)
