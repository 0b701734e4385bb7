"""Keep the search index current when what a release is indexed by changes.

modelsearch reindexes a release when the release itself is saved; its senators, topics,
bills, organizations and quotes are saved separately (the admin saves them after the
release), so each of those changes reindexes the releases it touches.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from modelsearch import index

from people.models import Organization, Senator

from .models import Legislation, Quote, Release, ReleaseSenator, Topic

_deferred = ContextVar("deferred_reindex", default=None)


@contextmanager
def reindex_once():
    """Within the block, collect the releases to reindex and do each once at the end.

    An import writes a release's senators, quotes, bills and organizations one by one;
    without this, each of those writes would reindex the release again.
    """
    pending = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    reindex(pending)


def reindex(release_ids):
    pending = _deferred.get()
    if pending is not None:
        pending.update(release_ids)
        return
    for release in Release.objects.filter(pk__in=set(release_ids)).prefetch_related(
        "senators", "topics", "organizations", "legislation", "quotes"
    ):
        index.insert_or_update_object(release)


def _on_release_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex([instance.pk])


def _on_release_deleted(sender, instance, **kwargs):
    index.remove_object(instance)


def _on_link_saved_or_deleted(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex([instance.release_id])


def _on_m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        reindex([instance.pk])
    elif pk_set:
        reindex(pk_set)
    else:  # cleared from the other side: every release that had it
        reindex(instance.releases.values_list("pk", flat=True))


def _on_name_changed(sender, instance, raw=False, created=False, **kwargs):
    """A renamed senator, topic, bill or organization: its releases are found by the new name."""
    if not raw and not created:
        reindex(instance.releases.values_list("pk", flat=True))


def connect():
    post_save.connect(_on_release_saved, sender=Release, dispatch_uid="reindex-release")
    post_delete.connect(_on_release_deleted, sender=Release, dispatch_uid="unindex-release")
    for model in (ReleaseSenator, Quote):
        post_save.connect(_on_link_saved_or_deleted, sender=model, dispatch_uid=f"reindex-{model}")
        post_delete.connect(
            _on_link_saved_or_deleted, sender=model, dispatch_uid=f"reindex-del-{model}"
        )
    for field in ("topics", "legislation", "organizations"):
        through = Release._meta.get_field(field).remote_field.through
        m2m_changed.connect(_on_m2m_changed, sender=through, dispatch_uid=f"reindex-{field}")
    for model in (Senator, Topic, Legislation, Organization):
        post_save.connect(_on_name_changed, sender=model, dispatch_uid=f"reindex-name-{model}")
