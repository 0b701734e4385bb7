"""Shared pieces of every page that lists releases: pagination and its links.

Lists of releases, newest first, page by *position* (keyset pagination): "Older →" carries
the last release's publication time and id (`?older=…`), and the next page is the releases
just below it, found through the (status, published_at) index. Page 4,000 costs what page 2
costs, and a release published meanwhile does not shift what the next page shows. The first
page, and `?page=N` for lists in another order (search results by relevance, quotes) or for
old links, page by number.

A list's total ("95,995 releases") is kept between changes (core/caching.py) when the
caller names it with `count_key`. Links keep the page's other parameters, through Django's
own `{% querystring %}`.
"""

import re
from datetime import UTC, datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.template.defaulttags import querystring
from django.utils.functional import cached_property

from core import caching
from core.eastern import eastern
from search.query import ranked_slice

CURSOR = re.compile(r"([0-9]{1,17})-([0-9]{1,12})")  # microseconds since 1970 - release id
DIRECTIONS = ("older", "newer")


def kept_count(queryset, count_key, counter=None):
    """How many rows `queryset` has, kept between changes under `count_key` (the total a
    paginated list shows); `counter()` counts them where the caller knows better."""
    return caching.remember(("list-count", *count_key), counter or queryset.count)


class CountedPaginator(Paginator):
    """A Paginator whose total is kept between changes under `count_key`."""

    def __init__(self, *args, count_key=None, ranked=None, counter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.ranked = ranked
        self.counter = counter

    @cached_property
    def count(self):
        if self.count_key is None:
            return self.object_list.count()
        return kept_count(self.object_list, self.count_key, self.counter)

    def page(self, number):
        """The page's ids first (the index alone can skip past the pages before it), then
        those rows: a numbered page far down a list reads 20 rows, not all the ones above."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        rows = self.object_list
        ids = None
        if self.ranked is not None:
            # Search results best first: a page within the kept ranking is read from it,
            # without going over every match again (search/query.py).
            candidates, best = self.ranked
            ids = ranked_slice(candidates, best, bottom, top)
            if ids is not None:
                rows = candidates
        if ids is None:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in rows.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def position_of(release):
    return position_at(release.published_at, release.pk)


def position_at(moment, pk):
    """A release's place in a newest-first list, as `?older=` and the exports' `?cursor=`
    write it: microseconds since 1970, and the id."""
    micros = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // _MICROSECOND
    return f"{micros}-{pk}"


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)


def parse_position(raw):
    """(published_at, id) from a cursor, or None for anything else (never an error)."""
    match = CURSOR.fullmatch(raw or "")
    if not match:
        return None
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + int(match[1]) * _MICROSECOND
    except OverflowError:
        return None
    return moment, int(match[2])


def relink(query, **changes):
    """The query string with `changes` made (None removes a parameter), back on page 1."""
    return querystring(None, query, {"page": None, "older": None, "newer": None}, changes)


def querystring_toggle(query, name, value):
    """The query string with `value` added to or removed from `name`, back on page 1."""
    values = query.getlist(name)
    values = [v for v in values if v != value] if value in values else [*values, value]
    return relink(query, **{name: values or None})


class ListPage:
    """One page of a list, whichever way it was reached; what the templates use."""

    def __init__(self, object_list, paginator, *, number=None, newer_url="", older_url="",
                 where="", relevance=False):  # fmt: skip
        self.object_list = object_list
        # Results best match first: the links say "Next" and "Previous", as nothing on the
        # next page is older than this one's.
        self.relevance = relevance
        self.paginator = paginator
        self.number = number  # None on a page reached by position
        self.newer_url = newer_url
        self.older_url = older_url
        self.where = where

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self):
        return bool(self.newer_url)

    def has_next(self):
        return bool(self.older_url)

    def has_other_pages(self):
        return self.has_previous() or self.has_next()


def paginate(request, queryset, per_page=None, *, keyset=False, count_key=None,
             relevance=False, ranked=None, counter=None):  # fmt: skip
    """A page of `queryset`; a garbage or out-of-range ?page= or cursor gives the nearest page.

    `keyset=True` for lists ordered newest first (-published_at, -id): "Older →" and
    "← Newer" then move by position. `count_key` names the list's total for keeping.
    `relevance=True` for results best match first: their links read "Next" and "Previous".
    `ranked=(candidates, ids)`: the same results are `candidates` in the order of these ids
    as far as they go (a search's kept ranking, search/query.py `ranked_slice`).
    `counter()` gives the total where the caller has it (a search's matches, read once).
    """
    per_page = per_page or settings.RELEASES_PER_PAGE
    paginator = CountedPaginator(
        queryset, per_page, count_key=count_key, ranked=ranked, counter=counter
    )
    query = request.GET
    if keyset:
        for direction in DIRECTIONS:
            position = parse_position(query.get(direction))
            if position is not None:
                page = _by_position(query, queryset, paginator, direction, position)
                if page is not None:
                    return page
    page = paginator.get_page(query.get("page"))
    objects = list(page.object_list)
    newer = relink(query, page=page.previous_page_number()) if page.has_previous() else ""
    if page.number == 2:
        newer = relink(query)
    older = ""
    if page.has_next():
        older = (
            relink(query, older=position_of(objects[-1]))
            if keyset and objects
            else relink(query, page=page.next_page_number())
        )
    where = f"Page {page.number} of {paginator.num_pages:,}"
    return ListPage(objects, paginator, number=page.number, newer_url=newer, older_url=older,
                    where=where, relevance=relevance)  # fmt: skip


def _by_position(query, queryset, paginator, direction, position):
    moment, pk = position
    per_page = paginator.per_page
    if direction == "older":
        rows = queryset.older_than(moment, pk)
    else:
        rows = queryset.newer_than(moment, pk)
    rows = list(rows[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if direction == "newer":
        if not more:
            return None  # back at the top: the first page, by number
        rows.reverse()
    if not rows:
        return None  # nothing older than that (a stale or made-up cursor): the first page
    newer = relink(query, newer=position_of(rows[0]))
    older = relink(query, older=position_of(rows[-1])) if (more or direction == "newer") else ""
    first = eastern(rows[0].published_at, "day")
    last = eastern(rows[-1].published_at, "day")
    where = first if first == last else f"{first} – {last}"
    return ListPage(rows, paginator, newer_url=newer, older_url=older, where=where)
