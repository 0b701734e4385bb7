"""Every receiver on release data, in one table: what a save or delete sets off.

Saving a release in the admin writes the release, then its issuing senators, quotes and
links one by one, each sending its signals. Four things follow from them:

- the search index: the entries of the release and its quotes are rewritten (once per
  admin save or import, which run inside `search.indexing.reindex_once()`), and a senator,
  topic, bill or organization rewrites the entries that name it only when words those
  entries hold of it changed;
- kept pages and counts: a new generation when the transaction commits (core/caching.py);
- former addresses: a renamed release remembers its old slug, which keeps redirecting;
- versions: the several history records one save writes are folded into one.

RECEIVERS is the table; `connect()` (called from ReleasesConfig.ready) wires it up.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from simple_history.signals import post_create_historical_record

from core import caching
from people.models import Organization, Senator
from releases.models import (
    Correction,
    FormerSlug,
    Legislation,
    Quote,
    Release,
    ReleaseSenator,
    Topic,
)
from releases.versions import fold_version
from search.indexing import note_indexed_values, reindex, reindex_dependents, unindex

LINKS = [Release.topics.through, Release.legislation.through, Release.organizations.through]
SUBJECTS = [Senator, Topic, Legislation, Organization]


# The search index.


def release_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Release, [instance.pk])


def release_deleted(sender, instance, **kwargs):
    unindex(instance)


def release_row_changed(sender, instance, raw=False, **kwargs):
    """An issuing senator or a quote saved or deleted: its release's entry changes."""
    if not raw:
        reindex(Release, [instance.release_id])


def quote_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Quote, [instance.pk])


def quote_deleted(sender, instance, **kwargs):
    unindex(instance)


def release_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics, bills or organizations linked or unlinked, from either side."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        reindex(Release, [instance.pk])
    elif pk_set:
        reindex(Release, pk_set)
    else:  # cleared from the other side: every release that had it
        reindex(Release, instance.releases.values_list("pk", flat=True))


def subject_about_to_change(sender, instance, raw=False, **kwargs):
    note_indexed_values(instance, raw=raw)


def subject_changed(sender, instance, raw=False, created=False, **kwargs):
    """Only a change to words the index holds (a senator's name, a topic's, a bill's title)
    rewrites the entries of the releases and quotes that name it."""
    reindex_dependents(instance, raw=raw, created=created)


# Former addresses.


def release_about_to_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Note the stored slug, if readers could reach the release at it: a draft's or an
    embargoed release's working slug was never an address anyone had."""
    instance._slug_before_save = None
    if raw or instance.pk is None or (update_fields is not None and "slug" not in update_fields):
        return
    instance._slug_before_save = (
        Release.objects.published().filter(pk=instance.pk).values_list("slug", flat=True).first()
    )


def release_slug_changed(sender, instance, raw=False, created=False, **kwargs):
    """A renamed public release keeps its old address: links to it live on in other sites,
    feeds and inboxes (the detail view redirects from a former slug, and no other release
    may take it: Release.validate_unique)."""
    old = getattr(instance, "_slug_before_save", None)
    if raw or created or not old or old == instance.slug:
        return
    FormerSlug.objects.get_or_create(release=instance, slug=old)
    # Renamed back to a slug it had: that address is current again.
    FormerSlug.objects.filter(release=instance, slug=instance.slug).delete()


# The table: (signal, senders, receiver). Order within a signal is the order they run.

PUBLIC_DATA = [Release, ReleaseSenator, Quote, Correction, *SUBJECTS]

RECEIVERS = [
    # A release and what hangs off it: the search index.
    (post_save, [Release], release_saved),
    (post_delete, [Release], release_deleted),
    (post_save, [ReleaseSenator, Quote], release_row_changed),
    (post_delete, [ReleaseSenator, Quote], release_row_changed),
    (post_save, [Quote], quote_saved),
    (post_delete, [Quote], quote_deleted),
    (m2m_changed, LINKS, release_links_changed),
    (pre_save, SUBJECTS, subject_about_to_change),
    (post_save, SUBJECTS, subject_changed),
    # Former addresses.
    (pre_save, [Release], release_about_to_save),
    (post_save, [Release], release_slug_changed),
    # One version per save (releases/versions.py).
    (post_create_historical_record, [Release.history.model], fold_version),
    # Anything a public page shows: kept pages and counts end when the change commits.
    (post_save, PUBLIC_DATA, caching.invalidate),
    (post_delete, PUBLIC_DATA, caching.invalidate),
    (m2m_changed, LINKS, caching.invalidate),
]


def dispatch_uid(receiver, sender):
    return f"releases:{receiver.__module__}.{receiver.__name__}:{sender._meta.label}"


def connect():
    for signal, senders, receiver in RECEIVERS:
        for sender in senders:
            signal.connect(receiver, sender=sender, dispatch_uid=dispatch_uid(receiver, sender))
