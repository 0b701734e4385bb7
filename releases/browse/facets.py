"""Facet counts for the release list, one facet per filter of the registry.

Counts are disjunctive, as on shopping and library sites: a facet's counts apply every
active filter except its own, so each number is how many releases that choice would add
(OR within a parameter) or narrow to (AND across parameters).

At 100,000 releases the counts must stay quick, so:
- each facet counts link rows grouped by the linked object's id alone (an index-only scan),
  and reads the names of only the choices it shows;
- with no filter at all, a count over the public releases is every link's count minus the
  links of the few releases not public (drafts and embargoes), which needs no join
  (releases/selectors.py);
- a choice filter (the type) is counted by one GROUP BY on its indexed column (with no
  filter, over every release less the few not public, as links are);
- years are counted in one pass, each row's year a CASE over the years' first moments
  (with no filter, by ranges of publication time the index serves), not by extracting each
  row's year;
- a search that is the list's only filter is matched once (`SearchMatches`): its public
  matches' ids, times and types give the total, the type and the years, and the link
  facets count the link rows of those ids; each count ran the match again (seven times:
  2.8 s of a search's first view at 500,000 releases);
- a facet lists its FACET_LIMIT busiest choices (and any chosen one), not 2,000 bills;
- every result is kept by core/caching.py until something changes.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC
from functools import cached_property

from django.db import connections
from django.db.models import F, Max, Min
from django.urls import reverse

from core import caching
from core.eastern import eastern_date
from releases.browse import registry
from releases.models import AmongListed, Release, year_span
from releases.selectors import choice_counts, link_counts
from search.query import ranked_matches

FACET_LIMIT = 24  # choices a facet lists, busiest first; chosen ones are always added


@dataclass
class Choice:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""

    @property
    def count_text(self):  # "1,234", as humanize's intcomma writes it, without a template tag
        return f"{self.count:,}"

    @property
    def count_label(self):
        return f"{self.count} release{'' if self.count == 1 else 's'}"


@dataclass
class Facet:
    name: str
    label: str
    choices: list = field(default_factory=list)
    all_url: str = ""  # the page that lists every choice, when the facet shows only some
    all_label: str = ""  # "senators": "All senators"

    shown: int = 8  # the rest fold away under "more"

    @property
    def top(self):
        return self.choices[: self.shown]

    @property
    def more(self):
        return self.choices[self.shown :]

    @property
    def more_selected(self):
        return any(c.selected for c in self.more)


def apply_filters(filterset, queryset, exclude=()):
    """django-filter's filter_queryset, leaving out some filters (and invalid ones)."""
    for name, value in filterset.form.cleaned_data.items():
        if name not in exclude:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def linked_choices(public_filter, counts, limit=FACET_LIMIT):
    """[(identifier, label, count)] for the `limit` busiest objects in `counts`."""
    busiest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    objects = public_filter.model._default_manager.in_bulk([pk for pk, _ in busiest])
    rows = [(objects[pk], n) for pk, n in busiest if pk in objects]
    rows.sort(key=lambda row: (-row[1], public_filter.sort_key(row[0])))
    return [(public_filter.value_of(obj), public_filter.choice_label(obj), n) for obj, n in rows]


MANY_MATCHES = 50_000  # a search's matches read once at most; more are counted facet by facet


class SearchMatches:
    """The public releases a search matches, read once for the page's total and facets:
    (id, publication time, type) of each, MANY_MATCHES at most (`rows` is None beyond,
    and each count is then its own query, as with other filters).

    Asked for the ranking first (`ranked_ids`), the search ranks every match in the pass
    that ranks the best (search/query.py `ranked_matches`), and the rows are then those
    ids' public releases, read by id, not matched again."""

    def __init__(self, releases, base, text):
        self.releases = releases.order_by()
        self.base = base
        self.text = text
        self.every = None  # every match's id, public or not, when the ranking gave them

    def ranked_ids(self):
        """The search's best matches' ids, best first, as search/query.py `ranked_ids`."""
        ranking = ranked_matches(self.base, self.text, MANY_MATCHES)
        if ranking is None:
            return None
        best, self.every = ranking
        return best

    @cached_property
    def rows(self):
        releases = self.releases
        if self.every is not None:
            releases = self.base.order_by().filter(AmongListed(F("pk"), self.every))
        columns = releases.values_list("pk", "published_at", "type")
        rows = list(columns[: MANY_MATCHES + 1])
        return rows if len(rows) <= MANY_MATCHES else None

    def count(self):
        return self.releases.count() if self.rows is None else len(self.rows)


def search_matches(filterset, base):
    """A `SearchMatches` for the list when its search is its only filter, else None: only
    then does every facet count the same releases."""
    active = {name for name, value in filterset.form.cleaned_data.items() if value}
    if active != {"q"}:
        return None
    return SearchMatches(apply_filters(filterset, base), base, filterset.form.cleaned_data["q"])


