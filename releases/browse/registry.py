"""The public filters of the release list, each declared once.

`/releases/?senator=amy-klobuchar&topic=human-trafficking`: every parameter the list takes
besides `q` and the page is declared here, with what it names and how. Everything that
reads a list's filters reads this registry: the FilterSet (browse/filters.py), the facets and
their counts (browse/facets.py, releases/selectors.py), the chips and export links, the feed
titles (releases/feeds.py), the subject pages (views/subjects.py), and the API's filters,
errors and schema (api/). Adding a filter is one `register()` call.

Three kinds:
- a *link* filter names objects linked to releases through a table with a `release_id`
  column (a release's senators, topics, bills, organizations): `?senator=<slug>`, repeated
  for any of several (OR);
- a *choice* filter names values of a field of the release itself, by slug
  (`?type=op-ed`), each with a number that field and the alerts' terms store;
- the *year* filter: published in a year, Eastern time.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.humanize.templatetags.humanize import ordinal

YEARS = range(1789, 2101)  # any plausible year; others are reported and ignored
# Values one parameter takes (repeated for OR); the rest are left out, with a notice. A list
# page repeats the query string in every link, so its size grows with the square of it.
MOST_VALUES = 20


class Option(NamedTuple):
    """One value of a choice filter."""

    value: str  # in the address: "op-ed"
    label: str  # in a facet: "Op-ed"
    code: int  # stored in the release's field and in alerts' terms
    plural: str  # heading a list: "Op-eds from Amy Klobuchar"


@dataclass(frozen=True)
class PublicFilter:
    """One public filter of the release list."""

    parameter: str  # the query parameter: "senator"
    label: str  # the facet's heading and the chip's prefix: "Senator"
    noun: str  # in notices: "no such senator", "We ignored bill “x”"
    plural: str  # "All senators": the link to the index of every choice
    words: str  # before the chosen values in a title: "Releases from Amy Klobuchar (D-MN)"
    kind: str = "link"  # "link", "choice" or "year"
    # Link filters: the model, the field a value names it by, and the table linking it to
    # releases (a model with a `release_id` column) with its column for the object.
    model: type | None = None
    identifier: str = "slug"
    link_model: type | None = None
    link_column: str = ""
    # Choice filters: the release field holding the value, and a callable giving the
    # Options (called when read, so the choices live with the model that defines them).
    column: str = ""
    options: object = None
    # How a choice is listed: its label in a facet and its place among equals.
    choice_label: object = str
    sort_key: object = None
    index_url_name: str = ""  # the page listing every choice ("releases:senator-list")
    # For the API: what the schema says, and the 400's message for a value naming nothing.
    api_description: str = ""
    api_example: str = ""
    api_not_found: str = ""
    # Another field the API also accepts values by, with its pattern: a Bioguide ID.
    api_also_by: tuple = field(default=())
    # The value as the filter names it, from another way of writing it ("113-s-1733" and
    # "S. 1733 (113th)" are "s1733-113"); None leaves the value as given.
    canonical: object = None

    def value_of(self, chosen):
        """How a chosen value is written in an address: a slug, a bill id, a year, a type."""
        return str(getattr(chosen, self.identifier)) if self.kind == "link" else str(chosen)

    def count_key(self, chosen):
        """The key of a chosen value in a {key: count} map of this filter's counts."""
        if self.kind == "link":
            return chosen.pk
        return int(chosen) if self.kind == "year" else str(chosen)

    def option(self, value):
        """A choice filter's Option for a value in an address (KeyError if none)."""
        return {option.value: option for option in self.options()}[value]

    def label_of(self, chosen):
        """A chosen value as a reader sees it: "Amy Klobuchar (D-MN)", "2014", "Op-ed"."""
        if self.kind == "choice":
            return self.option(str(chosen)).label
        return str(chosen)


_registry = {}


def register(public_filter):
    """Add a filter (or replace the one with its parameter). Returns it."""
    _registry[public_filter.parameter] = public_filter
    return public_filter


def unregister(parameter):
    _registry.pop(parameter, None)


def public_filters():
    """Every public filter, in the order the list shows their facets."""
    return list(_registry.values())


def get(parameter):
    return _registry[parameter]


def for_model(model):
    """The link filter naming objects of `model` (a senator's page lists ?senator=)."""
    for public_filter in _registry.values():
        if public_filter.model is model:
            return public_filter
    raise LookupError(f"No public filter names {model._meta.label} objects.")


def _bill_label(bill):
    return f"{bill.citation} ({ordinal(bill.congress)})"


def _release_types():
    from releases.models import ReleaseType

    return [Option(t.slug, t.label, t.value, t.plural) for t in ReleaseType]


def register_defaults():
    """The newsroom's own filters (called once, when the releases app is ready)."""
    from people.models import Organization, Senator
    from releases.bill_ids import canonical_bill_id
    from releases.models import Legislation, Release, ReleaseSenator, Topic

    types = ", ".join(option.value for option in _release_types())

    register(PublicFilter(
        parameter="senator", label="Senator", noun="senator", plural="senators", words="from",
        model=Senator, link_model=ReleaseSenator, link_column="senator_id",
        sort_key=lambda s: (s.last_name, s.first_name), index_url_name="releases:senator-list",
        api_description="A senator's slug or Bioguide ID (`K000367`).",
        api_example="amy-klobuchar", api_not_found="No senator has this slug or Bioguide ID.",
        api_also_by=("bioguide_id", r"^[A-Z][0-9]{6}\Z"),
    ))  # fmt: skip
    register(PublicFilter(
        parameter="type", label="Type", noun="type", plural="types", words="of type",
        kind="choice", column="type", options=_release_types,
        api_description=f"The kind of statement: {types}.", api_example="statement",
        api_not_found=f"Not a type of release: give one of {types}.",
    ))  # fmt: skip
    register(PublicFilter(
        parameter="topic", label="Topic", noun="topic", plural="topics", words="on",
        model=Topic, link_model=Release.topics.through, link_column="topic_id",
        sort_key=lambda t: (t.name,), index_url_name="releases:topic-list",
        api_description="A topic's slug.", api_example="human-trafficking",
        api_not_found="No topic has this slug.",
    ))  # fmt: skip
    register(PublicFilter(
        parameter="legislation", label="Legislation", noun="bill", plural="legislation",
        words="about", model=Legislation, identifier="bill_id",
        link_model=Release.legislation.through, link_column="legislation_id",
        choice_label=_bill_label, sort_key=lambda b: (-b.congress, b.bill_type, b.number),
        index_url_name="releases:legislation-list",
        api_description="A bill ID (`s1733-113`; `113-s-1733` and `S. 1733 (113th)` too).",
        api_example="s1733-113", api_not_found="No bill has this bill ID (e.g. s1733-113).",
        canonical=canonical_bill_id,
    ))  # fmt: skip
    register(PublicFilter(
        parameter="organization", label="Organization", noun="organization",
        plural="organizations", words="naming", model=Organization,
        link_model=Release.organizations.through, link_column="organization_id",
        sort_key=lambda o: (o.name,), index_url_name="releases:organization-list",
        api_description="An organization's slug.", api_example="united-nations",
        api_not_found="No organization has this slug.",
    ))  # fmt: skip
    register(PublicFilter(
        parameter="year", label="Year", noun="year", plural="years", words="in", kind="year",
        api_description="Published in this year (Eastern time).",
        api_not_found="Not a year: give four digits between 1789 and 2100.",
    ))  # fmt: skip
