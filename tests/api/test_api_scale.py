"""The API built for 100,000 releases, checked on a few.

- The export writes, a chunk of releases at a time, exactly what a serializer per release
  wrote: one serializer writes every row, and the senators, topics, bills and organizations
  it nests are worked out once per response, not once per mention.
- An export chunk costs the same queries whatever its size, and the first rows leave before
  the next chunk is read.
- Senators, topics, bills and organizations take their release counts from the counts the
  site keeps for its pages when they are kept (no count in the query), and those counts
  change the moment a release, a link or the clock (an embargo) does.
- The unfiltered quote list walks the releases newest first down their index, rather than
  sorting every public quote for one page.
"""

import csv
import io
import json
import math
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import export
from api.serializers import ReleaseSerializer
from api.views import with_record_prefetches
from core.eastern import EASTERN
from releases.models import Correction, Quote, Release, ReleaseSenator
from releases.services import release_unpublish
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PREFETCHES = 7  # issuers, quotes, topics, bills, organizations, corrections, documents


def at(day, hour=9):
    return datetime(2024, 3, day, hour, 0, tzinfo=EASTERN)


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """Built once for the module (each test's changes roll back to it), and rolled back
    after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_newsroom()
        transaction.set_rollback(True)


def build_newsroom():
    """Nine public releases (two sharing a time), a draft and an embargoed one. Klobuchar
    leads some releases and joins others, so one senator is nested in both roles; topics,
    bills and organizations recur across releases and as a quoted speaker's organization."""
    klobuchar = SenatorFactory(
        bioguide_id="K000367", first_name="Amy", last_name="Klobuchar",
        official_full_name="Amy Klobuchar", slug="amy-klobuchar", state="MN",
    )  # fmt: skip
    heitkamp = SenatorFactory(
        bioguide_id="H001069", first_name="Heidi", last_name="Heitkamp",
        slug="heidi-heitkamp", state="ND", in_office=False,
    )  # fmt: skip
    collins = SenatorFactory(
        bioguide_id="C001035", first_name="Susan", last_name="Collins", slug="susan-collins",
        party="R", state="ME",
    )  # fmt: skip
    trafficking = TopicFactory(name="Human trafficking", slug="trafficking")
    farms = TopicFactory(name="Agriculture", slug="agriculture")
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=klobuchar)
    hr3610 = LegislationFactory(bill_type="hr", number=3610, congress=113)
    un = OrganizationFactory(name="United Nations", slug="united-nations")
    center = OrganizationFactory(name="Resource Center", slug="resource-center")

    joint = ReleaseFactory(
        title="Klobuchar and Heitkamp on trafficking", published_at=at(1),
        senators=[klobuchar, heitkamp], topics=[trafficking], legislation=[s1733],
        organizations=[un, center],
    )  # fmt: skip
    QuoteFactory(release=joint, senator=klobuchar, text="Amy's words.", order=0)
    QuoteFactory(release=joint, senator=heitkamp, text="Heidi's words.", order=1)
    QuoteFactory(
        release=joint, senator=None, speaker_name="Jane Advocate", speaker_title="Director",
        speaker_organization=center, text="An advocate's words.", order=2,
    )  # fmt: skip
    Correction.objects.create(release=joint, text="The bill's number was wrong.")
    swapped = ReleaseFactory(
        title="Heitkamp and Klobuchar on farms", published_at=at(2),
        senators=[heitkamp, klobuchar], topics=[farms, trafficking], organizations=[un],
    )  # fmt: skip
    QuoteFactory(
        release=swapped, senator=None, speaker_name="A Delegate", speaker_organization=un,
        text="A delegate's words.",
    )  # fmt: skip
    ReleaseFactory(
        title="Collins on two bills", published_at=at(3), senators=[collins],
        topics=[farms], legislation=[s1733, hr3610],
    )  # fmt: skip
    for n, day in enumerate([4, 5, 5, 6, 7, 8]):  # two share a publication time
        release = ReleaseFactory(
            title=f"Klobuchar on trafficking {n}", published_at=at(day), senators=[klobuchar],
            topics=[trafficking], legislation=[hr3610], organizations=[center],
        )  # fmt: skip
        QuoteFactory(release=release, senator=klobuchar, text=f"Words {n}.")
    draft = ReleaseFactory(
        title="A draft", status=Release.Status.DRAFT, published_at=at(9),
        senators=[klobuchar, collins], topics=[trafficking, farms], legislation=[s1733],
        organizations=[un],
    )  # fmt: skip
    QuoteFactory(release=draft, senator=klobuchar, text="Draft words.")
    embargoed = ReleaseFactory(
        title="An embargoed release", published_at=timezone.now() + timedelta(hours=2),
        senators=[heitkamp], topics=[trafficking], legislation=[hr3610], organizations=[center],
    )  # fmt: skip
    QuoteFactory(release=embargoed, senator=heitkamp, text="Embargoed words.")
    return {
        "klobuchar": klobuchar, "draft": draft, "embargoed": embargoed,
        "trafficking": trafficking,
    }  # fmt: skip


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body[:500]
    return body.decode(), queries.captured_queries


