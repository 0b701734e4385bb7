"""Facet counts and active-filter chips for the release list.

Counts are disjunctive, as on shopping and library sites: a facet's counts apply every
active filter except its own, so each number is how many releases that choice would add
(OR within a parameter) or narrow to (AND across parameters). One query per facet.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear

from .models import EASTERN, Legislation, Release, ReleaseSenator, ordinal


@dataclass
class Choice:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""


@dataclass
class Facet:
    name: str
    label: str
    choices: list = field(default_factory=list)

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


def _selected(filterset, name, attr):
    value = filterset.form.cleaned_data.get(name) or []
    return {getattr(v, attr) if attr else str(v) for v in value}


def _m2m_counts(base, field_name, fields):
    """(row, count) for each object linked to a release in `base`, most releases first."""
    field = Release._meta.get_field(field_name)
    target = field.related_model._meta.model_name
    rows = (
        field.remote_field.through.objects.filter(release__in=base.values("pk"))
        .values(*(f"{target}__{f}" for f in fields))
        .annotate(n=Count("release_id"))
        .order_by("-n", *(f"{target}__{f}" for f in fields[1:]))
    )
    for row in rows:
        yield {f: row[f"{target}__{f}"] for f in fields}, row["n"]


def senator_counts(base):
    fields = ["slug", "first_name", "last_name", "official_full_name", "party", "state"]
    rows = (
        ReleaseSenator.objects.filter(release__in=base.values("pk"))
        .values(*(f"senator__{f}" for f in fields))
        .annotate(n=Count("release_id"))
        .order_by("-n", "senator__last_name", "senator__first_name")
    )
    for row in rows:
        r = {f: row[f"senator__{f}"] for f in fields}
        name = r["official_full_name"] or f"{r['first_name']} {r['last_name']}"
        yield r["slug"], f"{name} ({r['party']}-{r['state']})", row["n"]


def topic_counts(base):
    for r, n in _m2m_counts(base, "topics", ["slug", "name"]):
        yield r["slug"], r["name"], n


def organization_counts(base):
    for r, n in _m2m_counts(base, "organizations", ["slug", "name"]):
        yield r["slug"], r["name"], n


def legislation_counts(base):
    fields = ["bill_id", "bill_type", "number", "congress", "short_title"]
    for r, n in _m2m_counts(base, "legislation", fields):
        bill = Legislation(**{f: r[f] for f in fields})
        yield r["bill_id"], f"{bill.citation} ({ordinal(bill.congress)})", n


def year_counts(base):
    rows = (
        base.order_by()
        .annotate(year=ExtractYear("published_at", tzinfo=EASTERN))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    for r in rows:
        yield str(r["year"]), str(r["year"]), r["n"]


def _label(chosen):
    """A chosen value's label, as the counting functions above write it."""
    if isinstance(chosen, Legislation):
        return f"{chosen.citation} ({ordinal(chosen.congress)})"
    return str(chosen)  # "Amy Klobuchar (D-MN)", a topic's or organization's name, a year


# (parameter, heading, counting function, attribute that identifies a selected value)
FACETS = [
    ("senator", "Senator", senator_counts, "slug"),
    ("topic", "Topic", topic_counts, "slug"),
    ("legislation", "Legislation", legislation_counts, "bill_id"),
    ("organization", "Organization", organization_counts, "slug"),
    ("year", "Year", year_counts, None),
]


def build_facets(filterset, base, url_for):
    """The facets for the current result; url_for(name, value) toggles one choice."""
    facets = []
    for name, label, counts, attr in FACETS:
        selected = _selected(filterset, name, attr)
        facet = Facet(name, label)
        for value, text, count in counts(apply_filters(filterset, base, exclude={name})):
            facet.choices.append(
                Choice(value, text, count, value in selected, url_for(name, value))
            )
        # A chosen value the other filters leave with no release must stay on show, ticked,
        # or the visitor could neither see nor undo it.
        listed = {choice.value for choice in facet.choices}
        for chosen in filterset.form.cleaned_data.get(name) or []:
            value = getattr(chosen, attr) if attr else str(chosen)
            if value not in listed:
                facet.choices.append(Choice(value, _label(chosen), 0, True, url_for(name, value)))
        facets.append(facet)
    return facets
