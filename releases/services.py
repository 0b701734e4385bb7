"""What staff do to releases; admin actions, commands and views call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.eastern import eastern
from core.images import LEAD_IMAGE_WIDTHS, image_renditions_make
from people.models import Senator
from releases.checks import ReleaseText, release_checks
from releases.models import PreviewLink, Release, ReleaseSenator, SignOff, words_digest
from releases.selectors import (
    QUOTE_WORDS,
    WORDS_FIELDS,
    release_words,
    releases_for,
    signoff_offices,
    signoffs_holding,
    signoffs_needed,
)
from releases.versions import RESTORED_FIELDS, RESTORED_M2M, one_version_per_save
from search.indexing import reindex_once


def holds_error(holds):
    """The ValidationError for what holds a release back (releases/selectors.py)."""
    return ValidationError([hold.message for hold in holds], code="signoff")


@transaction.atomic
def release_publish(*, release, by, at=None):
    """Publish now, or at `at` (a future time is an embargo: it goes live by itself).

    Refused, with a ValidationError saying why, while a joint senator's office has not
    signed off (releases/selectors.py `signoffs_holding`), or while a check before
    publishing finds an error (releases/checks.py). A request for review ends here."""
    _lock(release.pk)
    if holds := signoffs_holding(release, by=by):
        raise holds_error(holds)
    if errors := [f for f in release_checks(ReleaseText.of(release)) if f.is_error]:
        raise ValidationError([f.message for f in errors], code="checks")
    release.status = Release.Status.PUBLISHED
    release.published_at = at or release.published_at or timezone.now()
    release.updated_by = by
    release.review_requested_at = release.review_requested_by = None
    release.save(
        update_fields=[
            "status", "published_at", "updated_by", "updated_at", "review_requested_at",
            "review_requested_by",
        ]
    )  # fmt: skip
    return release


@transaction.atomic
def release_unpublish(*, release, by):
    """Take a release off the public site; it keeps its time for when it returns."""
    release.status = Release.Status.DRAFT
    release.updated_by = by
    release.save(update_fields=["status", "updated_by", "updated_at"])
    return release


def _lock(release_id):
    """Hold the release's row until the transaction ends, so a publication and a sign-off
    decision on the same release happen one after the other (no-op on SQLite, which writes
    one transaction at a time anyway)."""
    if release_id:
        Release.objects.select_for_update().filter(pk=release_id).values_list("pk").first()


@transaction.atomic
def signoffs_sync(*, release, by):
    """Bring the release's sign-offs in line with its issuing senators and words; after the
    senators and quotes are saved (the admin calls it after every save).

    - An issuing senator's office other than the author's own (releases/selectors.py
      `own_offices`: a joint senator's, as a rule) that has staff here and was not asked is
      asked (a waiting sign-off), while the release is a draft. A release already out that
      was issued before their office was asked stays as it is (`signoffs_holding`).
    - The sign-off of a senator no longer issuing the release, or now of the author's own
      offices, goes.
    - A decision on words that have changed since is asked again (waiting), unless `by` is a
      press secretary of that office: their own edit keeps their office's sign-off, now on
      the new words.
    """
    others, staffed = signoffs_needed(release)
    SignOff.objects.filter(release=release).exclude(senator_id__in=others).delete()
    rows = {row.senator_id: row for row in SignOff.objects.filter(release=release)}
    words, now = release_words(release), timezone.now()
    if release.is_draft():
        for senator_id in sorted(staffed - rows.keys()):
            rows[senator_id] = SignOff.objects.create(
                release=release, senator_id=senator_id, requested_by=by, requested_at=now
            )
    decides = signoff_offices(by) if by is not None else set()
    for row in rows.values():
        if row.is_pending() or row.words_digest == words:
            continue
        if row.is_given() and row.senator_id in decides:
            row.words_digest, row.decided_by, row.decided_at = words, by, now
        else:  # asked again, on the words as they are now
            row.state, row.requested_by, row.requested_at = SignOff.State.PENDING, by, now
            row.decided_by = row.decided_at = None
            row.note = row.words_digest = ""
        row.save()
    return sorted(rows.values(), key=lambda row: (row.requested_at, row.pk))


def _decision(signoff, by):
    """The sign-off, locked and read again, once `by` may decide it; else PermissionDenied."""
    if signoff.senator_id not in signoff_offices(by):
        senator = Senator.objects.get(pk=signoff.senator_id)
        raise PermissionDenied(
            f"Only a press secretary of {senator}'s office can give or refuse its sign-off."
        )
    _lock(signoff.release_id)
    signoff = SignOff.objects.select_related("release", "senator").get(pk=signoff.pk)
    issuing = ReleaseSenator.objects.filter(release=signoff.release_id, senator=signoff.senator_id)
    if not issuing.exists():
        raise ValidationError(
            f"{signoff.senator} no longer issues this release: there is nothing to sign off."
        )
    return signoff


@transaction.atomic
def signoff_give(*, signoff, by, note=""):
    """`by`, a press secretary of the joint senator's office, agrees to the release's words
    as they are now. A refusal can be turned into agreement; agreement stands until the
    words change."""
    signoff = _decision(signoff, by)
    if signoff.is_given():
        raise ValidationError(f"{signoff.senator}'s office has already signed off.")
    signoff.state, signoff.note = SignOff.State.GIVEN, note.strip()
    signoff.words_digest = release_words(signoff.release)
    signoff.decided_by, signoff.decided_at = by, timezone.now()
    signoff.save()
    return signoff


@transaction.atomic
def signoff_refuse(*, signoff, by, note):
    """`by`, a press secretary of the joint senator's office, refuses the release as it is;
    `note` tells the other office why. It stays held until the words change or it is asked
    again."""
    signoff = _decision(signoff, by)
    if not signoff.is_pending():
        raise ValidationError(
            f"{signoff.senator}'s office has already {signoff.get_state_display().lower()} "
            "its sign-off; only a waiting one can be refused."
        )
    if not (note or "").strip():
        raise ValidationError(
            "Say why you refuse in the note, so the other office knows what to change. "
            "Nothing was saved."
        )
    signoff.state, signoff.note = SignOff.State.REFUSED, note.strip()
    signoff.words_digest = release_words(signoff.release)
    signoff.decided_by, signoff.decided_at = by, timezone.now()
    signoff.save()
    return signoff


@transaction.atomic
def signoff_ask_again(*, signoff, by):
    """Ask a joint senator's office again after a refusal, with the words unchanged."""
    if not releases_for(by).filter(pk=signoff.release_id).exists():
        raise PermissionDenied("Only staff of the offices issuing this release can ask again.")
    _lock(signoff.release_id)
    signoff = SignOff.objects.select_related("senator").get(pk=signoff.pk)
    if not signoff.is_refused():
        raise ValidationError(f"{signoff.senator}'s office has not refused: nothing to ask again.")
    signoff.state, signoff.requested_by, signoff.requested_at = (
        SignOff.State.PENDING, by, timezone.now(),
    )  # fmt: skip
    signoff.decided_by = signoff.decided_at = None
    signoff.note = signoff.words_digest = ""
    signoff.save()
    return signoff


@transaction.atomic
def preview_link_create(*, release, label, expires_at, by):
    """A link showing `release` to `label` (someone without an account) until `expires_at`."""
    # Whole seconds: the admin shows and posts back the time to the second, so a stored
    # fraction would look like an edit on every save.
    return PreviewLink.objects.create(
        release=release, label=label, expires_at=expires_at.replace(microsecond=0),
        created_by=by,
    )  # fmt: skip


@transaction.atomic
def preview_link_revoke(*, link, by):
    """End a preview link now; it stays listed, and its address answers 410 Gone."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


@reindex_once()
@transaction.atomic
def release_restore(*, release, version, by):
    """Bring back the content of an earlier `version` (a HistoricalRelease) of `release`.

    Restores the text, lead image and topics, bills and organizations; the status,
    publication time and slug stay as they are, so a restore never publishes, unpublishes or
    moves a release. The restore is itself a new version, recorded as `by`'s.

    Restoring other words into a published or scheduled release is refused (ValidationError)
    when a joint senator's office signed off on the words it has now: it would put words on
    the site that office has not agreed to. Return it to draft first. On a draft, the
    sign-off is asked again.
    """
    if version.id != release.pk:
        raise ValueError(f"Version {version.history_id} is not a version of release {release.pk}.")
    if not release.is_draft():
        restored = {name: getattr(version, name) for name in WORDS_FIELDS}
        words = words_digest(**restored, quotes=release.quotes.values_list(*QUOTE_WORDS))
        if holds := signoffs_holding(release, words=words, by=by):
            raise holds_error(holds)
    fields = [name for name in RESTORED_FIELDS if not name.startswith("lead_image")]
    image_changed = version.lead_image != release.lead_image.name
    if image_changed and (
        not version.lead_image or release.lead_image.storage.exists(version.lead_image)
    ):
        # An image whose file has gone (deleted from storage) is not brought back.
        fields += ["lead_image", "lead_image_alt", "lead_image_caption"]
    elif not image_changed:
        fields += ["lead_image_alt", "lead_image_caption"]
    for name in fields:
        setattr(release, name, getattr(version, name))
    release.updated_by = by
    release._history_user = by
    release._change_reason = f"Restored the version of {eastern(version.history_date)}"[:100]
    with one_version_per_save():
        if "lead_image" in fields:
            release.lead_image_widths = image_renditions_make(
                field_file=release.lead_image, widths=LEAD_IMAGE_WIDTHS
            )
            fields.append("lead_image_widths")
        release.save(update_fields=[*fields, "updated_by", "updated_at"])
        for name in RESTORED_M2M:
            related = release._meta.get_field(name).related_model
            ids = getattr(version, name).values_list(
                release._meta.get_field(name).m2m_reverse_field_name() + "_id", flat=True
            )
            # Only what still exists: a topic deleted since cannot be linked again.
            getattr(release, name).set(related.objects.filter(pk__in=list(ids)))
    signoffs_sync(release=release, by=by)
    return release