# 1. The export


def records_one_serializer_each(releases):
    """What the export wrote before: a new serializer for every release."""
    request = RequestFactory().get("/")
    releases = with_record_prefetches(releases.order_by("-published_at", "-id"))
    return [ReleaseSerializer(release, context={"request": request}).data for release in releases]


def as_csv(records):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export.CSV_COLUMNS)
    writer.writerows(export.csv_row(record) for record in records)
    return out.getvalue()


@pytest.mark.parametrize("query", ["", "senator=K000367", "topic=agriculture&year=2024"])
def test_the_export_writes_what_a_serializer_per_release_wrote(
    client, newsroom, monkeypatch, query
):
    monkeypatch.setattr(export, "CHUNK_SIZE", 2)  # several chunks, a pair of releases each
    monkeypatch.setattr(export, "ROWS_PER_WRITE", 3)
    releases = Release.objects.published()
    if "senator" in query:
        releases = releases.filter(pk__in=ReleaseSenator.objects.filter(
            senator__bioguide_id="K000367").values("release_id"))  # fmt: skip
    elif "topic" in query:
        releases = releases.filter(topics__slug="agriculture")
    expected = records_one_serializer_each(releases)
    assert len(expected) >= 2

    body, _ = count_queries(client, f"{API}/releases/export.json?{query}")
    assert json.loads(body) == json.loads(json.dumps(expected))
    body, _ = count_queries(client, f"{API}/releases/export.csv?{query}")
    assert body == as_csv(expected)


def test_one_senator_nested_in_both_roles_keeps_each_role(client, newsroom):
    records = json.loads(count_queries(client, f"{API}/releases/export.json")[0])
    roles = {
        r["title"]: [(s["bioguide_id"], s["role"]) for s in r["senators"]]
        for r in records
        if "Heitkamp" in r["title"]
    }
    assert roles == {
        "Klobuchar and Heitkamp on trafficking": [("K000367", "lead"), ("H001069", "joint")],
        "Heitkamp and Klobuchar on farms": [("H001069", "lead"), ("K000367", "joint")],
    }


@pytest.mark.parametrize("chunk_size", [2, 3, 500])
@pytest.mark.parametrize("name", ["export.csv", "export.json"])
def test_an_export_chunk_costs_the_same_queries_whatever_its_size(
    client, newsroom, monkeypatch, chunk_size, name
):
    monkeypatch.setattr(export, "CHUNK_SIZE", chunk_size)
    monkeypatch.setattr(export, "ROWS_PER_WRITE", 2)
    chunks = math.ceil(Release.objects.published().count() / chunk_size)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/releases/{name}")
        pieces = iter(response.streaming_content)
        next(pieces)  # the header (or "[") and the first release: one chunk read so far
        after_first_write = len(queries)
        b"".join(pieces)

    # Where the next part starts, the releases' query, then one query per relation for
    # each chunk as it is reached.
    assert after_first_write == 2 + PREFETCHES
    assert len(queries) == 2 + PREFETCHES * chunks


# 2. Counts the site keeps


# (API list, the site's page that keeps the same counts, a record's identifier, one record)
COUNTED = [
    ("senators", "/senators/", "bioguide_id", "K000367"),
    ("topics", "/topics/", "slug", "trafficking"),
    ("legislation", "/legislation/", "bill_id", "s1733-113"),
    ("organizations", "/organizations/", "slug", "resource-center"),
]
PUBLIC_COUNTS = {  # by hand from the fixture: the draft and the embargoed release count nowhere
    "K000367": 8, "trafficking": 8, "s1733-113": 2, "resource-center": 7,
}  # fmt: skip


def counts_in(body, key):
    return {record[key]: record["release_count"] for record in json.loads(body)["results"]}


def counted_in_sql(queries):
    return any(re.search(r"\bCOUNT\(", q["sql"], re.IGNORECASE) for q in queries)


