"""What happens to a release around publication: corrections, former addresses, previews,
and the sign-offs of the offices that join a release."""

import hashlib
import json
import re
import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Tokens signed for preview links are good for nothing else, and no other signature is
# good for a preview link.
PREVIEW_LINK_SALT = "releases.preview-link"


def preview_key():
    return secrets.token_urlsafe(24)


class Correction(models.Model):
    """A public note on a published release: what was wrong, and what it says now."""

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE,
                                related_name="corrections")  # fmt: skip
    text = models.TextField(
        help_text="Shown on the release page under “Corrections”, e.g. “An earlier version "
        "misstated the bill's number.”"
    )
    noted_at = models.DateTimeField(
        "time", default=timezone.now, help_text="Eastern Time (America/New_York)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["noted_at", "id"]
        indexes = [models.Index(fields=["release", "noted_at"])]

    def __str__(self):
        return f"Correction to “{self.release}” ({self.noted_at:%Y-%m-%d})"


class FormerSlug(models.Model):
    """A slug a release no longer has: its old address redirects to the current one."""

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE,
                                related_name="former_slugs")  # fmt: skip
    slug = models.SlugField(max_length=200, db_index=True)
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-retired_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["release", "slug"], name="former_slug_once"),
        ]

    def __str__(self):
        return self.slug


class PreviewLink(models.Model):
    """A link that shows one unpublished release to someone without an account.

    The address carries a signed token naming the link; the link can expire and be revoked,
    and either ends it (410), whatever the signature says.
    """

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE,
                                related_name="preview_links")  # fmt: skip
    key = models.CharField(max_length=64, unique=True, default=preview_key, editable=False)
    label = models.CharField(
        "shared with", max_length=200, help_text="Whom the link is for, e.g. “AP, Jane Doe”."
    )
    expires_at = models.DateTimeField(help_text="Eastern Time (America/New_York).")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    view_count = models.PositiveIntegerField(default=0, editable=False)
    last_viewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Preview of “{self.release}” for {self.label}"

    def get_absolute_url(self):
        """The link's address, to share: /preview/<signed token>/."""
        return reverse("releases:preview-link", kwargs={"token": self.token()})

    def token(self):
        """The signed token in the link's address: the link's pk and its random key."""
        return signing.Signer(salt=PREVIEW_LINK_SALT).sign_object([self.pk, self.key])

    @classmethod
    def lookup_for_token(cls, token):
        """(pk, key) from a token, or None for a bad signature (never reaches the database)."""
        try:
            pk, key = signing.Signer(salt=PREVIEW_LINK_SALT).unsign_object(token)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        if not isinstance(pk, int) or not isinstance(key, str):
            return None
        # The key is checked too, so a link stays unguessable even if the secret key leaked.
        return {"pk": pk, "key": key}

    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


# A link passed around (or posted where everyone opens it) keeps its first opens as the
# record; past this many, opens are counted (PreviewLink.view_count) but not kept one by one.
OPENS_KEPT_PER_LINK = 500


class PreviewLinkOpen(models.Model):
    """One opening of a preview link: when, what the link answered, and what kind of program
    asked for it, coarsely.

    Enough for an office to see who read an embargoed release and to trace a leak to one
    link; nothing that finds a person. No IP address and no User-Agent header are kept, only
    a description of the program such as "Chrome on Windows" or "a link scanner or preview"
    (releases/clients.py): a newsroom traces its own links, it does not track reporters.
    """

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Shown the release"
        PUBLIC = "public", "Sent on to the public page"
        ENDED = "ended", "Refused: the link had ended"

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="opens")
    opened_at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=6, choices=Outcome.choices, default=Outcome.SHOWN)

    class Meta:
        ordering = ["opened_at", "id"]
        verbose_name = "preview link opening"
        indexes = [models.Index(fields=["link", "opened_at"], name="preview_open_link_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["shown", "public", "ended"]), name="preview_open_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.link.label}: opened {self.opened_at:%Y-%m-%d %H:%M} UTC"


def words_digest(*, title, highlights, dateline, body, quotes):
    """A fingerprint of what a release says: its text and its quotes with who says them.

    `quotes` are (senator id, speaker name, speaker title, speaker organization id, text)
    rows. A sign-off is given to the words as they stood, and stands only while this is the
    same. Runs of whitespace count as one space (a browser posts a textarea's newlines as
    CRLF), and the quotes' order does not count: neither changes what anyone is made to say.
    """

    def plain(value):
        return re.sub(r"\s+", " ", value or "").strip()

    said = sorted(
        [senator or 0, plain(name), plain(title_), organization or 0, plain(text)]
        for senator, name, title_, organization, text in quotes
    )
    words = [plain(title), plain(highlights), plain(dateline), plain(body), said]
    return hashlib.sha256(json.dumps(words).encode()).hexdigest()


class SignOff(models.Model):
    """The agreement of a senator's office to a release of another office that names them.

    A release of one office may name another office's senator as a joint issuer (and quote
    them), but it goes public only once a press secretary of that office has signed off on
    its words (releases/selectors.py `signoffs_holding`, asked by `release_publish` and the
    admin). A pasted or imported text led by another office's senator waits for theirs too.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE,
                                related_name="signoffs")  # fmt: skip
    senator = models.ForeignKey(
        "people.Senator", on_delete=models.PROTECT, related_name="signoffs",
        help_text="The issuing senator whose office must agree (a joint senator, as a rule).",
    )  # fmt: skip
    state = models.CharField(max_length=7, choices=State.choices, default=State.PENDING)
    # What the office decided on (words_digest): a sign-off covers those words only.
    words_digest = models.CharField(max_length=64, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(
        blank=True, help_text="From the deciding press secretary; needed to refuse."
    )

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = "sign-off"
        constraints = [
            models.UniqueConstraint(fields=["release", "senator"], name="signoff_once"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "given", "refused"]), name="signoff_state_known"
            ),
            # Waiting means undecided; a decision has its time.
            models.CheckConstraint(
                condition=(Q(state="pending") & Q(decided_at__isnull=True))
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="signoff_decided_has_time",
            ),
            # The other office must be told why, to know what to change.
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(note=""), name="signoff_refusal_has_note"
            ),
        ]
        indexes = [models.Index(fields=["senator", "state"])]

    def __str__(self):
        state = self.get_state_display()
        return f"Sign-off of {self.senator}'s office on “{self.release}”: {state}"

    def is_pending(self):
        return self.state == self.State.PENDING

    def is_given(self):
        return self.state == self.State.GIVEN

    def is_refused(self):
        return self.state == self.State.REFUSED
