"""A synthetic newsroom for trying the site at scale (`manage.py generate_newsroom`).

Releases, their senators, quotes and links are written with bulk_create, a batch at a time,
so 100,000 releases take minutes and memory stays flat. bulk_create calls no save() and sends
no post_save or m2m_changed, so:
- `body_html` is set here (see sampledata/synthetic_text.py for how it stays fast);
- releases/signals.py and modelsearch's own handlers never reindex row by row: the search
  index is built once at the end, in chunks, by sampledata/search_bulk.py, which writes the
  entries modelsearch's `add_bulk` would, without its per-chunk slowdowns;
- django-simple-history records no versions: generated releases have no history, as if
  imported, and need none.

What the rows are, and how they are marked as synthetic, is sampledata/synthetic_rows.py.
"""

import time
from datetime import timedelta

from django.db import connection, reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from modelsearch.backends import get_search_backend

from advisories.models import Event
from core import caching
from people.models import Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from sampledata.search_bulk import search_index_bulk
from sampledata.synthetic_rows import (  # noqa: F401  (MAX_*: the command's limits)
    MAX_SENATORS,
    MAX_TOPICS,
    SYNTHETIC_BIOGUIDE,
    SYNTHETIC_KEY,
    SYNTHETIC_NOTE,
    NewsroomGenerator,
)


def synthetic_releases():
    return Release.objects.filter(import_key=SYNTHETIC_KEY)


def synthetic_parts():
    """Querysets of every synthetic row other than releases, in the order to delete them."""
    return [
        Legislation.objects.filter(summary__endswith=SYNTHETIC_NOTE),
        Topic.objects.filter(description__endswith=SYNTHETIC_NOTE),
        Organization.objects.filter(description__endswith=SYNTHETIC_NOTE),
        Senator.objects.filter(bioguide_id__regex=SYNTHETIC_BIOGUIDE),
    ]


def real_release_count():
    return Release.objects.exclude(import_key=SYNTHETIC_KEY).count()


def synthetic_newsroom_size():
    return synthetic_releases().count() + sum(qs.count() for qs in synthetic_parts())


def synthetic_newsroom_clear():
    """Delete the synthetic newsroom, leaving every other release, senator and topic alone.

    Rows are deleted in bulk (`_raw_delete`): a plain delete() would load every quote to send
    its delete signals, each of which removes one search entry at a time.
    """
    with transaction.atomic():
        releases = synthetic_releases()
        count = releases.count()
        ids = releases.values("pk")
        backend = get_search_backend()
        index = backend.get_index_for_model(Release)
        if not hasattr(index, "delete_stale_entries"):  # Elasticsearch and the like
            for objects in (Quote.objects.filter(release__in=ids), releases):
                for obj in objects.iterator(chunk_size=2000):
                    backend.delete(obj)
        for rel in Release._meta.related_objects:
            rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": ids})._raw_delete(
                connection.alias
            )
        for m2m in Release._meta.many_to_many:
            through = m2m.remote_field.through
            through._base_manager.filter(release__in=ids)._raw_delete(connection.alias)
        Release._base_manager.filter(pk__in=ids)._raw_delete(connection.alias)
        for queryset in synthetic_parts():
            queryset.delete()
        if hasattr(index, "delete_stale_entries"):
            index.delete_stale_entries()
    return count


def _write_batch(plans):
    releases = Release.objects.bulk_create([p.release for p in plans])
    Topics = Release.topics.through
    Bills = Release.legislation.through
    Organizations = Release.organizations.through
    issuers, quotes, topics, bills, organizations = [], [], [], [], []
    for plan, release in zip(plans, releases, strict=True):
        rid = release.pk
        issuers += [ReleaseSenator(release_id=rid, senator_id=s, role=role, order=o)
                    for s, role, o in plan.issuers]  # fmt: skip
        for quote in plan.quotes:
            quote.release_id = rid
        quotes += plan.quotes
        topics += [Topics(release_id=rid, topic_id=t) for t in plan.topics]
        bills += [Bills(release_id=rid, legislation_id=b) for b in plan.bills]
        organizations += [Organizations(release_id=rid, organization_id=o)
                          for o in plan.organizations]  # fmt: skip
    events = []
    for plan, release in zip(plans, releases, strict=True):
        if plan.event is not None:
            plan.event.release_id = release.pk
            events.append(plan.event)
    Event.objects.bulk_create(events)
    ReleaseSenator.objects.bulk_create(issuers)
    Quote.objects.bulk_create(quotes)
    Topics.objects.bulk_create(topics)
    Bills.objects.bulk_create(bills)
    Organizations.objects.bulk_create(organizations)
    return len(issuers), len(quotes)


