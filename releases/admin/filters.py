"""The release list's filters: status, review, senators, topics, bills, year and month.

They scale with the newsroom: senators, topics and bills are searchable choices (select2 on
the admin's autocomplete, asking releases/admin/changelist.py's `FilterChoicesView`, which
offers office staff only their offices' senators and the topics and bills their offices'
releases use), not a link per senator and topic. Their titles are shown as they are ("Status",
not Django's "By state", which in a Senate office means Minnesota).
"""

import calendar
import re
from datetime import datetime

from django.contrib import admin
from django.contrib.admin.utils import get_model_from_relation
from django.db.models import Max, Min
from django.urls import reverse

from core.eastern import EASTERN, eastern_date
from releases.models import year_span

# Django's filter template says "By <title>"; this one says the title alone.
FILTER_TEMPLATE = "admin/releases/release/filter.html"


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, Scheduled (published with a time to come) or Published: as of this request."""

    title = "status"
    parameter_name = "state"
    template = FILTER_TEMPLATE

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


def _number(value):
    """The int of a plain ASCII number, else None ("²".isdigit() is true; int("²") fails)."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,9}", value) else None


class YearFilter(admin.SimpleListFilter):
    """Every year from the first release to the last, newest first.

    The years come from the earliest and latest publication times (two ends of an index),
    not from a DISTINCT over every release's year: quick at 100,000 releases, which is also
    why the list has this filter and a month one rather than Django's date_hierarchy.
    """

    title = "year"
    parameter_name = "year"
    template = FILTER_TEMPLATE

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        if span["first"] is None:
            return []
        first, last = (eastern_date(span[end]).year for end in ("first", "last"))
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        year = _number(self.value())
        if year is not None:
            if not 1789 <= year <= 2100:
                return queryset.none()
            return queryset.published_between(*year_span(year))
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """The months of the chosen year (shown once a year is chosen)."""

    title = "month"
    parameter_name = "month"
    template = FILTER_TEMPLATE

    def _year(self, request):
        year = _number(request.GET.get(YearFilter.parameter_name))
        return year if year is not None and 1789 <= year <= 2100 else None

    def lookups(self, request, model_admin):
        if self._year(request) is None:
            return []
        return [(str(n), calendar.month_name[n]) for n in range(1, 13)]

    def queryset(self, request, queryset):
        year = self._year(request)
        month = _number(self.value())
        if year is None or month is None or not 1 <= month <= 12:
            return queryset
        start = datetime(year, month, 1, tzinfo=EASTERN)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=EASTERN)
        return queryset.published_between(start, end)


class ReviewListFilter(admin.SimpleListFilter):
    """Drafts an assistant marked "Ready for review" (the desk's section of them)."""

    title = "review"
    parameter_name = "review"
    template = FILTER_TEMPLATE

    def lookups(self, request, model_admin):
        return [("ready", "Ready for review")]

    def queryset(self, request, queryset):
        if self.value() == "ready":
            return queryset.drafts().filter(review_requested_at__isnull=False)
        return queryset


class SearchableChoiceFilter(admin.RelatedFieldListFilter):
    """A related filter as one searchable choice: type a few letters, pick one.

    The page holds only the chosen object's name; the choices come as the user types, from
    `FilterChoicesView` (releases/admin/changelist.py). The parameter is Django's own
    (`senators__id__exact`), so links to the list keep working. An empty choice, as a form
    without script sends it, is no filter."""

    template = "admin/releases/release/searchable_filter.html"
    label = None  # the title, when the field's name is not it
    placeholder = "Type to search"

    def __init__(self, field, request, params, model, model_admin, field_path):
        key = f"{field_path}__{field.target_field.name}__exact"
        if params.get(key) in ([""], ""):
            params.pop(key)
        self.model_admin = model_admin
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = self.label or self.title

    def field_choices(self, field, request, model_admin):
        chosen = [pk for pk in (_number(value) for value in self.lookup_val or []) if pk]
        if not chosen:
            return []
        found = get_model_from_relation(field)._default_manager.filter(pk__in=chosen)
        return [(obj.pk, str(obj)) for obj in found]

    def has_output(self):
        return True

    def choices(self, changelist):
        # The other parameters of the list, kept by the filter's form.
        self.kept_parameters = [
            (name, value)
            for name, value in changelist.params.items()
            if name not in self.expected_parameters()
        ]
        return super().choices(changelist)

    @property
    def input_id(self):
        return f"filter-{self.field_path}"

    @property
    def choices_url(self):
        opts = self.model_admin.opts
        name = f"{self.model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}"
        return reverse(f"{name}_filter_choices")


class SenatorChoiceFilter(SearchableChoiceFilter):
    label, placeholder = "senator", "Type a senator's name"


class TopicChoiceFilter(SearchableChoiceFilter):
    label, placeholder = "topic", "Type a topic"


class BillChoiceFilter(SearchableChoiceFilter):
    label, placeholder = "bill", "Type a bill, e.g. S. 1733"
