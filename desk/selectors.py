"""What a staff user's desk shows: reads that carry the newsroom's rules.

Every section is drawn from `releases_for(user)`, so office staff see their offices'
releases only and newsroom admins and superusers every office's. Each section shows its
first ROWS and how many there are in all; the rows of every section, their issuing senators
and the counts are a fixed number of queries however many releases there are.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from core.eastern import EASTERN, eastern_date
from releases.models import ReleaseSenator, SignOff
from releases.selectors import office_senators, releases_for, sees_all_offices

ROWS = 10  # per section; "See all" leads to the release list, filtered the same way


@dataclass
class Section:
    """One part of the desk: its first rows, how many in all, and the list showing all."""

    key: str
    title: str
    rows: list
    total: int
    see_all: str  # the release list's query string for the whole section
    empty: str

    @property
    def more(self):
        return self.total > len(self.rows)


@dataclass
class Desk:
    newsroom_wide: bool
    offices: list
    now: datetime
    sections: list = field(default_factory=list)

    def section(self, key):
        return next(section for section in self.sections if section.key == key)


def today_span(now):
    """Midnight Eastern today, and the next midnight: "today" as the Senate's clock has it."""
    day = eastern_date(now)
    start = datetime.combine(day, time.min, tzinfo=EASTERN)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=EASTERN)


def _first(queryset, *ordering):
    return list(
        queryset.select_related("updated_by", "review_requested_by").order_by(*ordering)[:ROWS]
    )


def desk_for(user, *, now=None):
    """The desk of `user`: scheduled, ready for review, drafts, sign-offs, out today."""
    now = now or timezone.now()
    releases = releases_for(user)
    newsroom_wide = sees_all_offices(user)
    # Drafts marked "Ready for review" are shown once, in their own section.
    review = releases.drafts().filter(review_requested_at__isnull=False)
    drafts = releases.drafts().filter(review_requested_at__isnull=True)
    scheduled = releases.scheduled()
    out_today = releases.published().published_between(*today_span(now))
    signoffs = SignOff.objects.filter(
        state=SignOff.State.PENDING, release__in=releases.values("pk")
    )
    if not newsroom_wide:
        signoffs = signoffs.filter(senator__office_memberships__user=user)
    signoff_list = "signoff=waiting" if newsroom_wide else "signoff=mine"
    signoff_title = "Sign-offs waiting" + ("" if newsroom_wide else " on your office")

    sections = [
        Section(
            "scheduled", "Scheduled", _first(scheduled, "published_at", "pk"), scheduled.count(),
            "state=scheduled", "Nothing scheduled.",
        ),
        Section(
            "review", "Ready for review", _first(review, "review_requested_at", "pk"),
            review.count(), "review=ready", "No draft is marked ready for review.",
        ),
        Section(
            "signoffs", signoff_title,
            list(
                signoffs.select_related("release", "senator", "requested_by").order_by(
                    "requested_at", "pk"
                )[:ROWS]
            ),
            signoffs.count(), signoff_list, "No sign-off is waiting.",
        ),
        Section(
            "drafts", "Drafts waiting", _first(drafts, "updated_at", "pk"), drafts.count(),
            "state=draft", "No drafts.",
        ),
        Section(
            "today", "Out today", _first(out_today, "-published_at", "-pk"), out_today.count(),
            "state=published", "Nothing has gone out yet today.",
        ),
    ]  # fmt: skip
    shown = [
        row.release if isinstance(row, SignOff) else row
        for section in sections
        for row in section.rows
    ]
    prefetch_related_objects(
        shown,
        Prefetch(
            "releasesenator_set",
            queryset=ReleaseSenator.objects.select_related("senator"),
            to_attr="issuers",
        ),
    )
    offices = [] if newsroom_wide else list(office_senators(user))
    return Desk(newsroom_wide=newsroom_wide, offices=offices, now=now, sections=sections)


def countdown(moment, now):
    """How long until `moment`, as a press office says it: "in 3 hours 12 minutes"."""
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return "going out now"
    minutes = seconds // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60

    def unit(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        parts = [unit(days, "day")] + ([unit(hours, "hour")] if hours else [])
    elif hours:
        parts = [unit(hours, "hour")] + ([unit(minutes, "minute")] if minutes else [])
    elif minutes:
        parts = [unit(minutes, "minute")]
    else:
        return "in less than a minute"
    return "in " + " ".join(parts)
