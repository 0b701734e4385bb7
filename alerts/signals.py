"""Receivers on release data: what queues an announcement or a correction note.

A release is announced once, when it becomes public. Every path that publishes saves the
Release (the admin form, the *Publish now* action, `release_publish()`, an import): a save
that leaves it scheduled, or public when it was not before, queues its announcement at its
publication time (services.announcement_queue). A release already public when it is saved
again (a typo fixed) is not announced again, and one that was public before alerts existed
is not announced at all. Unpublishing or rescheduling needs nothing here: the queued
announcement asks at run time whether the release is still public at the time it was queued
for (alerts/tasks.py).

A correction added to a public release queues its note to the subscribers who were sent it.
"""

from django.db.models.signals import post_save, pre_save

from alerts.services import announcement_queue
from alerts.tasks import send_correction
from mailing.queueing import enqueue_with_commit
from releases.models import Correction, Release


def release_about_to_save(sender, instance, raw=False, **kwargs):
    """Note whether the stored release is public, when the save may announce it (one query
    for a public or scheduled release; none for a draft)."""
    instance._alerts_was_public = False
    if raw or instance.pk is None or not (instance.is_public() or instance.is_embargoed()):
        return
    instance._alerts_was_public = Release.objects.published().filter(pk=instance.pk).exists()


def release_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.is_embargoed() or (
        instance.is_public() and not getattr(instance, "_alerts_was_public", False)
    ):
        announcement_queue(release=instance)


def correction_saved(sender, instance, raw=False, created=False, **kwargs):
    if created and not raw:
        enqueue_with_commit(send_correction, instance.pk)


RECEIVERS = [
    (pre_save, Release, release_about_to_save),
    (post_save, Release, release_saved),
    (post_save, Correction, correction_saved),
]


def connect():
    for signal, sender, receiver in RECEIVERS:
        signal.connect(receiver, sender=sender, dispatch_uid=f"alerts:{receiver.__name__}")