@pytest.mark.parametrize(("endpoint", "page", "key", "one"), COUNTED, ids=[c[0] for c in COUNTED])
def test_api_lists_take_the_counts_the_site_keeps(client, newsroom, endpoint, page, key, one):
    urls = [f"{API}/{endpoint}/?page_size=100", f"{API}/{endpoint}/{one}/"]
    cold = [count_queries(client, url) for url in urls]
    assert all(counted_in_sql(queries) for _, queries in cold)  # each counts its own

    assert client.get(page).status_code == 200  # the site's page keeps the counts

    for url, (cold_body, cold_queries) in zip(urls, cold, strict=True):
        body, queries = count_queries(client, url)
        assert body == cold_body, url
        assert not counted_in_sql(queries), url
        assert len(queries) == len(cold_queries), url
    assert counts_in(cold[0][0], key)[one] == PUBLIC_COUNTS[one]
    assert json.loads(cold[1][0])["release_count"] == PUBLIC_COUNTS[one]


def publish_the_draft(newsroom):
    draft = newsroom["draft"]
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.status = Release.Status.PUBLISHED
    draft.save()


def unpublish_one(newsroom):
    release_unpublish(release=Release.objects.get(title="Klobuchar on trafficking 0"), by=None)


def remove_the_topic(newsroom):
    Release.objects.get(title="Klobuchar on trafficking 1").topics.remove(newsroom["trafficking"])


CHANGES = [  # (change, its effect on Klobuchar's count and on the trafficking topic's)
    (publish_the_draft, (1, 1)),
    (unpublish_one, (-1, -1)),
    (remove_the_topic, (0, -1)),
]


def api_counts(client):
    """(Klobuchar's count, the trafficking topic's), as the lists and records give them,
    and whether any of them was counted in SQL rather than read from the kept counts."""
    counted = False
    found = []
    for url, key, one in [
        (f"{API}/senators/", "bioguide_id", "K000367"),
        (f"{API}/topics/", "slug", "trafficking"),
    ]:
        body, queries = count_queries(client, url)
        detail, detail_queries = count_queries(client, f"{url}{one}/")
        assert counts_in(body, key)[one] == json.loads(detail)["release_count"]
        found.append(json.loads(detail)["release_count"])
        counted |= counted_in_sql(queries) or counted_in_sql(detail_queries)
    return tuple(found), counted


def keep_counts(client):
    for page in ("/senators/", "/topics/"):
        assert client.get(page).status_code == 200


@pytest.mark.parametrize(("change", "effect"), CHANGES, ids=[c.__name__ for c, _ in CHANGES])
def test_kept_api_counts_change_the_moment_a_release_does(
    client, count_cache, newsroom, change, effect, committed
):
    keep_counts(client)
    before, counted = api_counts(client)
    assert before == (8, 8)
    assert not counted  # read from the kept counts

    with committed():
        change(newsroom)

    after, _ = api_counts(client)
    assert after == (before[0] + effect[0], before[1] + effect[1])


def test_kept_api_counts_take_in_an_embargo_at_its_second(client, count_cache, newsroom):
    # Before the fixture's own embargo (two hours after it was built) lifts.
    go_live = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    ReleaseFactory(
        published_at=go_live, senators=[newsroom["klobuchar"]], topics=[newsroom["trafficking"]]
    )

    with time_machine.travel(go_live - timedelta(seconds=1), tick=False):
        keep_counts(client)
        before, counted = api_counts(client)
    with time_machine.travel(go_live + timedelta(seconds=1), tick=False):
        after, _ = api_counts(client)

    assert (before, counted) == ((8, 8), False)
    assert after == (9, 9)


# 3. Quotes


def test_every_public_quote_is_listed_once_newest_release_first(client, newsroom):
    public = Quote.objects.filter(release__in=Release.objects.published())
    expected = sorted(
        public.select_related("release"),
        key=lambda q: (-q.release.published_at.timestamp(), -q.release_id, q.order, q.id),
    )
    listed, url = [], f"{API}/quotes/?page_size=2"
    while url:
        page = json.loads(count_queries(client, url)[0])
        listed += [quote["id"] for quote in page["results"]]
        url = page["next"]

    assert listed == [quote.id for quote in expected]
    assert len(listed) == 10  # none of the draft's or the embargoed release's


def plan(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE releases_release, releases_quote")
            # Only where no index can give the order will the plan still sort.
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def test_the_unfiltered_quote_list_reads_releases_in_order_rather_than_sorting_quotes(
    client, newsroom
):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/quotes/").status_code == 200
    [query] = queries.captured_queries  # as run, its values written in

    steps = plan(query["sql"])

    shown = "\n".join(steps)
    if connection.vendor == "postgresql":
        # An incremental sort of one release's quotes is fine; a sort of them all is not.
        assert not any(re.match(r"\s*(->\s+)?Sort\s+\(", step) for step in steps), shown
    else:
        assert "USE TEMP B-TREE FOR ORDER BY" not in shown, shown
        assert re.search(r"SEARCH releases_release USING (COVERING )?INDEX", shown), shown
