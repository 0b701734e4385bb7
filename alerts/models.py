"""Email alerts: who follows which filter, and each message owed to them.

A `Subscription` is one address following one filter of the release list, from the sign-up
to its end: asked (the consent record), confirmed (double opt-in: nothing but the
confirmation is sent before), unsubscribed. Unsubscribed rows stay, with their record, as
the history of what was consented to; signing up again for the same filter starts a new
row. Its filter is kept as rows (`SubscriptionTerm`: parameter, object id) so that the
subscriptions a release matches are found by the database in a fixed number of queries.

`Announcement` says a release has been announced (once, when it became public);
`AlertDelivery` is one message owed (an alert, a correction note or a day's digest), built
on mailing.models.Delivery: sent once, retried, never twice (unique per what it is about).
`DigestRun` makes each day's digest for an hour run once.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from mailing.models import Delivery

# A signature made for one purpose is good for no other (django.core.signing salts).
CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


def subscription_key():
    return secrets.token_urlsafe(18)


def hour_label(hour):
    """ "7 a.m.", "noon", "midnight": an hour of the day as the site writes times."""
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "noon"
    return f"{hour % 12} {'a.m.' if hour < 12 else 'p.m.'}"


class TokenError(Exception):
    """A link's token is not ours (`tampered`), or is ours but too old (`expired`)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "tampered" or "expired"
        self.subscription = None  # an expired token's, when it still names one


class SubscriptionQuerySet(models.QuerySet):
    def live(self):
        """Not unsubscribed: confirmed, or waiting for its confirmation."""
        return self.filter(unsubscribed_at__isnull=True)

    def active(self):
        """What alerts are sent to: confirmed and not unsubscribed."""
        return self.live().filter(confirmed_at__isnull=False)

    def instant(self):
        return self.filter(frequency=Subscription.Frequency.INSTANT)

    def daily_at(self, hour):
        return self.filter(frequency=Subscription.Frequency.DAILY, digest_hour=hour)

    def of_address(self, email):
        return self.filter(email=email.strip().lower())


