"""Which advisories a request's filters choose: the release list's filters (the registry),
over public media advisories, read once for the page and the calendars alike."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from advisories.models import Event
from releases.browse.facets import apply_filters
from releases.browse.filters import ReleaseFilterSet, ignored_parameters
from releases.feeds import describe
from releases.models import Release, ReleaseSenator, ReleaseType

CALENDAR_PAST = timedelta(days=30)  # a calendar keeps a month of past events (and their fate)
CALENDAR_MOST = 500


@dataclass
class AdvisoryFilter:
    filters: dict  # the FilterSet's cleaned data
    problems: list  # what was asked for and could not be used, as sentences
    events: object  # the chosen public advisories' events, a queryset
    name: str  # "Media advisories from Amy Klobuchar (D-MN)"


def with_release(events):
    """Each event with its release and the release's senators (two queries in all)."""
    issuers = Prefetch(
        "release__releasesenator_set",
        queryset=ReleaseSenator.objects.select_related("senator"),
        to_attr="issuers",
    )
    return events.select_related("release").prefetch_related(issuers)


def advisory_filter(data):
    """The events of the public media advisories the query `data` chooses. The search box
    is the release list's; advisories are chosen by the filters alone."""
    base = Release.objects.published().filter(type=ReleaseType.MEDIA_ADVISORY)
    data = data.copy()
    data.pop("q", None)
    filterset = ReleaseFilterSet(data, queryset=base)
    filterset.is_valid()
    releases = apply_filters(filterset, base)
    filters = {k: v for k, v in filterset.form.cleaned_data.items() if k != "q"}
    problems = ignored_parameters(filterset)
    wanted = {**filters, "type": [ReleaseType.MEDIA_ADVISORY.slug]}
    return AdvisoryFilter(
        filters=filters,
        problems=problems,
        events=Event.objects.filter(release__in=releases.values("pk")),
        name=describe(wanted),
    )


def calendar_events(events, now=None):
    """What a calendar holds: every upcoming event and a month of past ones, soonest first."""
    now = now or timezone.now()
    recent = events.filter(starts_at__gte=now - CALENDAR_PAST) | events.upcoming(now)
    newest = recent.order_by("-starts_at", "-pk")[:CALENDAR_MOST]
    return sorted(with_release(newest), key=lambda e: (e.starts_at, e.pk))
