"""The monthly bulk files: every public release of a month (Eastern time), the API's record
in JSON Lines and CSV, gzipped; checksums that match the stored bytes; nothing rewritten
that did not change; drafts and embargoes never in a file; a fixed number of queries per
chunk however long the month."""

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulkdata.models import BulkFile
from bulkdata.services import CSV_COLUMNS, archive_build, archive_month_build, public_months
from tests.bulkdata.helpers import at, lines, rows, small_newsroom, state, stored_bytes
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(klobuchar, heitkamp, settings):
    settings.NEWSROOM_SITE_URL = "http://testserver"  # the API's host in the test client
    releases = small_newsroom(klobuchar, heitkamp)
    archive_build(months=public_months())
    return releases


def test_one_file_per_month_and_format_eastern_months(newsroom):
    assert sorted(state()) == [
        ("2014-05", "csv"), ("2014-05", "jsonl"), ("2014-06", "csv"), ("2014-06", "jsonl"),
    ]  # fmt: skip
    may = BulkFile.objects.get(month="2014-05", format="jsonl")
    assert (may.name, may.count) == ("releases-2014-05.jsonl.gz", 2)
    assert [r["id"] for r in lines("2014-05")] == [newsroom["full"].pk, newsroom["late_may"].pk]
    assert [r["id"] for r in lines("2014-06")] == [newsroom["june"].pk]


def test_each_line_is_the_api_record(newsroom, client):
    for record in lines("2014-05") + lines("2014-06"):
        assert record == client.get(f"/api/v1/releases/{record['id']}/").json()
    full = lines("2014-05")[0]
    assert [(s["bioguide_id"], s["role"]) for s in full["senators"]] == [
        ("K000367", "lead"), ("H001069", "joint"),
    ]  # fmt: skip
    assert full["published_at"] == "2014-05-16T12:00:00-04:00"
    assert full["legislation"][0]["bill_id"] == "s1733-113"
    assert full["quotes"][0]["attribution"].startswith("Amy Klobuchar")
    assert full["corrections"] == [
        {"text": "An earlier version misnamed the bill.", "noted_at": "2014-05-17T12:00:00-04:00"}
    ]
    assert full["source_url"] == "https://www.klobuchar.senate.gov/x"
    assert full["type"] == "press-release" and "<strong>bold</strong>" in full["body_html"]


def test_the_csv_columns(newsroom):
    table = rows("2014-05")
    assert list(table[0]) == CSV_COLUMNS
    full = table[0]
    assert full["id"] == str(newsroom["full"].pk)
    assert (full["senators"], full["senator_roles"]) == ("K000367; H001069", "lead; joint")
    assert full["legislation"] == "s1733-113" and full["topics"] == "human-trafficking"
    assert full["highlights"] == "First highlight\nSecond highlight"
    assert full["body_markdown"].startswith("'=cmd")  # a spreadsheet does not run it
    assert json.loads(full["quotes"])[0]["text"] == "Children are victims."
    assert json.loads(full["corrections"])[0]["noted_at"] == "2014-05-17T12:00:00-04:00"
    assert full["url"] == lines("2014-05")[0]["url"]


def test_checksum_size_and_count_match_the_stored_bytes(newsroom):
    for bulk_file in BulkFile.objects.all():
        data = stored_bytes(bulk_file)
        assert bulk_file.sha256 == hashlib.sha256(data).hexdigest()
        assert bulk_file.size == len(data)
    assert [len(lines("2014-05")), len(rows("2014-05"))] == [2, 2]


def test_drafts_and_embargoed_releases_are_never_in_a_file(newsroom):
    titles = {r["title"] for month in ("2014-05", "2014-06") for r in lines(month)}
    assert "A draft" not in titles and "Embargoed" not in titles
    assert not BulkFile.objects.filter(month="2099-05").exists()


def test_an_embargoed_release_is_in_its_month_once_its_time_has_come(newsroom):
    with time_machine.travel(at(2099, 5, 1) - timedelta(seconds=1)):
        assert archive_month_build(month="2099-05") == []
    with time_machine.travel(at(2099, 5, 1)):
        assert archive_month_build(month="2099-05") == ["jsonl", "csv"]
        assert [r["title"] for r in lines("2099-05")] == ["Embargoed"]


def test_a_rebuild_of_an_unchanged_month_writes_nothing(newsroom, settings):
    before = state()
    files = sorted(p.name for p in (settings.MEDIA_ROOT / "archive").rglob("*.gz"))
    assert archive_build(months=["2014-05", "2014-06"]) == {"2014-05": [], "2014-06": []}
    assert state() == before
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "archive").rglob("*.gz")) == files


def test_a_changed_month_gets_new_bytes_under_a_new_name(newsroom, committed, settings):
    before = state()
    newsroom["late_may"].title = "Late on the last day, corrected title"
    newsroom["late_may"].save()
    with committed():  # the old file goes once the new row is committed
        assert archive_month_build(month="2014-05") == ["jsonl", "csv"]
    after = state()
    assert after[("2014-06", "jsonl")] == before[("2014-06", "jsonl")]
    assert after[("2014-05", "jsonl")][1] != before[("2014-05", "jsonl")][1]
    assert not (settings.MEDIA_ROOT / before[("2014-05", "jsonl")][1]).exists()
    assert lines("2014-05")[1]["title"] == "Late on the last day, corrected title"


def test_a_month_left_with_no_public_release_loses_its_files(newsroom):
    newsroom["june"].delete()
    assert archive_month_build(month="2014-06") == ["csv", "jsonl"]
    assert not BulkFile.objects.filter(month="2014-06").exists()


def queries_to_build(month, chunk_size):
    with CaptureQueriesContext(connection) as queries:
        archive_month_build(month=month, chunk_size=chunk_size)
    return len(queries)


def test_a_fixed_number_of_queries_per_chunk(klobuchar, heitkamp, settings):
    def month_of(count, month):
        for n in range(count):
            ReleaseFactory(senators=[klobuchar, heitkamp], published_at=at(2015, month, n + 1))

    month_of(2, 1)
    month_of(4, 2)
    month_of(6, 3)
    one, two, three = (queries_to_build(f"2015-0{m}", chunk_size=2) for m in (1, 2, 3))
    assert two - one == three - two > 0  # each chunk of 2 costs the same
    assert two - one <= 12  # the release rows, then one query per prefetched relation


def test_the_command_rebuilds_and_checks_its_months(newsroom, capsys):
    call_command("build_archive", "--month", "2014-05")
    assert "0 rewritten, 1 unchanged" in capsys.readouterr().out
    call_command("build_archive", "--all")
    assert "2 month(s) checked" in capsys.readouterr().out
    with pytest.raises(CommandError, match="2014-5"):
        call_command("build_archive", "--month", "2014-5")
