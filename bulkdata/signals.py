"""Receivers on release data: what queues a rebuild of the bulk files, and what the change
log notes.

A save or delete only notes what it touched (months, release ids, subjects, corrections):
no query for a release, a senator row, a quote, a link or a correction. Once the
transaction commits, one `archive_update` task is queued for all of it
(bulkdata/tasks.py), which finds the months and rebuilds those whose bytes changed. A
rolled-back transaction queues nothing. A process that dies in the instant between the
commit and the queueing leaves those months stale until the next change or
`manage.py build_archive`.

- A release saved: the month it was public in, and the month it is public in now (an edit,
  a new time, a publication). Saved scheduled: a run queued at its embargo time, when it
  becomes public with no save.
- A release that was public and is not any more (returned to draft, moved to a later time)
  or is deleted: noted in the change log, in the same transaction.
- Its senators, quotes, topics, bills, organizations and corrections: its month. A new
  correction is noted in the change log by the task (if its release is public).
- A senator, topic, bill or organization edited: the months of the releases naming it.

Whether a release was public is read from the values it was loaded with (post_init), not
from the database: none of this adds a query to a save.
"""

import threading

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)

from bulkdata.models import ArchiveChange, month_of
from bulkdata.services import archive_change_note
from bulkdata.tasks import SUBJECTS, archive_update
from releases.models import Correction, Quote, Release, ReleaseSenator

LINKS = [Release.topics.through, Release.legislation.through, Release.organizations.through]
SUBJECT_MODELS = [model for model, _ in SUBJECTS.values()]
KEYS = ("months", "release_ids", "subjects", "correction_ids")


class _Local(threading.local):
    pending = None


_local = _Local()


def _queue(items):
    if any(items.values()):
        archive_update.enqueue(**{key: sorted(values) for key, values in items.items()})


def touch(**items):
    """Note what a change touched; one task for the whole transaction, after its commit."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _queue({key: set(items.get(key, ())) for key in KEYS})
        return
    pending = _local.pending
    # A transaction rolled back drops its on-commit callbacks: what it noted starts over.
    # (`run_on_commit` holds the callbacks Django will run at the commit.)
    if pending is None or not any(f is pending["flush"] for _, f, _ in connection.run_on_commit):
        pending = {key: set() for key in KEYS}
        pending["flush"] = lambda: _flush(pending)
        _local.pending = pending
    for key, values in items.items():
        pending[key].update(values)
    # Registered at this savepoint's level too, so that a savepoint rolled back leaves the
    # outer transaction's; the first to run queues the task, the others find nothing.
    transaction.on_commit(pending["flush"], robust=True)


def _flush(pending):
    if _local.pending is pending:
        _local.pending = None
    items = {key: set(pending[key]) for key in KEYS}
    for key in KEYS:
        pending[key].clear()
    _queue(items)


def _public(status, published_at):
    return Release(status=status, published_at=published_at).is_public()


# Releases.


def release_loaded(sender, instance, **kwargs):
    loaded = instance.__dict__  # not get_deferred_fields(): this runs for every row read
    if "status" in loaded and "published_at" in loaded:
        instance._bulk_was = (instance.status, instance.published_at) if instance.pk else None


def release_about_to_save(sender, instance, raw=False, **kwargs):
    """A release loaded without its status or time (`only()`): read them (one query)."""
    if not raw and instance.pk is not None and not hasattr(instance, "_bulk_was"):
        stored = Release.objects.filter(pk=instance.pk).values_list("status", "published_at")
        instance._bulk_was = stored.first()


def release_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    was = getattr(instance, "_bulk_was", None)
    was_public = was is not None and not created and _public(*was)
    months = set()
    if was_public:
        months.add(month_of(was[1]))
    if instance.is_public():
        months.add(month_of(instance.published_at))
    elif was_public:
        archive_change_note(release=instance, kind=ArchiveChange.Kind.WITHDRAWN,
                            month=month_of(was[1]))  # fmt: skip
    if instance.is_embargoed():
        month, at = month_of(instance.published_at), instance.published_at
        transaction.on_commit(
            lambda: archive_update.using(run_after=at).enqueue(months=[month]), robust=True
        )
    instance._bulk_was = (instance.status, instance.published_at)
    if months:
        touch(months=months)


def release_about_to_delete(sender, instance, **kwargs):
    was = getattr(instance, "_bulk_was", None) or (instance.status, instance.published_at)
    if _public(*was):
        month = month_of(was[1])
        archive_change_note(release=instance, kind=ArchiveChange.Kind.DELETED, month=month)
        touch(months=[month])


# What hangs off a release.


def release_row_changed(sender, instance, raw=False, **kwargs):
    """An issuing senator, a quote or a correction saved or deleted."""
    if not raw:
        touch(release_ids=[instance.release_id])


def correction_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and created:
        touch(correction_ids=[instance.pk])


def release_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics, bills or organizations linked or unlinked, from either side."""
    if not reverse and action in {"post_add", "post_remove", "post_clear"}:
        touch(release_ids=[instance.pk])
    elif reverse and action in {"post_add", "post_remove"} and pk_set:
        touch(release_ids=pk_set)
    elif reverse and action == "pre_clear":  # cleared from the other side: all it had
        touch(release_ids=instance.releases.values_list("pk", flat=True))


# Senators, topics, bills, organizations.


def subject_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:  # a new one names no release yet
        touch(subjects=[(sender._meta.label, instance.pk)])


def subject_about_to_delete(sender, instance, **kwargs):
    touch(release_ids=instance.releases.values_list("pk", flat=True))


RECEIVERS = [
    (post_init, [Release], release_loaded),
    (pre_save, [Release], release_about_to_save),
    (post_save, [Release], release_saved),
    (pre_delete, [Release], release_about_to_delete),
    (post_save, [ReleaseSenator, Quote, Correction], release_row_changed),
    (post_delete, [ReleaseSenator, Quote, Correction], release_row_changed),
    (post_save, [Correction], correction_saved),
    (m2m_changed, LINKS, release_links_changed),
    (post_save, SUBJECT_MODELS, subject_saved),
    (pre_delete, SUBJECT_MODELS, subject_about_to_delete),
]


def connect():
    for signal, senders, receiver in RECEIVERS:
        for sender in senders:
            uid = f"bulkdata:{receiver.__name__}:{sender._meta.label}"
            signal.connect(receiver, sender=sender, dispatch_uid=uid)