def year_counts(releases, *, by_ranges=False, moments=None):
    """[(year, count)], newest first, for `releases` (a subset of the public releases).

    One pass over them (`count_by_year`): a COUNT per year ran a search's or a filter's join
    once for every year (3.1 s of a search's first view at 500,000 releases). Over every
    public release (`by_ranges`), a COUNT per year instead, each a range of the
    publication-time index read alone, which is quicker there (90 ms against 160 ms at
    500,000). `moments`, the releases' times read already (a search's matches), are
    counted as given.
    """
    span = public_years()
    if span is None:
        return []
    first, last = span
    years = list(range(last, first - 1, -1))
    if moments is not None:
        # The year a moment falls in, as count_by_year reads it: earlier ones count for the
        # first year. In UTC, as the database gives times: comparing times in different
        # zones works out each one's offset (0.15 s for 20,000 moments).
        starts = [year_span(year)[0].astimezone(UTC) for year in range(first + 1, last + 1)]
        counts = {}
        for moment in moments:
            year = first + bisect_right(starts, moment)
            counts[year] = counts.get(year, 0) + 1
        return [(y, counts[y]) for y in years if counts.get(y)]
    if not by_ranges:
        counts = releases.count_by_year(first, last)
        return [(y, counts[y]) for y in years if counts.get(y)]
    parts, params = [], []
    for year in years:
        within = releases.order_by().published_between(*year_span(year))
        sql, sql_params = within.values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS y{year})")
        params.extend(sql_params)
    with connections[releases.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return [(year, n) for year, n in zip(years, counts, strict=True) if n]


def public_years():
    """(the first, the last) year with a public release, Eastern time, or None; kept."""

    def compute():
        public = Release.objects.published().order_by()
        bounds = public.aggregate(first=Min("published_at"), last=Max("published_at"))
        if bounds["first"] is None:
            return None
        return eastern_date(bounds["first"]).year, eastern_date(bounds["last"]).year

    return caching.remember(("public-years",), compute)


def _filter_key(filterset, archive, exclude):
    """The filters a count depends on, as plain values (for the count's cache key)."""
    return (("archive", archive), *filters_key(filterset.form.cleaned_data, exclude))


def filters_key(filters, exclude=None):
    """A FilterSet's cleaned data but `exclude`, as plain values (part of a kept count's
    key): the release list's facets and the quote list's read it."""
    key = []
    for name, value in sorted(filters.items()):
        if name == exclude or not value:
            continue
        if isinstance(value, str):
            key.append((name, value))
        else:
            key.append((name, tuple(sorted(registry.get(name).value_of(v) for v in value))))
    return tuple(key)


def facet_rows(public_filter, filterset, base, archive, matches=None):
    """([(identifier, label, count)] for the busiest choices, {id or year: count} for all),
    kept by core/caching.py. `matches`: the list's search, read once (`search_matches`)."""
    name = public_filter.parameter
    others = _filter_key(filterset, archive, exclude=name)
    unfiltered = others == (("archive", (None, None)),)

    def compute():
        releases = apply_filters(filterset, base, exclude={name})
        rows = matches.rows if matches is not None else None
        if public_filter.kind == "year":
            moments = None if rows is None else [row[1] for row in rows]
            counts = dict(year_counts(releases, by_ranges=unfiltered, moments=moments))
            return [(str(y), str(y), n) for y, n in counts.items()], counts
        if public_filter.kind == "choice":
            if rows is not None:
                counts = choice_counts(name, codes=[row[2] for row in rows])
            else:
                counts = choice_counts(name) if unfiltered else choice_counts(name, releases)
            options = public_filter.options()
            rows = [(o.value, o.label, counts[o.value]) for o in options if counts.get(o.value)]
            return rows, counts
        if rows is not None:
            counts = link_counts(name, among=[row[0] for row in rows])
        else:
            counts = link_counts(name) if unfiltered else link_counts(name, releases)
        return linked_choices(public_filter, counts), counts

    return caching.remember(("facet", name, others), compute)


def result_key(filterset, archive):
    """What names a list's total for keeping (browse/pagination.py, core/caching.py)."""
    return ("releases", _filter_key(filterset, archive, exclude=None))


def _chosen_label(public_filter, chosen):
    """A chosen value's label, as the facet's rows write it."""
    if public_filter.kind != "link":
        return public_filter.label_of(chosen)
    return public_filter.choice_label(chosen)


def build_facets(filterset, base, url_for, archive=(None, None), matches=None):
    """The facets for the current result; url_for(name, value) toggles one choice.

    `archive` names the year or month the list covers (part of the counts' cache key);
    `matches`, the list's search read once (`search_matches`).
    """
    facets = []
    for public_filter in registry.public_filters():
        name = public_filter.parameter
        chosen = filterset.form.cleaned_data.get(name) or []
        selected = {public_filter.value_of(v) for v in chosen}
        facet = Facet(name, public_filter.label, all_label=public_filter.plural)
        rows, counts = facet_rows(public_filter, filterset, base, archive, matches)
        for value, text, count in rows:
            is_selected = value in selected
            url = url_for(name, value) if is_selected else ""
            facet.choices.append(Choice(value, text, count, is_selected, url))
        if public_filter.index_url_name and len(rows) >= FACET_LIMIT:
            facet.all_url = reverse(public_filter.index_url_name)
        # A chosen value the other filters leave with no release (or one below the busiest)
        # must stay on show, ticked, or the visitor could neither see nor undo it.
        listed = {choice.value for choice in facet.choices}
        for value_obj in chosen:
            value = public_filter.value_of(value_obj)
            if value not in listed:
                count = counts.get(public_filter.count_key(value_obj), 0)
                label = _chosen_label(public_filter, value_obj)
                facet.choices.append(Choice(value, label, count, True, url_for(name, value)))
        facets.append(facet)
    return facets
