"""Media advisories as iCalendar (RFC 5545), written with the icalendar library.

One VEVENT per advisory, with a UID that never changes (the release's id on this site's
host), SEQUENCE and LAST-MODIFIED growing when the time, place or cancellation changes, and
STATUS:CANCELLED for one called off, so that a subscribed calendar revises its copy instead
of adding another. Times carry their zone (TZID=America/New_York, with its VTIMEZONE).
"""

from datetime import date, timedelta

import icalendar
from django.conf import settings

from core.eastern import EASTERN
from releases.seo import absolute, summary

PRODID = "-//Senate Newsroom//Media advisories//EN"
REFRESH = timedelta(hours=1)  # how often subscribed calendars should look again


def event_uid(event, host):
    return f"advisory-{event.release_id}@{host}"


def vevent(event, root, host):
    """The event of `event.release` (with `issuers`) as a VEVENT."""
    release = event.release
    url = absolute(root, release.get_absolute_url())
    item = icalendar.Event()
    item.add("uid", event_uid(event, host))
    item.add("dtstamp", event.changed_at)
    item.add("created", event.created_at)
    item.add("last-modified", event.revised_at or event.changed_at)
    item.add("sequence", event.sequence)
    item.add("dtstart", event.starts_at.astimezone(EASTERN))
    if event.ends_at:
        item.add("dtend", event.ends_at.astimezone(EASTERN))
    title = release.title
    if event.cancelled:
        title = f"Cancelled: {title}"
    item.add("summary", title)
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    where = ", ".join(part for part in (event.location, event.address) if part)
    item.add("location", where)
    issuers = ", ".join(f"{i.senator.title} {i.senator.name}" for i in release.issuers)
    lines = [line for line in (event.update_note, issuers, summary(release), url) if line]
    item.add("description", "\n\n".join(lines))
    item.add("url", url)
    item.add("categories", [event.get_kind_display()])
    item.add("class", "PUBLIC")
    item.add("transp", "TRANSPARENT")  # a reporter's calendar is not blocked by it
    return item


def calendar(events, *, name, root, host):
    """A VCALENDAR of `events`, named for the filters that chose them."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", f"{name} · {settings.NEWSROOM_NAME}")  # RFC 7986
    cal.add("x-wr-calname", f"{name} · {settings.NEWSROOM_NAME}")
    cal.add("x-wr-timezone", "America/New_York")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH).to_ical().decode())
    events = list(events)
    for event in events:
        cal.add_component(vevent(event, root, host))
    # The zone's rules for the years the events span (the library writes 1970-2038 else).
    years = [e.starts_at.year for e in events] or [date.today().year]
    cal.add_missing_timezones(
        first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
    )
    return cal.to_ical()
