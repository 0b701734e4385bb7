"""What staff do to releases; admin actions, commands and views call these."""

from django.db import transaction
from django.utils import timezone

from .models import Release


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
