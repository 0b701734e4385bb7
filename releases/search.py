"""Full-text search over releases and quotes, and the highlighted passage a result shows."""

import re

from django.db.models import Case, IntegerField, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
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


def terms(text):
    return [t.lower() for t in WORD.findall(text or "")[:MAX_TERMS] if len(t) > 1]


def highlight(text, query, words=40):
    """A passage of `text` around the first query term, terms wrapped in <mark>.

    Matches on word beginnings, so "traffick" marks "trafficking" as the stemming search
    would have found it.
    """
    plain = " ".join(strip_tags(text or "").split())
    wanted = terms(query)
    if not plain or not wanted:
        return ""
    pattern = re.compile(
        r"\b("
        + "|".join(re.escape(t) for t in sorted(wanted, key=len, reverse=True))
        + r")[\w’']*",
        re.IGNORECASE,
    )
    tokens = plain.split(" ")
    first = next((i for i, tok in enumerate(tokens) if pattern.search(tok)), None)
    if first is None:
        return ""
    start = max(0, first - words // 3)
    passage = " ".join(tokens[start : start + words])
    marked, last = [], 0
    for match in pattern.finditer(passage):
        marked.append(escape(passage[last : match.start()]))
        marked.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    marked.append(escape(passage[last:]))
    passage = "".join(marked)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + passage + suffix)
