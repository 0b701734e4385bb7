"""Press lists: an office's reporters, its lists of them, and releases sent to them.

- `PressContact`: a reporter an office keeps (name, outlet, email, beats). Each office keeps
  its own: the same reporter on two offices' lists is two contacts, and unsubscribing from
  one office's press mail leaves the other's.
- `PressList`: a named list of one office's contacts ("Minnesota dailies", "Agriculture").
- `Distribution`: one "send to press lists" of a release, by a press secretary, with the
  follow-ups chosen.
- `PressDelivery`: one email owed to one contact about one release (mailing.models.Delivery:
  a state, sent once, retried): the release under embargo with the contact's own preview
  link, the "now public" follow-up, or a correction note. Unique per what it is about, so a
  contact on several chosen lists, or a release sent twice, gets each email once.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from mailing.models import Delivery

# Signatures made for unsubscribe links are good for nothing else.
UNSUBSCRIBE_SALT = "distribution.unsubscribe"


def contact_key():
    return secrets.token_urlsafe(18)


def normalize_email(address):
    """One spelling per address: no surrounding spaces, lower case (as providers treat it)."""
    return (address or "").strip().lower()


class Stamped(models.Model):
    """When a contact or list was made and last changed, and by whom."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        abstract = True


class PressContactQuerySet(models.QuerySet):
    def subscribed(self):
        return self.filter(unsubscribed_at__isnull=True)

    def unsubscribed(self):
        return self.filter(unsubscribed_at__isnull=False)