class Subscription(models.Model):
    """One address following one filter of the release list."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", "Each release as it is published"
        DAILY = "daily", "A daily digest"

    class Via(models.TextChoices):
        ONE_CLICK = "one-click", "The mail program's unsubscribe button (RFC 8058)"
        LINK = "link", "The unsubscribe link in an email"
        MANAGE = "manage", "The manage page"

    email = models.EmailField(max_length=254, help_text="Lower-case.")
    # The filter: its words (`q`, cleaned as the list's search cleans it) and its terms.
    q = models.CharField("search words", max_length=200, blank=True)
    # The filter in one canonical form (alerts/selectors.py AlertFilter.key): one address
    # has one live subscription per filter.
    filter_key = models.CharField(max_length=64, editable=False)
    frequency = models.CharField(max_length=8, choices=Frequency.choices,
                                 default=Frequency.INSTANT)  # fmt: skip
    digest_hour = models.PositiveSmallIntegerField(
        default=7, help_text="The hour the daily digest goes out, Eastern Time (0-23)."
    )
    wants_corrections = models.BooleanField(
        default=True, help_text="Also send a short note when a release they were sent is corrected."
    )
    # Tokens in links carry it: replacing it ends every link sent so far.
    key = models.CharField(max_length=32, default=subscription_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    # The consent record: when it was asked for, what the page said would be sent, the
    # filter exactly as given, and where from, coarsely (the network, never the address:
    # enough to see that a flood of sign-ups came from one place, not to find a person).
    consent_asked_at = models.DateTimeField(default=timezone.now)
    consent_words = models.CharField(max_length=2000)
    consent_query = models.CharField("filter as given", max_length=2000, blank=True)
    consent_network = models.CharField(max_length=64, blank=True)
    confirmed_network = models.CharField(max_length=64, blank=True)
    # Confirmation emails sent within the current day's window (the re-send limit).
    confirmations_sent = models.PositiveSmallIntegerField(default=0)
    confirmations_window_start = models.DateTimeField(null=True, blank=True)
    # The daily digest covered releases announced up to this moment.
    digest_through = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email", "created_at", "id"]
        indexes = [
            models.Index(fields=["email", "unsubscribed_at"], name="alerts_sub_email_idx"),
            models.Index(
                fields=["frequency", "digest_hour"], name="alerts_sub_active_idx",
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            ),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["email", "filter_key"], condition=Q(unsubscribed_at__isnull=True),
                name="alerts_one_live_subscription_per_filter",
                violation_error_message="This address already follows this filter.",
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")),
                                   name="alerts_email_lower_case"),
            models.CheckConstraint(condition=Q(digest_hour__gte=0, digest_hour__lte=23),
                                   name="alerts_digest_hour_0_23"),
            models.CheckConstraint(condition=Q(frequency__in=["instant", "daily"]),
                                   name="alerts_frequency_known"),
            models.CheckConstraint(
                condition=Q(unsubscribed_at__isnull=True) | ~Q(unsubscribed_via=""),
                name="alerts_unsubscribed_says_how",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.email}: {self.consent_words}"

    def get_absolute_url(self):
        """The manage page of this subscription's address."""
        return reverse("alerts:manage", kwargs={"token": self.token(MANAGE_SALT)})

    def is_confirmed(self):
        return self.confirmed_at is not None

    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def is_unsubscribed(self):
        return self.unsubscribed_at is not None

    def digest_time(self):
        return hour_label(self.digest_hour)

    def token(self, salt):
        """The signed token of a link for `salt`'s purpose: the row and its key. The confirm
        token carries its time (TimestampSigner) and expires; the others last as long as the
        key does."""
        signer = signing.TimestampSigner if salt == CONFIRM_SALT else signing.Signer
        return signer(salt=salt).sign_object([self.pk, self.key])

    @classmethod
    def from_token(cls, token, salt):
        """The subscription a token names, or TokenError: a bad signature never reaches the
        database; a good one whose key was replaced (or whose row is gone) is `tampered` too,
        as far as anyone holding it is concerned."""
        try:
            if salt == CONFIRM_SALT:
                max_age = settings.ALERTS_CONFIRM_DAYS * 24 * 3600
                value = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
            else:
                value = signing.Signer(salt=salt).unsign_object(token)
        except signing.SignatureExpired:
            # Ours, but too old: say whose it was, so the page can offer to start again.
            error = TokenError("expired")
            value = signing.TimestampSigner(salt=salt).unsign_object(token)
            if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
                error.subscription = cls.objects.filter(pk=value[0], key=value[1]).first()
            raise error from None
        except (signing.BadSignature, TypeError, ValueError, UnicodeError):
            raise TokenError("tampered") from None
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
            raise TokenError("tampered")
        pk, key = value
        found = cls.objects.filter(pk=pk, key=key).first()
        if found is None:
            raise TokenError("tampered")
        return found


