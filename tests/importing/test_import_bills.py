"""`manage.py import_bills`: unitedstates/congress data.json files to bills, upserted by bill
ID; then releases that name a bill by its title are linked to it, and listed under it."""

import json
import shutil
from datetime import date
from io import StringIO

import feedparser
import pytest
from django.core.management import CommandError, call_command

from releases.models import Legislation, Release
from releases.services import release_publish
from tests.support import FIXTURES
from tests.support.data import heitkamp, klobuchar
from tests.support.factories import SenatorFactory, UserFactory

pytestmark = pytest.mark.django_db

BILLS = FIXTURES / "bills"
BAD = FIXTURES / "bills-bad"
S1733 = BILLS / "data/113/bills/s/s1733/data.json"
NAME = "Stop Exploitation Through Trafficking Act"


def run(*paths, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("import_bills", *map(str, paths), stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def run_failing(*paths):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_bills", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def senators():
    return klobuchar(), heitkamp()


def test_a_folder_of_bills_imports_each_data_json(senators):
    amy, heidi = senators
    out, _ = run(BILLS)

    assert "3 created, 0 updated, 0 unchanged, 0 failed" in out
    s1733 = Legislation.objects.get(bill_id="s1733-113")
    assert (s1733.bill_type, s1733.number, s1733.congress) == ("s", 1733, 113)
    assert s1733.short_title == f"{NAME} of 2013"
    assert s1733.official_title.startswith("A bill to combat trafficking")
    assert s1733.sponsor == amy
    # Crapo is no senator here; Shaheen withdrew.
    assert list(s1733.cosponsors.all()) == [heidi]
    assert s1733.introduced_on == date(2013, 11, 19)
    assert s1733.status == Legislation.Status.INTRODUCED  # REFERRED
    assert s1733.summary.startswith("Stop Exploitation Through Trafficking Act of 2013 - ")
    hr3610 = Legislation.objects.get(bill_id="hr3610-113")
    assert hr3610.sponsor is None  # Representative Paulsen: no senator
    s2599 = Legislation.objects.get(bill_id="s2599-113")
    assert s2599.status == Legislation.Status.PASSED_SENATE
    assert list(s2599.cosponsors.all()) == [amy]


def test_members_who_are_not_senators_here_are_counted(senators):
    out, _ = run(BILLS, verbosity=2)
    # Paulsen and Murphy (House), Crapo and Cornyn (senators not imported).
    assert "4 sponsors or cosponsors are not senators in the newsroom" in out
    assert "not senators in the newsroom: C000880, C001056, M001151, P000594" in out


def test_a_second_run_changes_nothing(senators):
    run(BILLS)
    before = list(Legislation.objects.values())
    out, _ = run(BILLS)
    assert "0 created, 0 updated, 3 unchanged, 0 failed" in out
    assert list(Legislation.objects.values()) == before


def test_a_changed_file_updates_its_bill(senators, tmp_path):
    run(BILLS)
    data = json.loads(S1733.read_text())
    data["status"] = "ENACTED:SIGNED"
    data["cosponsors"] = []
    changed = tmp_path / "data.json"
    changed.write_text(json.dumps(data))

    out, _ = run(changed)
    assert "0 created, 1 updated, 0 unchanged" in out
    bill = Legislation.objects.get(bill_id="s1733-113")
    assert bill.status == Legislation.Status.ENACTED
    assert not bill.cosponsors.exists()


def test_a_summary_staff_wrote_is_kept(senators):
    Legislation.objects.create(bill_type="s", number=1733, congress=113, summary="Ours.")
    run(S1733)
    assert Legislation.objects.get(bill_id="s1733-113").summary == "Ours."


def test_bad_files_are_named_and_skipped(senators, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(BILLS / "data", folder)
    (folder / "113/bills/s/s1/data.json").parent.mkdir(parents=True)
    (folder / "113/bills/s/s1/data.json").write_text('{"bill_type": "s", "number": "one"}')

    out, err = run_failing(folder, BAD / "broken.json", BAD / "wrong-type.json", tmp_path / "no")

    assert "3 created, 0 updated, 0 unchanged, 4 failed" in out
    assert f"{folder}/113/bills/s/s1/data.json: number: 'one' is not a positive whole number" in err
    assert f"{BAD / 'broken.json'}: not JSON" in err
    assert f"{BAD / 'wrong-type.json'}: bill_type: 'bill' is not one of hr, s," in err
    assert f"{tmp_path / 'no'}: no such file or folder" in err
    assert Legislation.objects.count() == 3


def test_a_file_whose_id_disagrees_with_its_fields_is_refused(senators, tmp_path):
    data = json.loads(S1733.read_text())
    data["bill_id"] = "s1734-113"
    wrong = tmp_path / "data.json"
    wrong.write_text(json.dumps(data))
    _, err = run_failing(wrong)
    assert "bill_id: 's1734-113' is not s 1733 of 113" in err
    assert not Legislation.objects.exists()


# Releases that name the bills by title


def release_file(tmp_path, name, lead, body):
    path = tmp_path / f"{name}.txt"
    path.write_text(
        f"Senators Push to End Trafficking\n\nMay 16, 2014\n\n"
        f"WASHINGTON, D.C. – {lead}\n\n{body}\n\n###\n"
    )
    return path


def import_release(path):
    out = StringIO()
    call_command("import_releases", str(path), stdout=out, stderr=StringIO())
    return Release.objects.get(import_key__gt="", title__startswith="Senators Push"), out


def test_an_imported_release_links_its_senators_bill_by_title(senators, tmp_path):
    run(BILLS)
    path = release_file(
        tmp_path, "klobuchar",
        "U.S. Senator Amy Klobuchar (D-MN) today pressed for her bill.",
        f"The {NAME} is modeled after Minnesota’s Safe Harbor laws.",
    )  # fmt: skip
    release, _ = import_release(path)
    assert [b.bill_id for b in release.legislation.all()] == ["s1733-113"]


def test_a_shared_title_no_issuer_is_on_is_noted_not_linked(senators, tmp_path):
    run(BILLS)
    SenatorFactory(bioguide_id="W000805", first_name="Mark", last_name="Warner",
                   official_full_name="Mark R. Warner")  # fmt: skip
    path = release_file(
        tmp_path, "warner",
        "U.S. Senator Mark R. Warner (D-VA) today spoke on trafficking.",
        f"Warner supports the {NAME}.",
    )  # fmt: skip
    out = StringIO()
    call_command("import_releases", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert (
        f"“{NAME}” is H.R. 3610, S. 1733 or S. 2599 (113th Congress): not linked" in out.getvalue()
    )
    release, _ = import_release(path)
    assert not release.legislation.exists()


def test_a_release_linked_by_title_is_in_the_bills_feed_and_api(senators, tmp_path, client):
    run(BILLS)
    path = release_file(
        tmp_path, "klobuchar",
        "U.S. Senator Amy Klobuchar (D-MN) today pressed for her bill.",
        f"The {NAME} would treat minors sold for sex as victims.",
    )  # fmt: skip
    release, _ = import_release(path)
    release_publish(release=release, by=UserFactory(is_superuser=True))

    feed = feedparser.parse(client.get("/releases/feed/rss/?legislation=s1733-113").content)
    assert [e.title for e in feed.entries] == [release.title]
    other = feedparser.parse(client.get("/releases/feed/rss/?legislation=s2599-113").content)
    assert other.entries == []
    api = client.get("/api/v1/releases/?legislation=s1733-113").json()
    assert [r["title"] for r in api["results"]] == [release.title]
    page = client.get("/legislation/s1733-113/").content.decode()
    assert release.title in page
