"""`manage.py import_archive`: Senate releases from congress-press JSON Lines files."""

import gzip
import json
from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from core.eastern import EASTERN
from importing.archive import TEXT_GONE, archive_import
from importing.models import ArchiveSource
from people.models import Senator
from people.services import legislators_import
from releases.models import Release, ReleaseSenator
from tests.support import FIXTURES

pytestmark = pytest.mark.django_db

PRESS = FIXTURES / "archive/press.jsonl"
HISTORICAL = FIXTURES / "legislators/legislators-historical.yaml"
JOINT_TEXT_START = "U.S. Senators Amy Klobuchar (D-MN) and Heidi Heitkamp (D-ND) today met"


@pytest.fixture(autouse=True)
def senators():
    legislators_import(paths=[HISTORICAL], today=date(2026, 1, 1))


def run(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 line"):  # the fixture's one unparsable line
        call_command("import_archive", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def noon(day):
    return datetime.combine(day, time(12), tzinfo=EASTERN)


def test_senate_records_come_in_published_at_their_dates_with_counts():
    out, err = run(PRESS)

    assert (
        "8 record(s)" in out
        and "3 imported, 1 joint merged, 0 already there, 1 not Senate, 1 no date, "
        "1 unknown senator, 1 bad line, 0 failed."
        in out
    )
    assert Release.objects.count() == 3
    assert all(r.status == Release.Status.PUBLISHED for r in Release.objects.all())
    joint = Release.objects.get(body__contains="shelter directors")
    assert joint.published_at == noon(date(2014, 5, 16))
    assert joint.is_public()
    assert joint.title == (
        "Klobuchar, Heitkamp Meet with Advocates in Fargo on Stopping Child Trafficking"
    )
    assert joint.dateline == "Fargo, ND"
    assert joint.source_url.startswith("https://www.klobuchar.senate.gov/public/index.cfm/2014/5/")
    # The versions say published from the start, though no announcement was queued.
    assert {v.status for v in joint.history.all()} == {"published"}
    assert not DBTaskResult.objects.exists()


def test_a_joint_release_posted_by_two_offices_is_one_release_with_both_issuers():
    run(PRESS)

    releases = Release.objects.filter(body__contains="shelter directors")
    assert releases.count() == 1
    joint = releases.get()
    issuers = [(r.senator.bioguide_id, r.role) for r in joint.releasesenator_set.order_by("order")]
    assert issuers == [("K000367", "lead"), ("H001069", "joint")]
    sources = joint.archive_sources.order_by("pk")
    assert [s.senator.bioguide_id for s in sources] == ["K000367", "H001069"]
    assert sources[1].title.startswith("Heitkamp and Klobuchar Hear from Fargo Shelters")
    assert sources[1].published_on == date(2014, 5, 17)  # a day later: the same release
    assert [q.senator.last_name for q in joint.quotes.order_by("order")] == [
        "Klobuchar",
        "Heitkamp",
    ]


def _posting(tmp_path, *texts, title="Senate Passes the National Defense Authorization Act"):
    """A month's file: one posting of `title` by each of two senators, with the texts given."""
    members = [("K000367", "Amy Klobuchar"), ("H001069", "Heidi Heitkamp")]
    lines = [
        json.dumps({
            "url": f"https://www.example{i}.senate.gov/ndaa", "title": title,
            "date": "2017-09-18", "member": {"bioguide_id": bioguide, "name": name,
                                              "chamber": "Senate"},
            "text": text,
        })
        for i, ((bioguide, name), text) in enumerate(zip(members, texts, strict=False))
    ]  # fmt: skip
    path = tmp_path / "2017-09.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_same_title_over_two_offices_own_texts_is_two_releases(tmp_path):
    klobuchar = ("WASHINGTON – U.S. Senator Amy Klobuchar voted for the defense bill, which "
                 "funds the 133rd Airlift Wing in Minnesota and a pay raise for the troops. "
                 * 3)  # fmt: skip
    heitkamp = ("BISMARCK, N.D. – U.S. Senator Heidi Heitkamp said the defense bill keeps "
                "the Minot Air Force Base missions and the Grand Forks drones flying. "
                * 3)  # fmt: skip

    archive_import(paths=[_posting(tmp_path, klobuchar, heitkamp)])

    releases = Release.objects.order_by("pk")
    assert [(r.senators.get().last_name, "Minot" in r.body) for r in releases] == [
        ("Klobuchar", False), ("Heitkamp", True),
    ]  # fmt: skip


def test_the_same_title_over_texts_alike_is_one_joint_release(tmp_path):
    text = ("WASHINGTON – U.S. Senators Amy Klobuchar ({}) and Heidi Heitkamp (D-ND) voted "
            "for the defense bill, which funds the 133rd Airlift Wing in Minnesota, the Minot "
            "Air Force Base missions and a pay raise for the troops. " * 3)  # fmt: skip

    archive_import(
        paths=[_posting(tmp_path, text.replace("{}", "D-MN"), text.replace("{}", "D-Minn."))]
    )

    release = Release.objects.get()
    assert [s.last_name for s in release.senators.order_by("releasesenator__order")] == [
        "Klobuchar", "Heitkamp",
    ]  # fmt: skip
    assert release.archive_sources.count() == 2


def test_a_text_of_a_line_a_paragraph_under_the_sites_menu_reads_as_its_release(tmp_path):
    title = "Klobuchar Applauds Passage of Rail Safety Bill"
    text = "\n".join([
        "Skip to content", "Home", "About Amy", "Newsroom", title, "March 2, 2015",
        "WASHINGTON, D.C. – U.S. Senator Amy Klobuchar today applauded Senate passage of "
        "her bill to improve the safety of oil trains.",
        "“This bill will make our communities safer,” Klobuchar said. “We must act.”",
        "The bill now goes to the House.", "###", "Related Issues", "Print",
    ])  # fmt: skip
    record = {"url": "https://www.klobuchar.senate.gov/rail", "title": title,
              "date": "2015-03-02", "member": {"bioguide_id": "K000367", "chamber": "Senate"},
              "text": text}  # fmt: skip
    path = tmp_path / "2015-03.jsonl"
    path.write_text(json.dumps(record) + "\n")

    archive_import(paths=[path])

    release = Release.objects.get()
    assert (release.title, release.dateline, release.highlights) == (title, "WASHINGTON, D.C.", "")
    assert release.body.startswith("U.S. Senator Amy Klobuchar today applauded")
    assert release.body.endswith("The bill now goes to the House.")
    assert [q.text for q in release.quotes.all()] == ["This bill will make our communities "
                                                      "safer. We must act."]  # fmt: skip


def test_a_records_text_of_several_releases_gives_the_one_of_its_title(tmp_path):
    text = (
        "WASHINGTON – U.S. Senator Amy Klobuchar announced funds for the Duluth harbor.\n\n"
        "“The harbor is the gateway,” said Klobuchar.\n\n###\n\n"
        "Klobuchar Statement on Minnesota Flooding\n\nST. PAUL, MN – U.S. Senator Amy "
        "Klobuchar toured the flood damage.\n\n“We will rebuild,” Klobuchar said.\n\n###\n"
    )
    record = {"url": "https://www.klobuchar.senate.gov/harbor", "date": "2015-03-02",
              "title": "Klobuchar Announces Funding for Duluth Harbor", "text": text,
              "member": {"bioguide_id": "K000367", "chamber": "Senate"}}  # fmt: skip
    path = tmp_path / "2015-03.jsonl"
    path.write_text(json.dumps(record) + "\n")

    report = archive_import(paths=[path])

    release = Release.objects.get()
    assert release.title == "Klobuchar Announces Funding for Duluth Harbor"
    assert "harbor" in release.body and "flood" not in release.body
    assert report.counts["imported"] == 1
    assert report.problems == [
        f"{path}:1: its text holds 2 releases, each closed by an end mark; imported "
        "“Klobuchar Announces Funding for Duluth Harbor”, the record's"
    ]


def test_a_record_whose_page_is_gone_keeps_its_title_date_and_address():
    run(PRESS)

    gone = Release.objects.get(title__startswith="Klobuchar Statement on the Senate Hearing")
    assert gone.body == TEXT_GONE
    assert gone.published_at == noon(date(2015, 3, 2))
    assert gone.source_url.endswith("/klobuchar-statement-on-rail-safety-hearing")
    assert [r.senator.last_name for r in gone.releasesenator_set.all()] == ["Klobuchar"]


def test_house_undated_unknown_and_bad_lines_are_counted_and_named():
    out, err = run(PRESS)

    assert "1 not Senate, 1 no date, 1 unknown senator, 1 bad line" in out
    assert "Senators not in the database: B001230 (1)" in out
    assert f"{PRESS}:5: not JSON (Unterminated string" in err
    assert not Release.objects.filter(title__contains="Peterson").exists()
    assert not Release.objects.filter(title__contains="Duluth").exists()  # no year


def test_a_folder_of_months_plain_and_gzipped_is_read_in_order(tmp_path):
    data = tmp_path / "data"
    (data / "2014").mkdir(parents=True)
    (data / ".git").mkdir()
    (data / "2014" / "2014-05.jsonl.gz").write_bytes(gzip.compress(PRESS.read_bytes()))
    (data / "2014" / "2014-06.jsonl").write_bytes(PRESS.read_bytes())  # the same records
    (data / ".git" / "stray.jsonl").write_text("not a record\n")
    (data / "2014" / "README.md").write_text("# not a month\n")

    out = StringIO()
    with pytest.raises(CommandError, match="2 line"):  # the fixture's bad line, in each month
        call_command("import_archive", str(data), stdout=out, stderr=StringIO())

    # The second month is a copy of the first: its records are already there.
    assert "3 imported, 1 joint merged, 4 already there" in out.getvalue()
    assert Release.objects.count() == 3


def test_a_damaged_gzip_file_is_reported_and_the_others_import(tmp_path):
    (tmp_path / "2014-04.jsonl.gz").write_bytes(b"\x1f\x8b not gzip at all")
    (tmp_path / "2014-05.jsonl").write_bytes(PRESS.read_bytes())

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_archive", str(tmp_path), stdout=out, stderr=err)

    assert "2014-04.jsonl.gz: cannot read it:" in err.getvalue()
    assert Release.objects.count() == 3


def test_running_again_creates_nothing():
    run(PRESS)
    before = (
        Release.objects.count(),
        ReleaseSenator.objects.count(),
        ArchiveSource.objects.count(),
    )

    out, _ = run(PRESS)

    assert "0 imported, 0 joint merged, 4 already there" in out
    after = (Release.objects.count(), ReleaseSenator.objects.count(), ArchiveSource.objects.count())
    assert after == before == (3, 5, 4)


def test_an_interrupted_run_keeps_whole_batches_and_a_rerun_finishes_it():
    class Interrupted(Exception):
        pass

    def stop_after_first(lines, report):
        raise Interrupted

    with pytest.raises(Interrupted):
        archive_import(paths=[PRESS], batch_size=2, on_batch=stop_after_first)
    # The first batch (Klobuchar's and Heitkamp's postings) is in, whole.
    assert ArchiveSource.objects.count() == 2
    assert ReleaseSenator.objects.count() == 2

    report = archive_import(paths=[PRESS], batch_size=2)

    assert (report.counts["already there"], report.counts["imported"]) == (2, 2)
    assert Release.objects.count() == 3


def test_names_are_matched_to_the_senators_serving_at_the_date():
    run(PRESS)

    parity = Release.objects.get(title__contains="Mental Health Parity")
    # 2008: Ted Kennedy, not John Kennedy of Louisiana (in the Senate from 2017).
    assert parity.quotes.get().senator == Senator.objects.get(bioguide_id="K000105")
    assert set(parity.senators.values_list("bioguide_id", flat=True)) == {"K000367", "K000105"}


def test_the_release_page_says_where_it_was_first_published(client):
    run(PRESS)
    joint = Release.objects.get(body__contains="shelter directors")

    page = client.get(joint.get_absolute_url()).content.decode()

    assert 'Originally published at <a href="https://www.klobuchar.senate.gov/public/' in page
    assert ">klobuchar.senate.gov</a>" in page


def test_the_origin_line_costs_no_query(client):
    run(PRESS)
    joint = Release.objects.get(body__contains="shelter directors")
    url = joint.get_absolute_url()
    client.get(url)  # caches warmed alike for both
    with CaptureQueriesContext(connection) as with_source:
        client.get(url)
    Release.objects.filter(pk=joint.pk).update(source_url="")
    client.get(url)
    with CaptureQueriesContext(connection) as without_source:
        page = client.get(url).content.decode()

    assert "Originally published" not in page
    assert len(with_source) == len(without_source) > 0
