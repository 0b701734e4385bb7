"""The public list's filters: repeat a parameter for OR, combine parameters for AND."""

from datetime import datetime

import django_filters
from django.db.models import Q

from people.models import Organization, Senator

from .models import EASTERN, Legislation, Release, ReleaseSenator, Topic
from .search import search


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


class ReleaseFilterSet(django_filters.FilterSet):
    # First: the search runs on the published queryset, before the other filters narrow it
    # with subqueries the search index knows nothing of.
    q = django_filters.CharFilter(method="filter_text", max_length=200)
    senator = LenientModelMultipleChoiceFilter(
        queryset=Senator.objects.all(), to_field_name="slug", method="filter_senator"
    )
    topic = LenientModelMultipleChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_related",
    )
    legislation = LenientModelMultipleChoiceFilter(
        field_name="legislation",
        queryset=Legislation.objects.all(),
        to_field_name="bill_id",
        method="filter_related",
    )
    organization = LenientModelMultipleChoiceFilter(
        field_name="organizations", queryset=Organization.objects.all(), to_field_name="slug",
        method="filter_related",
    )  # fmt: skip
    year = django_filters.MultipleChoiceFilter(method="filter_year")

    class Meta:
        model = Release
        fields = ["q", "senator", "topic", "legislation", "organization", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any plausible year; an out-of-range one is reported and ignored, never a 500.
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in range(1789, 2101)]
        self.form.fields["year"].choices = self.filters["year"].extra["choices"]

    # Subqueries rather than joins: a joint release matched twice still appears once,
    # with no DISTINCT over the whole list.
    def filter_senator(self, queryset, name, value):
        if not value:
            return queryset
        ids = ReleaseSenator.objects.filter(senator__in=value).values("release_id")
        return queryset.filter(pk__in=ids)

    def filter_related(self, queryset, name, value):
        if not value:
            return queryset
        field = Release._meta.get_field(name)
        target = field.related_model._meta.model_name
        ids = field.remote_field.through.objects.filter(**{f"{target}__in": value})
        return queryset.filter(pk__in=ids.values("release_id"))

    def filter_year(self, queryset, name, value):
        if not value:
            return queryset
        # Ranges on published_at (not EXTRACT) so the index serves them.
        condition = Q()
        for year in sorted({int(v) for v in value}):
            condition |= Q(
                published_at__gte=datetime(year, 1, 1, tzinfo=EASTERN),
                published_at__lt=datetime(year + 1, 1, 1, tzinfo=EASTERN),
            )
        return queryset.filter(condition)

    def filter_text(self, queryset, name, value):
        return search(queryset, value)


def ignored_parameters(filterset):
    """What the visitor asked for that we could not use, as readable sentences."""
    labels = {"q": "search", "legislation": "bill"}
    ignored = {name: filterset.data.getlist(name) for name in filterset.form.errors}
    for name, field in filterset.form.fields.items():
        if getattr(field, "unknown", None) and name not in ignored:
            ignored[name] = field.unknown
    messages = []
    for name, values in ignored.items():
        label = labels.get(name, name)
        shown = ", ".join(f"“{v}”" for v in values) or "(empty)"
        messages.append(f"We ignored {label} {shown}: no such {label}.")
    return messages
