"""What staff do to releases; admin actions, commands and views call these."""

from django.db import transaction
from django.utils import timezone

from core.eastern import eastern
from core.images import LEAD_IMAGE_WIDTHS, image_renditions_make
from releases.models import PreviewLink, Release
from releases.versions import RESTORED_FIELDS, RESTORED_M2M, one_version_per_save
from search.indexing import reindex_once


@transaction.atomic
def release_publish(*, release, by, at=None):
    """Publish now, or at `at` (a future time is an embargo: it goes live by itself)."""
    release.status = Release.Status.PUBLISHED
    release.published_at = at or release.published_at or timezone.now()
    release.updated_by = by
    release.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    return release


@transaction.atomic
def release_unpublish(*, release, by):
    """Take a release off the public site; it keeps its time for when it returns."""
    release.status = Release.Status.DRAFT
    release.updated_by = by
    release.save(update_fields=["status", "updated_by", "updated_at"])
    return release


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
    """
    if version.id != release.pk:
        raise ValueError(f"Version {version.history_id} is not a version of release {release.pk}.")
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
    return release
