"""A visitor's words as a full-text search: cleaned of syntax, run on any indexed queryset.

The backend (search/backend.py) is modelsearch's database backend, or Elasticsearch or
OpenSearch by settings; what comes back is a QuerySet either way, so filters, facets,
pagination and prefetching compose with a search.
"""

import re

from django.db.models import Case, IntegerField, Value, When
from modelsearch.backends import get_search_backend

from search import backend as search_backend

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
    results = _backend_search(get_search_backend(), queryset, query)
    if hasattr(results, "get_queryset"):
        return results.get_queryset()
    ids = [obj.pk for obj in results[:1000]]
    order = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField()
    )
    return queryset.filter(pk__in=ids).order_by(order)


def ranked_ids(queryset, text):
    """The ids of the best matches for `text`, best first, as `search` orders them: every
    match if the list is shorter than search.backend.RANKED. Kept until something changes.
    None where the backend ranks otherwise (Elasticsearch) or `text` holds no words.

    A page of results inside this list needs no pass over every match: it is the list's
    releases that pass the other filters, in its order (browse/pagination.py).
    """
    ranking = _ranking_compiler(queryset, text)
    if ranking is None:
        return None
    compiler, config = ranking
    return compiler.ranked_ids(config)


def ranked_matches(queryset, text, most):
    """(`ranked_ids`, every match's id best first or None): in one pass where the backend
    can and there are `most` matches at most, else None in second place (the caller matches
    again as it would). None where `ranked_ids` is None."""
    ranking = _ranking_compiler(queryset, text)
    if ranking is None:
        return None
    compiler, config = ranking
    if not hasattr(compiler, "ranked_matches"):
        return compiler.ranked_ids(config), None
    return compiler.ranked_matches(config, most)


def _ranking_compiler(queryset, text):
    """(the backend's query compiler, its config) where it keeps a ranking (search/backend.py),
    else None (Elasticsearch ranks otherwise; `text` may hold no words)."""
    query = clean_query(text)
    if not query:
        return None
    backend = get_search_backend()
    results = _backend_search(backend, queryset, query)
    compiler = getattr(results, "query_compiler", None)
    if compiler is None or not hasattr(compiler, "ranked_ids"):
        return None
    return compiler, compiler.get_config(backend)


def ranked_slice(candidates, best, start, stop):
    """The ids at [start:stop] of the results, best first, read from `best` (`ranked_ids`)
    alone: those of `candidates` (the list's other filters) among them, in its order. None
    when that may not be the results' slice: the list holds the best RANKED matches only,
    and fewer of them than `stop` pass the filters (the matches beyond come next).
    """
    # The ranking's head first: where the other filters pass most matches (a search alone
    # passes all), the page is among the first 2 x `stop` ids, and checking those is 40
    # ids in the query, not 1,000 (a search page 41 -> 23 ms at 500,000 releases).
    heads = [best[: 2 * stop], best] if len(best) > 2 * stop else [best]
    for head in heads:
        ids = list(
            candidates.filter(pk__in=head)
            .order_by(search_backend.PlaceIn(head))
            .values_list("pk", flat=True)[start:stop]
        )
        # Enough of the head pass: they are the first of every match that passes, in order.
        if len(ids) == stop - start:
            return ids
    if len(best) < search_backend.RANKED:
        return ids
    return None


def _backend_search(backend, queryset, query):
    """The backend's search for cleaned words: every word must match, best first."""
    return backend.search(query, queryset, operator="and", order_by_relevance=True)
