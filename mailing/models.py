"""A message owed to one person about one thing: sent once, retried when the server says later.

Each app that sends mail keeps its own deliveries (an alert to a subscriber about a release,
a release to a reporter on a press list) as rows of a model built on `Delivery`, with a
unique constraint on what it is about: a delivery that exists is never made twice, and one
that was sent is never sent again.

A worker *claims* deliveries before sending them, a few at a time, with one conditional
UPDATE that marks them with its own token: only one worker can win each (two workers never
send the same email). A claim that a dead worker left
behind expires after CLAIM_TIMEOUT and is taken again: the one moment an email can go twice
is when a worker dies between the server accepting the message and the row saying so.
"""

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import F, Min, Q
from django.utils import timezone

CLAIM_TIMEOUT = timedelta(minutes=10)
# Seconds to wait after each failed attempt the server called temporary: 1 min, 5 min,
# 30 min, 2 h, 6 h; then the delivery has failed and staff see why.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)


class DeliveryQuerySet(models.QuerySet):
    def due(self):
        """Deliveries a worker may claim now: waiting, retrying and due, or claimed by a
        worker that has not finished within CLAIM_TIMEOUT."""
        now = timezone.now()
        return self.filter(
            Q(state=Delivery.State.PENDING)
            | Q(state=Delivery.State.RETRY, next_attempt_at__lte=now)
            | Q(state=Delivery.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )

    def next_retry_at(self):
        """When the earliest delivery waiting to be tried again is due (None if none is)."""
        waiting = self.filter(state=Delivery.State.RETRY)
        return waiting.aggregate(at=Min("next_attempt_at"))["at"]

    def next_due_at(self):
        """When the earliest unfinished delivery not due now becomes due: a retry's time, or
        the moment a claim expires (its worker may have died). A watchdog that finds nothing
        due comes back then: a worker that died more than a minute into its batch left a
        claim younger than CLAIM_TIMEOUT when the watchdog ran."""
        retry = self.next_retry_at()
        claimed = self.filter(state=Delivery.State.SENDING).aggregate(at=Min("claimed_at"))["at"]
        expiry = claimed + CLAIM_TIMEOUT if claimed else None
        return min((t for t in (retry, expiry) if t is not None), default=None)

    def unfinished(self):
        return self.filter(
            state__in=[Delivery.State.PENDING, Delivery.State.SENDING, Delivery.State.RETRY]
        )


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        RETRY = "retry", "To be tried again"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent"

    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set with each claim, so that a worker that claims several deliveries in one UPDATE
    # knows which are its own (claim_group).
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    # Why it failed or was not sent, in words staff can act on.
    last_error = models.TextField(blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="%(app_label)s_%(class)s_due"),
        ]

    def claim(self):
        """Take this delivery for sending. False if another worker has it, or it is done."""
        return bool(self.claim_group([self]))

    @classmethod
    def claim_group(cls, deliveries):
        """Take for sending, in one UPDATE, those of `deliveries` no other worker has and
        that are not done; return them, in their order. One claim for a few emails rather
        than one each: a commit less per email, which on PostgreSQL waits for the disk. A
        worker that dies leaves its unsent claims to expire (CLAIM_TIMEOUT), then they are
        sent: late, never twice."""
        if not deliveries:
            return []
        now, token = timezone.now(), uuid.uuid4().hex
        cls._default_manager.filter(pk__in=[d.pk for d in deliveries]).due().update(
            state=cls.State.SENDING, claimed_at=now, claim_token=token,
            attempts=F("attempts") + 1,
        )  # fmt: skip
        mine = set(
            cls._default_manager.filter(
                pk__in=[d.pk for d in deliveries], claim_token=token
            ).values_list("pk", flat=True)
        )
        taken = [d for d in deliveries if d.pk in mine]
        for delivery in taken:
            delivery.state, delivery.claimed_at = cls.State.SENDING, now
            delivery.claim_token, delivery.attempts = token, delivery.attempts + 1
        return taken

    @classmethod
    def unclaim(cls, deliveries):
        """Give back claimed deliveries that were not tried (the connection went first):
        as they were before the claim, due again at once."""
        if not deliveries:
            return
        cls._default_manager.filter(
            pk__in=[d.pk for d in deliveries], state=cls.State.SENDING,
            claim_token=deliveries[0].claim_token,  # a group's claims share one token
        ).update(state=cls.State.PENDING, claim_token="", attempts=F("attempts") - 1)  # fmt: skip
        for delivery in deliveries:
            delivery.state, delivery.attempts = cls.State.PENDING, delivery.attempts - 1

    def _set(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)
        type(self)._default_manager.filter(pk=self.pk).update(**fields)

    def mark_sent(self, message_id):
        self._set(state=self.State.SENT, sent_at=timezone.now(), message_id=message_id,
                  last_error="")  # fmt: skip

    def mark_skipped(self, reason):
        self._set(state=self.State.SKIPPED, last_error=reason)

    def mark_failed(self, error):
        """The server refused it for good (a mailbox that does not exist)."""
        self._set(state=self.State.FAILED, last_error=error[:2000])

    def mark_to_retry(self, error):
        """The server could not take it now: try again later, RETRY_DELAYS apart, then fail."""
        if self.attempts > len(RETRY_DELAYS):
            self.mark_failed(f"{error} (gave up after {self.attempts} attempts)")
            return
        delay = timedelta(seconds=RETRY_DELAYS[self.attempts - 1])
        self._set(state=self.State.RETRY, next_attempt_at=timezone.now() + delay,
                  last_error=error[:2000])  # fmt: skip

    def is_finished(self):
        return self.state in (self.State.SENT, self.State.FAILED, self.State.SKIPPED)


class SendingJob(models.Model):
    """When the sending of one batch (an alert's, a digest's, a press send's) runs next, so
    that however many runs end or fail, one run comes back for it and one watchdog watches
    it (mailing/sending.py `send_due`): without it, every run during an SMTP outage would
    start a chain of its own."""

    key = models.CharField(max_length=64, unique=True)  # "alert:42", "press:7"
    next_run_at = models.DateTimeField(null=True, blank=True)
    watch_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.key
