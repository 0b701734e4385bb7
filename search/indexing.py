"""Keeping the search index current: each changed object reindexed once, however many writes.

An admin save or an import writes a release, then its senators, quotes and links one by
one; each of those writes asks for the release to be reindexed. Inside `reindex_once()` the
requests are collected and each object is reindexed once, at the end of the block.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from modelsearch import index
from modelsearch.backends import get_search_backends_with_name

from core import caching

logger = logging.getLogger(__name__)

CHUNK = 500  # objects read and indexed at a time: memory stays flat on a big import

_deferred = ContextVar("deferred_reindex", default=None)


@contextmanager
def reindex_once():
    """Within the block, collect the objects to reindex and do each once at the end.

    Nested blocks hand their objects to the outermost one. Also a decorator.
    """
    if _deferred.get() is not None:
        yield
        return
    pending = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for model, ids in pending.items():
        _reindex(model, ids)


def reindex(model, ids):
    """Reindex the `model` objects with these primary keys (now, or at the end of the
    enclosing `reindex_once()` block)."""
    pending = _deferred.get()
    if pending is not None:
        pending.setdefault(model, set()).update(ids)
        return
    _reindex(model, set(ids))


def unindex(instance):
    """Take a deleted object out of the index."""
    index.remove_object(instance)


def _related_names(model):
    """The relations the model's index entry reads (prefetched once per chunk)."""
    return [f.field_name for f in model.get_search_fields() if isinstance(f, index.RelatedFields)]


def _reindex(model, ids):
    """Write the index entries of `model`'s objects with these ids, CHUNK at a time: one
    read of the chunk (those `get_indexed_objects()` holds, their relations prefetched)
    and one bulk write to each backend, where `index.insert_or_update_object` checked and
    wrote each object on its own (four queries an object)."""
    ids = sorted(ids)
    related = _related_names(model)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        objects = model.get_indexed_objects().filter(pk__in=chunk).prefetch_related(*related)
        _add_bulk(model, list(objects))
    if ids:
        # A search's ranking is kept like a count: one worked out between the change and
        # this rewrite of the index (an admin save reindexes after its commit) must go.
        caching.invalidate()


def _add_bulk(model, objects):
    """`objects` into every backend that updates itself, as modelsearch's own
    insert_or_update_object does one object: an error raised, unless the backend is one
    (Elasticsearch) that asks for indexing errors to be logged instead."""
    if not objects:
        return
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(model, objects)
        except Exception:
            logger.exception("Adding %d %s to the %r search backend failed", len(objects),
                             model._meta.verbose_name_plural, name)  # fmt: skip
            if not backend.catch_indexing_errors:
                raise


# Objects whose words are part of other objects' index entries (a senator's name is in each
# of their releases' entries): those entries are redone only when those words change.


@cache
def _dependents(model):
    """[(indexed model, relation to `model`, attribute names it indexes)] for every indexed
    model whose entries include `model`'s words through a RelatedFields."""
    found = []
    for indexed in index.get_indexed_models():
        for field in indexed.get_search_fields():
            if not isinstance(field, index.RelatedFields):
                continue
            relation = indexed._meta.get_field(field.field_name)
            if relation.related_model is model:
                names = [sub.field_name for sub in field.fields]
                found.append((indexed, field.field_name, names))
    return found


def _indexed_values(instance, names):
    values = []
    for name in names:
        value = getattr(instance, name, None)
        values.append(value() if callable(value) else value)
    return values


def note_indexed_values(instance, raw=False):
    """Before `instance` is saved: remember the words other entries hold of it (one query,
    and none for a new object)."""
    instance._indexed_before = None
    if raw or instance.pk is None:
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    if stored is not None:
        instance._indexed_before = {
            (indexed, relation): _indexed_values(stored, names)
            for indexed, relation, names in _dependents(type(instance))
        }


def reindex_dependents(instance, raw=False, created=False):
    """After `instance` is saved: reindex the objects whose entries hold words of it that
    changed (a renamed senator's releases and quotes), and nothing when none did."""
    before = getattr(instance, "_indexed_before", None)
    if raw or created or before is None:
        return
    for indexed, relation, names in _dependents(type(instance)):
        if before.get((indexed, relation)) != _indexed_values(instance, names):
            linked = indexed._default_manager.filter(**{relation: instance})
            reindex(indexed, linked.values_list("pk", flat=True))
