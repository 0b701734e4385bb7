"""/archive/ and its machine-readable companions: they read the small tables of built files
and changes, in a fixed number of queries however many months; the files' addresses are
their storage URLs; no request builds a file."""

import hashlib
import json

import pytest

from bulkdata.models import ArchiveChange, BulkFile
from bulkdata.services import archive_build, public_months
from tests.bulkdata.helpers import at, small_newsroom, stored_bytes
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(klobuchar, heitkamp):
    releases = small_newsroom(klobuchar, heitkamp)
    archive_build(months=public_months())
    ArchiveChange.objects.create(kind="withdrawn", release_id=999, title="Pulled release",
                                 url="http://testserver/x/", month="2014-05")  # fmt: skip
    return releases


def test_the_page_lists_each_month_s_files_and_the_changes(newsroom, client):
    html = client.get("/archive/").content.decode()
    for bulk_file in BulkFile.objects.all():
        assert f'href="/media/{bulk_file.path}"' in html
        assert bulk_file.sha256 in html
    assert html.index("2014-06") < html.index("2014-05")  # newest month first
    assert "Pulled release" in html and "Withdrawn" in html
    assert 'href="/archive/index.json"' in html


def test_the_page_runs_a_fixed_number_of_queries(newsroom, client, klobuchar,
                                                 django_assert_num_queries):  # fmt: skip
    with django_assert_num_queries(2):  # the files, the latest changes
        assert client.get("/archive/").status_code == 200
    for month in (1, 2, 3):
        ReleaseFactory(senators=[klobuchar], published_at=at(2016, month, 1))
    archive_build(months=public_months())
    with django_assert_num_queries(2):
        assert client.get("/archive/").status_code == 200


def test_index_json_lists_every_file_with_its_checksum(newsroom, client,
                                                       django_assert_num_queries):  # fmt: skip
    with django_assert_num_queries(1):
        index = client.get("/archive/index.json").json()
    assert [(f["month"], f["format"]) for f in index["files"]] == [
        ("2014-05", "csv"), ("2014-05", "jsonl"), ("2014-06", "csv"), ("2014-06", "jsonl"),
    ]  # fmt: skip
    for entry in index["files"]:
        bulk_file = BulkFile.objects.get(name=entry["name"])
        data = stored_bytes(bulk_file)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert entry["url"] == f"http://testserver/media/{bulk_file.path}"
    assert index["files"][1]["count"] == 2
    assert index["changes_url"] == "http://testserver/archive/changes.jsonl"


def test_sha256sums_is_what_sha256sum_checks(newsroom, client):
    text = client.get("/archive/SHA256SUMS").content.decode()
    expected = "".join(
        f"{f.sha256}  {f.name}\n" for f in BulkFile.objects.order_by("month", "format")
    )
    assert text == expected and text.count("\n") == 4


def test_changes_jsonl_has_every_change_newest_first(newsroom, client):
    ArchiveChange.objects.create(kind="corrected", release_id=newsroom["june"].pk,
                                 title="In June", text="Fixed.", url="http://testserver/j/",
                                 month="2014-06")  # fmt: skip
    response = client.get("/archive/changes.jsonl")
    records = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [(r["kind"], r["release_id"]) for r in records] == [
        ("corrected", newsroom["june"].pk), ("withdrawn", 999),
    ]  # fmt: skip
    assert records[0]["text"] == "Fixed." and "text" not in records[1]


def test_a_file_s_name_redirects_to_its_current_bytes(newsroom, client):
    bulk_file = BulkFile.objects.get(name="releases-2014-05.csv.gz")
    response = client.get("/archive/releases-2014-05.csv.gz")
    assert (response.status_code, response["Location"]) == (302, f"/media/{bulk_file.path}")
    assert client.get("/archive/releases-1999-01.csv.gz").status_code == 404


def test_the_footer_and_the_api_docs_link_to_it(db, client):
    assert 'href="/archive/"' in client.get("/").content.decode()
    assert "/archive/" in client.get("/api/v1/schema/?format=json").content.decode()