def search_index_build(*, batch_size, progress=None):
    """Index every synthetic release and quote, `batch_size` at a time (search_bulk.py)."""
    return search_index_bulk(
        [
            (Release, Release.get_indexed_objects().filter(import_key=SYNTHETIC_KEY)),
            (Quote, Quote.get_indexed_objects().filter(release__import_key=SYNTHETIC_KEY)),
        ],
        batch_size=batch_size,
        progress=progress,
    )


def synthetic_newsroom_generate(
    *, releases, senators, topics, bills, organizations, seed, batch_size, progress=None,
    now=None, index=True,
):  # fmt: skip
    """Make a synthetic newsroom and index it for search; returns counts and seconds taken.

    Writes everything in one transaction: stopped half way, it leaves nothing behind.
    `index=False` leaves the search index to `manage.py rebuild_modelsearch_index`.
    """
    started = time.monotonic()
    now = now or timezone.now()
    say = progress or (lambda message: None)
    generator = NewsroomGenerator(seed=seed, now=now)
    counts = dict.fromkeys(["releases", "issuers", "quotes"], 0)
    with transaction.atomic():
        generator.make_senators(senators)
        counts["topics"] = generator.make_topics(topics)
        generator.make_organizations(organizations)
        counts["bills"] = generator.make_bills(bills)
        counts["senators"], counts["organizations"] = senators, organizations
        say(f"{senators} senators, {counts['topics']} topics, {counts['bills']} bills, "
            f"{organizations} organizations")  # fmt: skip

        used_slugs = set(Release.objects.values_list("slug", flat=True).iterator())
        moments = generator.moments(releases)
        checked = 0
        while counts["releases"] < releases:
            n = min(batch_size, releases - counts["releases"])
            plans = [generator.release(next(moments), used_slugs) for _ in range(n)]
            first = plans[0].release
            if not generator.writer.check(first.body, first.body_html):
                raise RuntimeError(f"body_html of {first.slug!r} differs from its rendering")
            checked += 1
            issuers, quotes = _write_batch(plans)
            counts["releases"] += n
            counts["issuers"] += issuers
            counts["quotes"] += quotes
            # With DEBUG on, Django keeps every query's SQL: bodies and all, a batch at a time.
            reset_queries()
            rate = counts["releases"] / max(time.monotonic() - started, 1e-6)
            say(f"releases {counts['releases']:,}/{releases:,} ({rate:,.0f}/s)")
        # auto_now_add stamped them all now; a release was written before it went out.
        synthetic_releases().filter(published_at__isnull=False).update(
            created_at=F("published_at") - timedelta(hours=3), updated_at=F("published_at")
        )
        generated_at = time.monotonic()
        # Statistics of the rows just written (ANALYZE counts this transaction's own): the
        # planners otherwise still see the tables as they were, and at 500,000 releases
        # each chunk the index reads next was found by sorting every release (2.5 s).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if index:
            search_index_build(batch_size=batch_size, progress=say)
    # Bulk inserts send no signals: pages and counts kept from before must go.
    caching.invalidate()  # at the commit, if this runs in a transaction
    # Fresh statistics, or the query planners guess from an empty table (on PostgreSQL a
    # search's year facet took minutes before autovacuum got round to it). On PostgreSQL,
    # VACUUM too (where no transaction is open: the command's run, not a test's): it marks
    # the new pages all-visible, as autovacuum does after inserts in a site that runs, so
    # that counts are read from indexes alone and not from every row's page.
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    counts["drafts"] = synthetic_releases().drafts().count()
    counts["embargoed"] = synthetic_releases().scheduled().count()
    counts["joint"] = (
        synthetic_releases()
        .filter(releasesenator__role=ReleaseSenator.Role.JOINT)
        .distinct()
        .count()
    )
    counts["full_renders"] = generator.writer.full_renders
    counts["checked_renders"] = checked
    counts["seconds_generating"] = round(generated_at - started, 1)
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts
