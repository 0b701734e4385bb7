"""Media advisories: the event on its page, /advisories/ by day, and iCalendar feeds with the
list's filters (RFC 5545, read back with the icalendar library), stable UIDs, updates and
cancellations as such; drafts and embargoes never show."""

import json
from datetime import datetime, timedelta

import icalendar
import pytest
from django.utils import timezone

from advisories.models import Event
from core.eastern import EASTERN
from releases.models import Release, ReleaseType
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def advisory(
    senators,
    *,
    starts_in,
    title="Klobuchar to hold press conference on broadband",
    location="Senate Radio-TV Gallery, S-325, U.S. Capitol",
    **release_fields,
):
    release = ReleaseFactory(title=title, senators=senators, type=ReleaseType.MEDIA_ADVISORY,
                             **release_fields)  # fmt: skip
    start = timezone.now() + starts_in
    event = Event.objects.create(release=release, starts_at=start, location=location,
                                 ends_at=start + timedelta(minutes=45))  # fmt: skip
    return event


@pytest.fixture
def events(klobuchar, heitkamp):
    return {
        "soon": advisory([klobuchar], starts_in=timedelta(days=1)),
        "later": advisory([heitkamp], starts_in=timedelta(days=3),
                          title="Heitkamp to join farmers at a stakeout"),
        "past": advisory([klobuchar], starts_in=-timedelta(days=2),
                         title="Klobuchar held a roundtable"),
        "draft": advisory([klobuchar], starts_in=timedelta(days=2), title="Draft advisory",
                          status=Release.Status.DRAFT, published_at=None),
        "embargoed": advisory([klobuchar], starts_in=timedelta(days=2), title="Embargoed one",
                              published_at=timezone.now() + timedelta(hours=5)),
    }  # fmt: skip


def parsed(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar):
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_list_shows_upcoming_public_advisories_by_day(client, events):
    response = client.get("/advisories/")
    html = response.content.decode()

    shown = [e.release.title for _, day in response.context["days"] for e in day]
    assert shown == [
        "Klobuchar to hold press conference on broadband", "Heitkamp to join farmers at a stakeout",
    ]  # fmt: skip
    assert response.context["heading"] == "Upcoming media advisories"
    assert "Senate Radio-TV Gallery, S-325, U.S. Capitol" in html
    assert "Draft advisory" not in html and "Embargoed one" not in html
    assert 'href="webcal://testserver/advisories/calendar.ics"' in html


def test_past_advisories_are_one_link_away(client, events, settings):
    settings.PAGE_CACHE_SECONDS = 300  # the kept upcoming page must not answer for the past
    client.get("/advisories/")
    response = client.get("/advisories/?when=past")

    shown = [e.release.title for _, day in response.context["days"] for e in day]
    assert shown == ["Klobuchar held a roundtable"]
    assert response.context["heading"] == "Past media advisories"


def test_the_list_takes_the_release_filters_and_names_them(client, events):
    response = client.get("/advisories/?senator=heidi-heitkamp")

    shown = [e.release.title for _, day in response.context["days"] for e in day]
    assert shown == ["Heitkamp to join farmers at a stakeout"]
    assert response.context["heading"].startswith("Upcoming media advisories from Heidi Heitkamp")
    assert "/advisories/calendar.ics?senator=heidi-heitkamp" in response.context["calendar_url"]


@pytest.mark.parametrize("extra", [0, 12])
def test_the_list_and_calendar_take_a_fixed_number_of_queries(
    client, events, klobuchar, extra, django_assert_num_queries
):
    for n in range(extra):
        advisory([klobuchar], starts_in=timedelta(hours=30 + n), title=f"Advisory {n}")
    client.get("/advisories/")  # counts and kept values settle
    with django_assert_num_queries(5):
        client.get("/advisories/?senator=amy-klobuchar&nocache=1")
    with django_assert_num_queries(3):
        client.get("/advisories/calendar.ics?senator=amy-klobuchar&nocache=1")


def test_the_calendar_is_valid_icalendar_with_zones_and_stable_uids(client, events):
    response = client.get("/advisories/calendar.ics")
    calendar = parsed(response)
    body = response.content.decode()

    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Senate Newsroom//")
    assert str(calendar["X-WR-CALNAME"]).startswith("Media advisories · ")
    assert "\r\n" in body and all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    found = vevents(calendar)
    # Upcoming ones and a month of past ones; never a draft or an embargo.
    assert set(found) == {
        "Klobuchar to hold press conference on broadband",
        "Heitkamp to join farmers at a stakeout", "Klobuchar held a roundtable",
    }  # fmt: skip
    soon = found["Klobuchar to hold press conference on broadband"]
    assert str(soon["UID"]) == f"advisory-{events['soon'].release_id}@testserver"
    assert soon["DTSTART"].dt == events["soon"].starts_at.replace(microsecond=0)
    assert soon["DTSTART"].params["TZID"] == "America/New_York"
    assert soon["DTEND"].dt - soon["DTSTART"].dt == timedelta(minutes=45)
    assert str(soon["STATUS"]) == "CONFIRMED" and soon["SEQUENCE"] == 0
    assert str(soon["URL"]).endswith(events["soon"].release.get_absolute_url())
    assert "Sen. Amy Klobuchar" in str(soon["DESCRIPTION"])


def test_an_update_and_a_cancellation_revise_the_same_event(client, events):
    event = events["soon"]
    before = vevents(parsed(client.get("/advisories/calendar.ics")))
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)
    event.update_note = "Moved to the afternoon."
    event.save()
    moved = vevents(parsed(client.get("/advisories/calendar.ics")))
    event.cancelled = True
    event.update_note = "Cancelled: votes were called."
    event.save()
    cancelled = vevents(parsed(client.get("/advisories/calendar.ics")))

    title = "Klobuchar to hold press conference on broadband"
    assert moved[title]["UID"] == before[title]["UID"]
    assert moved[title]["SEQUENCE"] == 1
    assert "Moved to the afternoon." in str(moved[title]["DESCRIPTION"])
    revised = cancelled[f"Cancelled: {title}"]
    assert revised["UID"] == before[title]["UID"]
    assert str(revised["STATUS"]) == "CANCELLED" and revised["SEQUENCE"] == 2
    html = client.get("/advisories/").content.decode()
    assert "advisory__flag--cancelled" in html
    page = client.get(event.release.get_absolute_url()).content.decode()
    assert "Cancelled: this event will not take place." in page
    assert '<p class="event__note">Cancelled: votes were called.</p>' in page


def test_a_note_alone_does_not_revise_the_event(events):
    event = events["soon"]
    event.update_note = "Credentials: bring your Senate press pass."
    event.save()
    event.refresh_from_db()
    assert (event.sequence, event.revised_at) == (0, None)


def test_the_calendar_takes_the_filters_and_refuses_what_names_nothing(client, events):
    found = vevents(parsed(client.get("/advisories/calendar.ics?senator=heidi-heitkamp")))
    refused = client.get("/advisories/calendar.ics?senator=heidi-heitcamp")

    assert set(found) == {"Heitkamp to join farmers at a stakeout"}
    assert refused.status_code == 400
    assert "heidi-heitcamp" in refused.content.decode()


def test_one_event_as_a_file_and_never_an_unpublished_one(client, events):
    one = vevents(parsed(client.get(f"/advisories/{events['soon'].release_id}.ics")))

    assert list(one) == ["Klobuchar to hold press conference on broadband"]
    assert client.get(f"/advisories/{events['draft'].release_id}.ics").status_code == 404
    assert client.get(f"/advisories/{events['embargoed'].release_id}.ics").status_code == 404


def test_the_page_shows_the_event_with_its_zone_and_event_json_ld(client, events):
    event = events["soon"]
    html = client.get(event.release.get_absolute_url()).content.decode()

    local = event.starts_at.astimezone(EASTERN)
    assert "Press conference" in html
    assert local.strftime("%B") in html and ("EST" in html or "EDT" in html)
    scripts = [
        json.loads(chunk.split("</script>")[0])
        for chunk in html.split('<script type="application/ld+json">')[1:]
    ]
    event_data = next(s for s in scripts if s["@type"] == "Event")
    assert event_data["location"]["name"] == "Senate Radio-TV Gallery, S-325, U.S. Capitol"
    assert event_data["eventStatus"] == "https://schema.org/EventScheduled"
    assert datetime.fromisoformat(event_data["startDate"]) == event.starts_at
    assert event_data["organizer"][0]["name"] == "Amy Klobuchar"
    assert f"/advisories/{event.release_id}.ics" in html


def test_an_event_must_end_after_it_starts(events):
    from django.db import IntegrityError, transaction

    event = events["soon"]
    event.ends_at = event.starts_at - timedelta(minutes=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
