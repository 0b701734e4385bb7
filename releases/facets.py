"""Facet counts and active-filter chips for the release list.

Counts are disjunctive, as on shopping and library sites: a facet's counts apply every
active filter except its own, so each number is how many releases that choice would add
(OR within a parameter) or narrow to (AND across parameters).

At 100,000 releases the counts must stay quick, so:
- each facet counts link rows grouped by the linked object's id alone (an index-only scan),
  and reads the names of only the choices it shows;
- with no filter at all, a count over the public releases is every link's count minus the
  links of the few releases not public (drafts and embargoes), which needs no join;
- years are counted by ranges of publication time the index serves, not by extracting each
  row's year;
- a facet lists its FACET_LIMIT busiest choices (and any chosen one), not 2,000 bills;
- every result is kept by releases/counting.py until something changes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections
from django.db.models import Count, Max, Min

from people.models import Organization, Senator

from . import counting
from .models import EASTERN, Legislation, Release, ReleaseSenator, Topic, ordinal

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


# What each linked facet counts through: (link model, its column for the object, object model).
LINKS = {
    "senator": (ReleaseSenator, "senator_id", Senator),
    "topic": (Release.topics.through, "topic_id", Topic),
    "legislation": (Release.legislation.through, "legislation_id", Legislation),
    "organization": (Release.organizations.through, "organization_id", Organization),
}


def _hidden_releases():
    """The releases the publication rule keeps out: drafts and embargoes (a few percent)."""
    public = Release.objects.published().values("pk")
    return Release.objects.exclude(pk__in=public).values("pk")


def link_counts(name, releases=None):
    """{object id: how many of `releases` link to it}; `releases=None` means every public one."""
    model, column, _ = LINKS[name]
    if releases is None:
        every = _grouped(model.objects.all(), column)
        hidden = _grouped(model.objects.filter(release_id__in=_hidden_releases()), column)
        counts = {pk: n - hidden.get(pk, 0) for pk, n in every.items()}
        return {pk: n for pk, n in counts.items() if n > 0}
    return _grouped(model.objects.filter(release_id__in=releases.values("pk")), column)


def _grouped(links, column):
    rows = links.order_by().values(column).annotate(n=Count("*")).values_list(column, "n")
    return dict(rows)


def public_link_counts(name):
    """{object id: public releases linked to it}, kept until something changes."""
    return counting.remember(("public-links", name), lambda: link_counts(name))


def with_public_counts(objects, name):
    """`objects` as a list, each with `release_count`: its public releases (kept counts)."""
    counts = public_link_counts(name)
    objects = list(objects)
    for obj in objects:
        obj.release_count = counts.get(obj.pk, 0)
    return objects


def busiest(model_objects, name, limit):
    """The `limit` objects with the most public releases (none without), busiest first."""
    counts = public_link_counts(name)
    ids = sorted(counts, key=lambda pk: -counts[pk])[: limit * 2]
    objects = with_public_counts(model_objects.filter(pk__in=ids), name)
    objects.sort(key=lambda obj: (-obj.release_count, _sort_name(name, obj)))
    return objects[:limit]


def _label(name, obj):
    if name == "senator":
        full = obj.official_full_name or f"{obj.first_name} {obj.last_name}"
        return f"{full} ({obj.party}-{obj.state})"
    if name == "legislation":
        return f"{obj.citation} ({ordinal(obj.congress)})"
    return obj.name


def _identifier(name, obj):
    return obj.bill_id if name == "legislation" else obj.slug


def _sort_name(name, obj):
    if name == "senator":
        return (obj.last_name, obj.first_name)
    if name == "legislation":
        return (-obj.congress, obj.bill_type, obj.number)
    return (obj.name,)


def linked_choices(name, counts, limit=FACET_LIMIT):
    """[(identifier, label, count)] for the `limit` busiest objects in `counts`."""
    _, _, model = LINKS[name]
    busiest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    objects = model.objects.in_bulk([pk for pk, _ in busiest])
    rows = [(objects[pk], n) for pk, n in busiest if pk in objects]
    rows.sort(key=lambda row: (-row[1], _sort_name(name, row[0])))
    return [(_identifier(name, obj), _label(name, obj), n) for obj, n in rows]


def year_counts(releases):
    """[(year, count)], newest first: one COUNT per year, each a range the index serves."""
    bounds = releases.order_by().aggregate(first=Min("published_at"), last=Max("published_at"))
    if bounds["first"] is None:
        return []
    first = bounds["first"].astimezone(EASTERN).year
    last = bounds["last"].astimezone(EASTERN).year
    years = list(range(last, first - 1, -1))
    parts, params = [], []
    for year in years:
        within = releases.order_by().filter(
            published_at__gte=datetime(year, 1, 1, tzinfo=EASTERN),
            published_at__lt=datetime(year + 1, 1, 1, tzinfo=EASTERN),
        )
        sql, sql_params = within.values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS y{year})")
        params.extend(sql_params)
    with connections[releases.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return [(year, n) for year, n in zip(years, counts, strict=True) if n]


def _filter_key(filterset, archive, exclude):
    """The filters a count depends on, as plain values (for the count's cache key)."""
    key = [("archive", archive)]
    for name, value in sorted(filterset.form.cleaned_data.items()):
        if name == exclude or not value:
            continue
        if isinstance(value, str):
            key.append((name, value))
        else:
            key.append((name, tuple(sorted(_value(v) for v in value))))
    return tuple(key)


def _value(v):
    return getattr(v, "bill_id", None) or getattr(v, "slug", None) or str(v)


def facet_rows(name, filterset, base, archive):
    """([(identifier, label, count)] for the busiest choices, {id or year: count} for all),
    kept by releases/counting.py."""
    others = _filter_key(filterset, archive, exclude=name)
    unfiltered = others == (("archive", (None, None)),)

    def compute():
        releases = apply_filters(filterset, base, exclude={name})
        if name == "year":
            counts = dict(year_counts(releases))
            return [(str(y), str(y), n) for y, n in counts.items()], counts
        # With no filter: every link less the hidden releases' links (no join to releases).
        counts = link_counts(name) if unfiltered else link_counts(name, releases)
        return linked_choices(name, counts), counts

    return counting.remember(("facet", name, others), compute)


def result_key(filterset, archive):
    """What names a list's total for keeping (releases/listing.py, releases/counting.py)."""
    return ("releases", _filter_key(filterset, archive, exclude=None))


def _chosen_label(chosen):
    """A chosen value's label, as the counting functions above write it."""
    if isinstance(chosen, Legislation):
        return f"{chosen.citation} ({ordinal(chosen.congress)})"
    return str(chosen)  # "Amy Klobuchar (D-MN)", a topic's or organization's name, a year


# (parameter, heading, page listing every choice)
FACETS = [
    ("senator", "Senator", "people:senator-list"),
    ("topic", "Topic", "releases:topic-list"),
    ("legislation", "Legislation", "releases:legislation-list"),
    ("organization", "Organization", "people:organization-list"),
    ("year", "Year", None),
]


def build_facets(filterset, base, url_for, archive=(None, None)):
    """The facets for the current result; url_for(name, value) toggles one choice.

    `archive` names the year or month the list covers (part of the counts' cache key).
    """
    from django.urls import reverse

    facets = []
    for name, label, all_view in FACETS:
        chosen = filterset.form.cleaned_data.get(name) or []
        selected = {_value(v) for v in chosen}
        facet = Facet(name, label)
        rows, counts = facet_rows(name, filterset, base, archive)
        for value, text, count in rows:
            is_selected = value in selected
            url = url_for(name, value) if is_selected else ""
            facet.choices.append(Choice(value, text, count, is_selected, url))
        if all_view and len(rows) >= FACET_LIMIT:
            facet.all_url = reverse(all_view)
        # A chosen value the other filters leave with no release (or one below the busiest)
        # must stay on show, ticked, or the visitor could neither see nor undo it.
        listed = {choice.value for choice in facet.choices}
        for value_obj in chosen:
            value = _value(value_obj)
            if value not in listed:
                count = counts.get(_count_key(name, value_obj), 0)
                label = _chosen_label(value_obj)
                facet.choices.append(Choice(value, label, count, True, url_for(name, value)))
        facets.append(facet)
    return facets


def _count_key(name, chosen):
    return int(chosen) if name == "year" else chosen.pk
