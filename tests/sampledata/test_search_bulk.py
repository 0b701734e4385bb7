"""The fast search index build (sampledata/search_bulk.py) writes what modelsearch would.

`generate_newsroom` indexes through `search_index_bulk`; modelsearch's own reference is
`rebuild_modelsearch_index`: `add_items` (what `add_bulk` calls) a chunk at a time, then a
full refresh of every entry's title_norm. Both build the index of one small synthetic
newsroom, and the entries, SQLite's FTS5 rows and the search results must be the same.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast, Concat
from modelsearch.models import IndexEntry

from releases.models import Quote, Release
from sampledata.synthetic import search_index_build
from search.query import search

pytestmark = pytest.mark.django_db

NEWSROOM = dict(releases=50, senators=5, topics=10, bills=20, organizations=15, seed=3)
CHUNK = 20  # several chunks of releases and of quotes


@pytest.fixture(autouse=True)
def _every_search_reads_the_index(settings):
    # Rankings remembered from a search before a rebuild would hide what the rebuild wrote.
    settings.COUNT_CACHE_SECONDS = 0


@pytest.fixture
def newsroom():
    call_command(
        "generate_newsroom", **NEWSROOM, batch_size=CHUNK, no_search_index=True, stdout=StringIO()
    )
    assert not IndexEntry.objects.exists()


def modelsearch_rebuild():
    call_command("rebuild_modelsearch_index", chunk_size=CHUNK, stdout=StringIO())


def fast_build():
    return search_index_build(batch_size=CHUNK)


def index_snapshot():
    """Every entry by (content type, object id): its texts or tsvectors, and title_norm."""
    fields = [
        f.name
        for f in IndexEntry._meta.concrete_fields
        if f.name not in ("id", "content_type", "object_id")
    ]
    vectors = {"title", "autocomplete", "body"}  # tsvectors on PostgreSQL, text on SQLite
    entries = IndexEntry.objects.annotate(
        model=F("content_type__model"),
        **{f"{name}_text_": Cast(name, TextField()) for name in vectors},
    ).values(
        "model", "object_id", *(f"{name}_text_" if name in vectors else name for name in fields)
    )
    snapshot = {
        (entry["model"], entry["object_id"]): {
            name: entry[f"{name}_text_" if name in vectors else name] for name in fields
        }
        for entry in entries
    }
    assert len(snapshot) == Release.objects.count() + Quote.objects.count()
    return snapshot


def fts_snapshot():
    """SQLite's FTS5 rows, by the entry they belong to (the triggers fill them)."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.content_type_id, e.object_id, f.title, f.body, f.autocomplete "
            "FROM modelsearch_indexentry_fts f JOIN modelsearch_indexentry e ON e.id = f.rowid"
        )
        rows = {(ct, oid): rest for ct, oid, *rest in cursor.fetchall()}
        cursor.execute("SELECT COUNT(*) FROM modelsearch_indexentry_fts")
        assert cursor.fetchone()[0] == len(rows) == IndexEntry.objects.count()
    return rows


def entry_indexes():
    """The index table's indexes and their definitions (PostgreSQL; SQLite has no GIN)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [IndexEntry._meta.db_table],
        )
        return sorted(cursor.fetchall())


def search_words():
    """Words a reader might search for, taken from the newsroom: every kind of field."""
    # (Not the release a test has left without a title.)
    release = (
        Release.objects.exclude(legislation=None).exclude(organizations=None).exclude(title="")
    ).first()
    lead = release.releasesenator_set.get(role="lead").senator
    quote = release.quotes.order_by("pk").first()
    return [
        lead.last_name,
        release.title.split()[0],
        release.title,
        release.legislation.first().bill_id,
        release.topics.first().name,
        release.organizations.first().name,
        max(quote.text.split(), key=len),
        max(release.highlights.split(), key=len),
        release.dateline,
        "trafficking",
    ]


def search_results(words):
    found = {}
    for word in words:
        for queryset in (Release.objects.all(), Quote.objects.all()):
            found[word, queryset.model.__name__] = list(
                search(queryset, word).values_list("pk", flat=True)
            )
    return found


def test_the_fast_build_writes_the_index_modelsearch_builds(newsroom):
    modelsearch_rebuild()
    expected, expected_fts = index_snapshot(), fts_snapshot()
    words = search_words()
    expected_results = search_results(words)
    assert sum(1 for pks in expected_results.values() if pks) >= len(words)

    IndexEntry.objects.all().delete()
    indexes = entry_indexes()
    messages = []
    counts = search_index_build(batch_size=CHUNK, progress=messages.append)

    assert counts == {"Release": 50, "Quote": Quote.objects.count()}
    assert index_snapshot() == expected
    # On PostgreSQL the GIN indexes were dropped for the build and built again as they were.
    assert entry_indexes() == indexes
    if connection.vendor == "postgresql":
        built = [m for m in messages if m.startswith("search index: building ")]
        assert "search index: building modelsearch_indexentry_title_body_gin" in built
        assert len(built) == 4
    assert fts_snapshot() == expected_fts
    assert search_results(words) == expected_results
    # Each entry went in with the title_norm modelsearch's full refresh gives it: the
    # refresh run at the end, as modelsearch writes it, had nothing to change.
    assert messages[-1] == "search index: title norms checked, 0 changed"
    assert f"search index: entries written 40/{50 + counts['Quote']}" in messages


def test_rebuilding_over_an_index_replaces_its_entries_as_modelsearch_does(newsroom):
    modelsearch_rebuild()
    release = Release.objects.order_by("pk")[10]
    quote = Quote.objects.order_by("pk")[7]
    # Changes the index has not seen (queryset updates send no signals).
    Release.objects.filter(pk=release.pk).update(title="Pelicans return to the harbor")
    Quote.objects.filter(pk=quote.pk).update(text="Cormorants nest on the old pier.")
    Release.objects.filter(pk=Release.objects.order_by("pk")[20].pk).update(title="")
    assert list(search(Release.objects.all(), "pelicans")) == []

    fast_build()
    after_fast, fts_after_fast = index_snapshot(), fts_snapshot()
    words = [*search_words(), "pelicans harbor", "cormorants"]
    results = search_results(words)
    assert results["pelicans harbor", "Release"] == [release.pk]
    assert results["cormorants", "Quote"] == [quote.pk]

    modelsearch_rebuild()
    assert index_snapshot() == after_fast
    assert fts_snapshot() == fts_after_fast
    assert search_results(words) == results


class Interrupted(Exception):
    pass


def test_a_build_stopped_half_way_leaves_the_index_as_it_was(newsroom):
    modelsearch_rebuild()
    before = index_snapshot()
    Release.objects.update(title=Concat("title", Value(" revised")))

    def stop_while_writing(message):
        if "entries written" in message:  # some entries are in, the rest are not
            raise Interrupted

    with pytest.raises(Interrupted):
        search_index_build(batch_size=CHUNK, progress=stop_while_writing)
    assert index_snapshot() == before
    assert not search(Release.objects.all(), "revised").exists()
    fast_build()  # the temporary table went with the stopped build
    assert search(Release.objects.all(), "revised").count() == 50
