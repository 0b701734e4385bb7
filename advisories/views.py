"""/advisories/: upcoming media advisories by day; /advisories/calendar.ics: the same
filters as a calendar to subscribe to; /advisories/<id>.ics: one event to add."""

from itertools import groupby

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse

from advisories import calendars
from advisories.models import Event
from advisories.selectors import advisory_filter, calendar_events, with_release
from core.eastern import eastern_date
from people.models import Senator
from releases.browse import registry
from releases.browse.pagination import querystring_toggle, relink
from releases.feeds import feed_query
from releases.models import ReleaseType
from releases.seo import site_root

PER_PAGE = 50


def _host(request):
    return request.get_host().split(":")[0]


def _ics(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def advisory_list(request):
    chosen = advisory_filter(request.GET)
    past = request.GET.get("when") == "past"
    events = chosen.events.past() if past else chosen.events.upcoming()
    events = events.order_by("-starts_at", "-pk") if past else events.order_by("starts_at", "pk")
    page = Paginator(with_release(events), PER_PAGE).get_page(request.GET.get("page"))
    days = [
        (day, list(items))
        for day, items in groupby(page.object_list, key=lambda e: eastern_date(e.starts_at))
    ]
    query = feed_query(chosen.filters)
    calendar_url = request.build_absolute_uri(reverse("advisories:calendar") + query)
    senators = (
        Senator.objects.filter(releases__in=Event.objects.public().values("release_id"))
        .distinct()
        .order_by("last_name", "first_name")
    )
    chips = [
        {"label": f"{f.label}: {f.label_of(value)}",
         "url": querystring_toggle(request.GET, f.parameter, f.value_of(value))}
        for f in registry.public_filters()
        for value in chosen.filters.get(f.parameter) or ()
    ]  # fmt: skip
    alerts_query = feed_query({**chosen.filters, "type": [ReleaseType.MEDIA_ADVISORY.slug]})
    return render(request, "advisories/advisory_list.html", {
        "heading": ("Past " if past else "Upcoming ") + chosen.name[0].lower() + chosen.name[1:],
        "past": past,
        "page_obj": page,
        "days": days,
        "problems": chosen.problems,
        "senators": senators,
        "chosen_senators": {s.slug for s in chosen.filters.get("senator", [])},
        "chips": chips,
        "calendar_url": calendar_url,
        "webcal_url": "webcal://" + calendar_url.split("://", 1)[1],
        "other_url": relink(request.GET, when=None if past else "past"),
        "alerts_url": reverse("alerts:subscribe") + alerts_query,
    })  # fmt: skip


def calendar_feed(request):
    chosen = advisory_filter(request.GET)
    if chosen.problems:
        # A calendar app shows no page: a misspelt filter would silently become every
        # advisory. Say what is wrong, as the API does.
        return HttpResponseBadRequest(
            "\n".join(chosen.problems) + "\n", content_type="text/plain; charset=utf-8"
        )
    body = calendars.calendar(
        calendar_events(chosen.events),
        name=chosen.name, root=site_root(request), host=_host(request),
    )  # fmt: skip
    return _ics(body, "advisories.ics")


def event_file(request, release_id):
    event = with_release(Event.objects.public().filter(release_id=release_id)).first()
    if event is None:
        raise Http404("No such advisory.")
    body = calendars.calendar(
        [event], name=event.release.title, root=site_root(request), host=_host(request)
    )
    return _ics(body, f"advisory-{release_id}.ics")
