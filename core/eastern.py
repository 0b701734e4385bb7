"""Times as the Senate keeps them: stored in UTC, shown in Eastern time with the zone named.

The one place a time is turned into words for staff or readers. Each style is a Django date
format, named for where it is read.
"""

from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone

EASTERN = ZoneInfo("America/New_York")

STYLES = {
    # An embargo, as staff and reporters read it: "Tuesday, May 20, 2014, 10:00 a.m. EDT".
    "embargo": "l, F j, Y, g:i a T",
    # When a release goes or went public, in a sentence: "Tuesday, May 20, 2014 at 10:00 a.m.
    # EDT" (the release form's publishing panel and its messages).
    "sentence": r"l, F j, Y \a\t g:i a T",
    # Where a release stands, to the second: "Tuesday, May 20, 2014, 10:00:00 AM EDT".
    "state": "l, F j, Y, g:i:s A T",
    # Short enough for a column: "May 19, 2014, 9:00 a.m. EDT".
    "short": "M j, Y, g:i a T",
    # The release list's columns: "May 19, 2014 9:00 AM EDT", "May 19 9:00 AM EDT" (this
    # year's changes), "May 19, 9:00 AM EDT" (a scheduled time under its state).
    "column": "M j, Y g:i A T",
    "column_no_year": "M j g:i A T",
    "scheduled": "M j, g:i A T",
    # A moment today: "3:04:05 PM EDT".
    "clock": "g:i:s A T",
    # The time of day, as the desk says what went out today: "9:00 a.m. EDT".
    "time": "g:i a T",
    # What an <input type="datetime-local"> reads and shows: "2014-05-20T10:00".
    "datetime_local": r"Y-m-d\TH:i",
    # A day, AP style: "Sept. 4, 2014".
    "day": "N j, Y",
}


def eastern(moment, style="short", *, empty="—"):
    """`moment` in Eastern time, in one of the STYLES (or `empty` for no time)."""
    if moment is None:
        return empty
    return dateformat.format(timezone.localtime(moment, EASTERN), STYLES[style])


def eastern_iso(moment):
    """ISO 8601 with the zone, in the Senate's clock: 2014-05-16T12:00:00-04:00."""
    return timezone.localtime(moment, EASTERN).isoformat()


def eastern_date(moment):
    """The day `moment` falls on in Eastern time."""
    return timezone.localtime(moment, EASTERN).date()
