"""Every receiver on documents, in one table, as releases/signals.py has for release data.

A document saved or deleted changes its release's page and search entry: the release is
reindexed once the change commits (inside the admin's `reindex_once()`, once per save of
the release form, with everything else it changed), and kept pages and counts end then
too. A file replaced or a document deleted leaves its old file in storage until the
change commits, then it is deleted: a rolled-back change still has its file.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from core import caching
from documents.models import Document
from releases.models import Release
from search.indexing import reindex


def document_changed(sender, instance, raw=False, **kwargs):
    """Saved or deleted: its release's index entry holds its text."""
    if not raw:
        transaction.on_commit(partial(reindex, Release, [instance.release_id]), robust=True)


def document_about_to_save(sender, instance, raw=False, **kwargs):
    """Note the file stored before, so a replaced one can be deleted after the commit."""
    instance._file_before_save = None
    if not raw and instance.pk is not None:
        instance._file_before_save = (
            Document.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
        )


def document_file_replaced(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_file_before_save", None)
    if not raw and old and old != instance.file.name:
        _delete_on_commit(instance.file.storage, old)


def document_deleted(sender, instance, **kwargs):
    if instance.file:
        _delete_on_commit(instance.file.storage, instance.file.name)


def _delete_on_commit(storage, name):
    transaction.on_commit(partial(storage.delete, name), robust=True)


# The table: (signal, senders, receiver). Order within a signal is the order they run.

RECEIVERS = [
    (post_save, [Document], document_changed),
    (post_delete, [Document], document_changed),
    (pre_save, [Document], document_about_to_save),
    (post_save, [Document], document_file_replaced),
    (post_delete, [Document], document_deleted),
    # The release page lists its documents: kept pages and counts end at the commit.
    (post_save, [Document], caching.invalidate),
    (post_delete, [Document], caching.invalidate),
]


def dispatch_uid(receiver, sender):
    return f"documents:{receiver.__module__}.{receiver.__name__}:{sender._meta.label}"


def connect():
    for signal, senders, receiver in RECEIVERS:
        for sender in senders:
            signal.connect(receiver, sender=sender, dispatch_uid=dispatch_uid(receiver, sender))
