"""A media advisory's event: when and where, what kind, and whether it moved or was called off.

The release (type "Media advisory") carries the words; the event carries the facts a
calendar needs. Times are stored in UTC and shown in Eastern time with the zone named.
`sequence` counts the changes readers must hear of (a new time or place, a cancellation):
calendar apps replace their copy of an event when it grows (RFC 5545 SEQUENCE).
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from releases.models import Release

# What changes an event for those who planned on it: its calendar entry is revised.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "location", "address", "cancelled")


def _this_hour(now):
    return now.replace(minute=0, second=0, microsecond=0)


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events of public releases (the publication rule: drafts and embargoes never)."""
        return self.filter(release__in=Release.objects.published().values("pk"))

    def upcoming(self, now=None):
        """Still to come or under way: starting from the start of the hour, or not ended."""
        now = now or timezone.now()
        return self.filter(Q(starts_at__gte=_this_hour(now)) | Q(ends_at__gte=now))

    def past(self, now=None):
        """The rest: started before this hour and ended (or with no end given)."""
        now = now or timezone.now()
        ended = Q(ends_at__isnull=True) | Q(ends_at__lt=now)
        return self.filter(ended, starts_at__lt=_this_hour(now))


class Event(models.Model):
    """What a media advisory announces."""

    class Kind(models.TextChoices):
        PRESS_CONFERENCE = "press-conference", "Press conference"
        STAKEOUT = "stakeout", "Stakeout"
        HEARING = "hearing", "Hearing"
        EVENT = "event", "Event"

    release = models.OneToOneField(Release, on_delete=models.CASCADE, related_name="event")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRESS_CONFERENCE)
    starts_at = models.DateTimeField("starts", help_text="Eastern Time (America/New_York).")
    ends_at = models.DateTimeField(
        "ends", null=True, blank=True, help_text="Eastern Time. Leave empty if open-ended."
    )
    location = models.CharField(
        max_length=300, help_text="Where, as a reporter looks for it: “Senate Radio-TV Gallery, "
        "S-325, U.S. Capitol”."
    )  # fmt: skip
    address = models.CharField(
        max_length=300, blank=True, help_text="Street address, for maps: “First St. SE, "
        "Washington, DC 20004”."
    )  # fmt: skip
    cancelled = models.BooleanField(
        default=False, help_text="Called off: the page, the list and calendars say so."
    )
    update_note = models.CharField(
        "update for readers", max_length=500, blank=True,
        help_text="Shown at the top of the advisory and in calendars: “Moved to 2:30 p.m.”, "
        "“Cancelled: votes were called.”",
    )  # fmt: skip
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    # When the time, the place or the cancellation last changed (None: as first announced).
    revised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="advisory_event_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="advisory_event_ends_after_start",
                violation_error_message="The event must end after it starts.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.location}"

    @property
    def is_revised(self):
        return self.revised_at is not None

    def save(self, *args, **kwargs):
        if self.pk is not None:
            before = Event.objects.filter(pk=self.pk).values(*NOTIFIED_FIELDS).first()
            if before and any(before[f] != getattr(self, f) for f in NOTIFIED_FIELDS):
                self.sequence += 1
                self.revised_at = timezone.now()
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence", "revised_at"}
        super().save(*args, **kwargs)
