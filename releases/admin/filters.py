"""The release list's filters: state, office's senators, year and month."""

import calendar
import re
from datetime import datetime

from django.contrib import admin
from django.db.models import Max, Min

from core.eastern import EASTERN, eastern_date
from releases.models import year_span
from releases.selectors import office_senators, sees_all_offices


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, Scheduled (published with a time to come) or Published: as of this request."""

    title = "state"
    parameter_name = "state"

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


class OfficeSenatorListFilter(admin.RelatedOnlyFieldListFilter):
    """Filter by senator: the user's offices' senators, or every issuing one for those who see
    all offices."""

    def field_choices(self, field, request, model_admin):
        if sees_all_offices(request.user):
            return super().field_choices(field, request, model_admin)
        return [(senator.pk, str(senator)) for senator in office_senators(request.user)]
