"""A release keeps its old addresses: a renamed release's former slug redirects to it.

Links to a release live on in other sites, feeds and inboxes, so when staff change the slug
of a release (the date part is handled by the detail view, which finds a release by slug
alone), the slug it had is remembered as a `FormerSlug`.
"""

from django.db.models.signals import post_save, pre_save

from releases.models import FormerSlug, Release


def _note_old_slug(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._slug_before_save = None
    if raw or instance.pk is None or (update_fields is not None and "slug" not in update_fields):
        return
    instance._slug_before_save = (
        Release.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    )


def _remember_former_slug(sender, instance, raw=False, created=False, **kwargs):
    old = getattr(instance, "_slug_before_save", None)
    if raw or created or not old or old == instance.slug:
        return
    FormerSlug.objects.get_or_create(release=instance, slug=old)
    # Renamed back to a slug it had: that address is current again.
    FormerSlug.objects.filter(release=instance, slug=instance.slug).delete()


def connect():
    pre_save.connect(_note_old_slug, sender=Release, dispatch_uid="release-note-old-slug")
    post_save.connect(_remember_former_slug, sender=Release, dispatch_uid="release-former-slug")