class PressContact(Stamped):
    """A reporter on an office's press lists."""

    class Via(models.TextChoices):
        ONE_CLICK = "one-click", "Their mail program's unsubscribe button"
        LINK = "link", "The unsubscribe link in an email"
        STAFF = "staff", "Staff, at their request"

    office = models.ForeignKey(
        "people.Senator", on_delete=models.CASCADE, related_name="press_contacts",
        help_text="The senator whose office keeps this contact.",
    )  # fmt: skip
    name = models.CharField(max_length=200)
    outlet = models.CharField(max_length=200, blank=True, help_text="e.g. “Star Tribune”.")
    email = models.EmailField(max_length=254, help_text="Kept in lower case.")
    beats = models.CharField(
        max_length=300, blank=True, help_text="What they cover, e.g. “agriculture, trade”."
    )
    notes = models.TextField(blank=True, help_text="For the office only; never sent.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_via = models.CharField(
        max_length=10, choices=Via.choices, blank=True, editable=False
    )
    # Unsubscribe links carry it: a new key ends every link sent so far.
    key = models.CharField(max_length=32, default=contact_key, editable=False)

    objects = PressContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "press contact"
        indexes = [models.Index(fields=["office", "name"], name="press_contact_office_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "email"], name="press_contact_once_per_office",
                violation_error_message="This office already has a contact with this email "
                "address.",
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")),
                                   name="press_contact_email_lower_case"),
            models.CheckConstraint(
                condition=Q(unsubscribed_at__isnull=True) | ~Q(unsubscribed_via=""),
                name="press_contact_unsubscribed_says_how",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.name} ({self.outlet})" if self.outlet else self.name

    def is_unsubscribed(self):
        return self.unsubscribed_at is not None

    def unsubscribe_path(self):
        """The contact's unsubscribe page, which their emails link to. (Not
        get_absolute_url: the admin's "View on site" must not lead staff to it.)"""
        return reverse("distribution:unsubscribe", kwargs={"token": self.unsubscribe_token()})

    @property
    def link_label(self):
        """Whom their preview links are for, as the release's page lists them: "AP, Jane Doe"."""
        return f"{self.outlet}, {self.name}" if self.outlet else self.name

    def unsubscribe_token(self):
        return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([self.pk, self.key])

    @classmethod
    def from_unsubscribe_token(cls, token):
        """The contact a token names, or None: a bad signature never reaches the database,
        and a good one whose key was replaced names no one."""
        try:
            value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        except (signing.BadSignature, TypeError, ValueError, UnicodeError):
            return None
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
            return None
        pk, key = value
        return cls.objects.select_related("office").filter(pk=pk, key=key).first()

    def clean(self):
        self.email = normalize_email(self.email)


class PressList(Stamped):
    """A named list of one office's contacts."""

    office = models.ForeignKey(
        "people.Senator", on_delete=models.CASCADE, related_name="press_lists",
        help_text="The senator whose office keeps this list.",
    )  # fmt: skip
    name = models.CharField(max_length=100, help_text="e.g. “Minnesota dailies”.")
    description = models.TextField(blank=True)
    # Only the office's own contacts (checked by the admin form and the importer).
    contacts = models.ManyToManyField(PressContact, related_name="lists", blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "press list"
        constraints = [
            # "Farm press" and "farm press" are one list (the CSV import names lists).
            models.UniqueConstraint(
                "office", Lower("name"), name="press_list_name_once_per_office",
                violation_error_message="This office already has a list with this name.",
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.name


class Distribution(models.Model):
    """A release sent to press lists, once, by a press secretary."""

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE,
                                related_name="distributions")  # fmt: skip
    lists = models.ManyToManyField(PressList, related_name="distributions")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    # The embargo as it stood when sent: what the mail told the reporters.
    embargo_at = models.DateTimeField()
    follow_up_when_public = models.BooleanField(
        "send “now public” when the embargo lifts", default=False
    )
    send_corrections = models.BooleanField("send them corrections", default=False)
    # The publication time the "now public" follow-up is planned for (it moves with the
    # release: distribution/signals.py), and when it was made.
    follow_up_for = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "release sent to the press"
        verbose_name_plural = "releases sent to the press"
        permissions = [("send_distribution", "Can send releases to press lists")]

    def __str__(self):
        return f"“{self.release}” sent to the press"


class PressDelivery(Delivery):
    """One email owed to one press contact about one release."""

    class Kind(models.TextChoices):
        EMBARGOED = "embargoed", "The release, under embargo"
        NOW_PUBLIC = "now_public", "Now public"
        CORRECTION = "correction", "Correction note"

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE,
                                     related_name="deliveries")  # fmt: skip
    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE,
                                related_name="press_deliveries")  # fmt: skip
    # A contact who was sent a release stays, as the record of who got what.
    contact = models.ForeignKey(PressContact, on_delete=models.PROTECT,
                                related_name="deliveries")  # fmt: skip
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The address it went to, as it was then.
    to = models.EmailField(max_length=254)
    # The contact's own link to the embargoed release (the embargoed email only).
    preview_link = models.OneToOneField(
        "releases.PreviewLink", null=True, blank=True, on_delete=models.CASCADE,
        related_name="press_delivery",
    )  # fmt: skip
    correction = models.ForeignKey("releases.Correction", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")  # fmt: skip

    class Meta(Delivery.Meta):
        verbose_name = "press delivery"
        verbose_name_plural = "press deliveries"
        ordering = ["pk"]
        indexes = [
            *Delivery.Meta.indexes,
            models.Index(fields=["distribution", "state"], name="press_delivery_dist_idx"),
            models.Index(fields=["release", "kind"], name="press_delivery_release_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "contact"], condition=Q(kind="embargoed"),
                name="press_embargoed_once",
            ),
            models.UniqueConstraint(
                fields=["release", "contact"], condition=Q(kind="now_public"),
                name="press_now_public_once",
            ),
            models.UniqueConstraint(
                fields=["correction", "contact"], condition=Q(kind="correction"),
                name="press_correction_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="embargoed", correction__isnull=True)
                    | Q(kind="now_public", correction__isnull=True, preview_link__isnull=True)
                    | Q(kind="correction", correction__isnull=False, preview_link__isnull=True)
                ),
                name="press_delivery_names_its_subject",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to} ({self.get_state_display()})"
