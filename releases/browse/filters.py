"""The public lists' filters: repeat a parameter for OR, combine parameters for AND.

ReleaseFilterSet takes `q` and every filter of the registry (browse/registry.py), read when
the FilterSet is made, so a registered filter works on the list, its facets, the feeds and
the API at once. QuoteFilterSet filters quotes by who spoke and by their release's links.
"""

import django_filters

from people.models import Senator
from releases.browse import registry
from releases.models import Quote, Release
from search.query import search


class LenientModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Keeps the values that name something and remembers the rest in `unknown`.

    Django's field rejects the whole parameter for one bad value, so
    `?topic=trafficking&topic=nope` would drop the good topic too.
    """

    unknown = ()

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        value = [str(v) for v in dict.fromkeys(value) if v not in (None, "")]
        # A NUL byte or an absurd length can't name anything (and PostgreSQL refuses NULs).
        plausible = [v for v in value if "\x00" not in v and len(v) <= 200]
        objects = list(self.queryset.filter(**{f"{key}__in": plausible})) if plausible else []
        found = {str(getattr(o, key)) for o in objects}
        self.unknown = [v for v in value if v not in found]
        return objects


class LenientModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = LenientModelMultipleChoiceField


class YearsField(django_filters.fields.MultipleChoiceField):
    """Years, each checked against registry.YEARS by arithmetic. As choices, the 312 years
    were copied, each deeply, with every form made: a list's filters read in 8.3 ms with
    them, 4.5 without."""

    def valid_value(self, value):
        value = str(value)
        return value.isascii() and value.isdigit() and int(value) in registry.YEARS


class YearsFilter(django_filters.MultipleChoiceFilter):
    field_class = YearsField


def releases_linked_to(public_filter, objects):
    """The ids of releases linked to any of `objects` through the filter's link table: a
    subquery, so a joint release matched twice still appears once, with no DISTINCT."""
    link = public_filter.link_model.objects.filter(
        **{f"{public_filter.link_column}__in": [obj.pk for obj in objects]}
    )
    return link.values("release_id")


def filter_for(public_filter, *, release_path=""):
    """The django-filter Filter for one registry entry. `release_path` reaches the release
    from the filtered model ("release" for quotes)."""
    pk_in = f"{release_path}__in" if release_path else "pk__in"
    if public_filter.kind == "choice":
        lookup = (
            f"{release_path}__{public_filter.column}__in"
            if release_path
            else (f"{public_filter.column}__in")
        )

        def by_choice(queryset, name, value):
            if not value:
                return queryset
            return queryset.filter(**{lookup: [public_filter.option(v).code for v in value]})

        return django_filters.MultipleChoiceFilter(
            method=by_choice, choices=[(o.value, o.label) for o in public_filter.options()]
        )
    if public_filter.kind == "year":

        def by_year(queryset, name, value):
            if not value:
                return queryset
            years = {int(v) for v in value}
            if release_path:
                return queryset.filter(
                    **{pk_in: Release.objects.published_in_years(years).values("pk")}
                )
            return queryset.published_in_years(years)

        return YearsFilter(method=by_year)

    def by_link(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{pk_in: releases_linked_to(public_filter, value)})

    return LenientModelMultipleChoiceFilter(
        queryset=public_filter.model._default_manager.all(),
        to_field_name=public_filter.identifier,
        method=by_link,
    )


def _canonical(public_filter, value):
    made = public_filter.canonical(value) if public_filter.canonical else None
    return made or value


def _at_most(data, most):
    """`data` with each filter's values as the filter names them (`canonical`: a bill's
    "113-s-1733" is "s1733-113"), deduplicated, at most `most` of them, and {parameter: how
    many distinct values it had} for those cut short."""
    if data is None:
        return data, {}
    kept, trimmed = data.copy(), {}
    filters = {f.parameter: f for f in registry.public_filters()}
    for name in filters.keys() & set(data):
        given = data.getlist(name)
        values = list(dict.fromkeys(_canonical(filters[name], v) for v in given))
        if len(values) > most:
            trimmed[name] = len(values)
        kept.setlist(name, values[:most])
    return kept, trimmed


class RegistryFilterSet(django_filters.FilterSet):
    """A FilterSet that adds filters from the registry when it is made."""

    registry_release_path = ""  # how the filtered model reaches its release
    registry_parameters = None  # the registry's parameters to take (None: all)

    def __init__(self, data=None, *args, **kwargs):
        data, self.trimmed = _at_most(data, registry.MOST_VALUES)
        super().__init__(data, *args, **kwargs)
        for public_filter in registry.public_filters():
            wanted = self.registry_parameters
            if wanted is not None and public_filter.parameter not in wanted:
                continue
            if public_filter.parameter in self.filters:
                continue
            added = filter_for(public_filter, release_path=self.registry_release_path)
            added.model = self.queryset.model
            added.parent = self
            self.filters[public_filter.parameter] = added


class ReleaseFilterSet(RegistryFilterSet):
    # First: the search runs on the published queryset, before the other filters narrow it
    # with subqueries the search index knows nothing of.
    q = django_filters.CharFilter(method="filter_text", max_length=200)

    class Meta:
        model = Release
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value)


class QuoteFilterSet(RegistryFilterSet):
    """Quotes by who spoke them (`senator`), and by their release's topic or bill."""

    registry_release_path = "release"
    registry_parameters = ("topic", "legislation")

    q = django_filters.CharFilter(method="filter_text", max_length=200)
    senator = LenientModelMultipleChoiceFilter(
        queryset=Senator.objects.all(), to_field_name="slug", method="filter_senator"
    )

    class Meta:
        model = Quote
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value)

    def filter_senator(self, queryset, name, value):
        return queryset.filter(senator__in=value) if value else queryset


def ignored_parameters(filterset):
    """What the visitor asked for that we could not use, as readable sentences."""
    nouns = {"q": "search"} | {f.parameter: f.noun for f in registry.public_filters()}
    ignored = {name: filterset.data.getlist(name) for name in filterset.form.errors}
    for name, field in filterset.form.fields.items():
        if getattr(field, "unknown", None) and name not in ignored:
            ignored[name] = field.unknown
    messages = []
    for name, values in ignored.items():
        noun = nouns.get(name, name)
        shown = ", ".join(f"“{v}”" for v in values) or "(empty)"
        messages.append(f"We ignored {noun} {shown}: no such {noun}.")
    for name, given in getattr(filterset, "trimmed", {}).items():
        noun = nouns.get(name, name)
        messages.append(
            f"We used the first {registry.MOST_VALUES} of the {given} {noun} values you gave "
            "and left out the rest."
        )
    return messages