class SubscriptionTerm(models.Model):
    """One value of a subscription's filter: ("senator", 12), ("year", 2025).

    A subscription matches a release when, for every parameter it names, the release has one
    of its values (OR within a parameter, AND across them), as the list filters."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="terms")
    parameter = models.CharField(max_length=32)
    value = models.BigIntegerField(help_text="The object's id; for the year filter, the year.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "parameter", "value"],
                                    name="alerts_term_once"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["parameter", "value"], name="alerts_term_lookup_idx")]

    def __str__(self):
        return f"{self.parameter}={self.value}"


class Announcement(models.Model):
    """A release announced: once, when it became public (alerts/tasks.py)."""

    release = models.OneToOneField("releases.Release", on_delete=models.CASCADE,
                                   related_name="announcement")  # fmt: skip
    # The publication time it was announced for, and when the announcement was made (what
    # digests count from: "made public since the last digest").
    published_at = models.DateTimeField()
    announced_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-announced_at"]

    def __str__(self):
        return f"Announcement of release {self.release_id}"


class DigestRun(models.Model):
    """The daily digest of one day at one hour (Eastern): made once, whoever runs it."""

    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(null=True, blank=True)
    digests = models.PositiveIntegerField(default=0, help_text="Digests made for this run.")

    class Meta:
        ordering = ["-day", "-hour"]
        constraints = [
            models.UniqueConstraint(fields=["day", "hour"], name="alerts_digest_run_once"),
            models.CheckConstraint(condition=Q(hour__gte=0, hour__lte=23),
                                   name="alerts_digest_run_hour_0_23"),
        ]  # fmt: skip

    def __str__(self):
        return f"Digest of {self.day:%Y-%m-%d} at {self.hour}:00 Eastern"


class AlertDelivery(Delivery):
    """One message owed to one subscriber: a release's alert, a correction note, a day's
    digest (unique per what it is about, so each is made once and sent once), or a request
    to confirm (one per sign-up request, bounded by ALERTS_CONFIRMATIONS_PER_DAY)."""

    class Kind(models.TextChoices):
        ALERT = "alert", "Release alert"
        CORRECTION = "correction", "Correction note"
        DIGEST = "digest", "Daily digest"
        CONFIRMATION = "confirmation", "Confirmation request"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")  # fmt: skip
    kind = models.CharField(max_length=12, choices=Kind.choices)
    release = models.ForeignKey("releases.Release", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")  # fmt: skip
    correction = models.ForeignKey("releases.Correction", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")  # fmt: skip
    digest_run = models.ForeignKey(DigestRun, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="deliveries")  # fmt: skip
    digest_day = models.DateField(null=True, blank=True)
    # What a digest holds, decided when it is made (a retry sends the same releases).
    digest_releases = models.ManyToManyField(
        "releases.Release", through="DigestItem", related_name="+", blank=True
    )

    class Meta(Delivery.Meta):
        verbose_name = "alert delivery"
        verbose_name_plural = "alert deliveries"
        indexes = [
            *Delivery.Meta.indexes,
            models.Index(fields=["release", "kind", "state"], name="alerts_delivery_release_idx"),
            models.Index(fields=["digest_run", "state"], name="alerts_delivery_digest_idx"),
            models.Index(fields=["correction", "state"], name="alerts_delivery_corr_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "release"], condition=Q(kind="alert"),
                name="alerts_release_alert_once",
            ),
            models.UniqueConstraint(
                fields=["subscription", "correction"], condition=Q(kind="correction"),
                name="alerts_correction_note_once",
            ),
            models.UniqueConstraint(
                fields=["subscription", "digest_day"], condition=Q(kind="digest"),
                name="alerts_digest_once_a_day",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="alert", release__isnull=False, correction__isnull=True,
                      digest_day__isnull=True)
                    | Q(kind="correction", release__isnull=False, correction__isnull=False,
                        digest_day__isnull=True)
                    | Q(kind="digest", release__isnull=True, correction__isnull=True,
                        digest_day__isnull=False, digest_run__isnull=False)
                    | Q(kind="confirmation", release__isnull=True, correction__isnull=True,
                        digest_day__isnull=True)
                ),
                name="alerts_delivery_names_its_subject",
            ),
        ]  # fmt: skip

    def __str__(self):
        return (
            f"{self.get_kind_display()} to {self.subscription.email} ({self.get_state_display()})"
        )


class DigestItem(models.Model):
    """A release in a digest."""

    delivery = models.ForeignKey(AlertDelivery, on_delete=models.CASCADE)
    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "release"], name="alerts_digest_item_once"),
        ]

    def __str__(self):
        return f"Release {self.release_id} in digest {self.delivery_id}"
