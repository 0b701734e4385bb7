"""`manage.py import_legislators`: the senators roster from unitedstates/congress-legislators."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from people.models import Senator
from people.services import legislators_import
from tests.support import FIXTURES as SUPPORT_FIXTURES
from tests.support import SAMPLE_DATA, needs_sample_data
from tests.support.factories import SenatorFactory

pytestmark = pytest.mark.django_db

FIXTURES = SUPPORT_FIXTURES / "legislators"
YAML = FIXTURES / "legislators.yaml"
SOCIAL = FIXTURES / "social.yaml"
CURRENT = SAMPLE_DATA / "congress-legislators/legislators-current.yaml"
SHARED_SOCIAL = SAMPLE_DATA / "congress-legislators/legislators-social-media.yaml"
needs_shared = needs_sample_data


def run(*files):
    out, err = StringIO(), StringIO()
    call_command("import_legislators", *map(str, files), stdout=out, stderr=err)
    return out.getvalue()


def test_imports_senators_only_with_their_latest_senate_term():
    out = run(YAML)

    assert "legislators.yaml (legislators): 7 created, 0 updated, 0 unchanged, 2 skipped" in out
    assert "1 never senators" in out
    assert "1 party 'Whig' is not D, R or I" in out
    assert set(Senator.objects.values_list("bioguide_id", flat=True)) == {
        "K000367", "C000127", "S000033", "H001069", "M999001", "S999001", "S999002",
    }  # fmt: skip
    klobuchar = Senator.objects.get(bioguide_id="K000367")
    assert str(klobuchar) == "Amy Klobuchar (D-MN)"
    assert (klobuchar.first_name, klobuchar.last_name) == ("Amy", "Klobuchar")
    assert klobuchar.slug == "amy-klobuchar"
    assert klobuchar.website == "https://www.klobuchar.senate.gov"
    assert klobuchar.term_end == date(2031, 1, 3)
    # Party and state from the latest Senate term; a House term after it does not count.
    mover = Senator.objects.get(bioguide_id="M999001")
    assert (mover.party, mover.state, mover.website) == ("D", "WA", "https://www.mover.senate.gov")
    assert (mover.term_start, mover.term_end) == (date(2009, 1, 6), date(2015, 1, 3))
    sanders = Senator.objects.get(bioguide_id="S000033")
    assert (sanders.party, sanders.state, sanders.slug) == ("I", "VT", "bernie-sanders")


def test_term_start_is_the_start_of_unbroken_senate_service():
    legislators_import(paths=[YAML], today=date(2014, 5, 16))
    # Three terms back to back from 2001; a House term before them does not count.
    cantwell = Senator.objects.get(bioguide_id="C000127")
    assert (cantwell.term_start, cantwell.term_end) == (date(2001, 1, 3), date(2019, 1, 3))
    assert Senator.objects.get(bioguide_id="K000367").term_start == date(2007, 1, 4)


@pytest.mark.parametrize(
    "today, in_office",
    [
        (date(2014, 5, 16), {"K000367", "C000127", "S000033", "H001069", "M999001"}),
        (date(2026, 6, 1), {"K000367", "S000033", "S999001", "S999002"}),
        (date(2032, 1, 1), set()),
    ],
)
def test_in_office_is_read_from_the_latest_term_dates(today, in_office):
    legislators_import(paths=[YAML], today=today)
    assert set(Senator.objects.filter(in_office=True).values_list("bioguide_id", flat=True)) == (
        in_office
    )


def test_a_second_run_changes_nothing():
    run(YAML, SOCIAL)
    before = list(Senator.objects.order_by("pk").values())

    out = run(YAML, SOCIAL)

    assert "legislators.yaml (legislators): 0 created, 0 updated, 7 unchanged" in out
    assert "social.yaml (social media): 0 created, 0 updated, 2 unchanged" in out
    assert list(Senator.objects.order_by("pk").values()) == before


def test_upserts_by_bioguide_id_and_keeps_an_existing_slug():
    SenatorFactory(bioguide_id="K000367", first_name="Amy", last_name="K.", slug="amy-k", party="R")
    out = run(YAML)

    assert "6 created, 1 updated" in out
    klobuchar = Senator.objects.get(bioguide_id="K000367")
    assert (klobuchar.last_name, klobuchar.party, klobuchar.slug) == ("Klobuchar", "D", "amy-k")
    assert Senator.objects.filter(last_name="Klobuchar").count() == 1


def test_slugs_are_unique_when_names_collide():
    SenatorFactory(bioguide_id="X000001", first_name="Maria", last_name="C", slug="maria-cantwell")
    run(YAML)

    slugs = dict(Senator.objects.values_list("bioguide_id", "slug"))
    assert slugs["S999001"] == "john-smith"
    assert slugs["S999002"] == "john-smith-or"
    assert slugs["C000127"] == "maria-cantwell-wa"
    assert slugs["X000001"] == "maria-cantwell"


def test_social_media_file_fills_official_accounts_whatever_the_order(client):
    out = run(SOCIAL, YAML)  # accounts reach the senators created by the same run

    assert "social.yaml (social media): 0 created, 2 updated, 0 unchanged, 1 skipped" in out
    assert "1 not senators in the database" in out
    klobuchar = Senator.objects.get(bioguide_id="K000367")
    assert klobuchar.twitter == "SenAmyKlobuchar"
    assert klobuchar.youtube == "UCvdeJsDsV51tFb_hVqvtYGA"
    assert klobuchar.facebook == ""
    sanders = Senator.objects.get(bioguide_id="S000033")
    assert dict(sanders.official_accounts) == {
        "X": "https://x.com/SenSanders",
        "Facebook": "https://www.facebook.com/senatorsanders",
        "YouTube": "https://www.youtube.com/user/senatorsanders",
        "Instagram": "https://www.instagram.com/sensanders",
        "Mastodon": "https://mastodon.social/@SenSanders",
    }

    html = client.get(klobuchar.get_absolute_url()).content.decode()
    assert "Official accounts" in html
    assert 'href="https://x.com/SenAmyKlobuchar"' in html
    assert 'href="https://www.youtube.com/channel/UCvdeJsDsV51tFb_hVqvtYGA"' in html
    html = client.get(Senator.objects.get(bioguide_id="H001069").get_absolute_url()).content
    assert b"Official accounts" not in html


def test_json_variant():
    out = run(FIXTURES / "legislators.json")

    assert "legislators.json (legislators): 2 created" in out
    warner = Senator.objects.get(bioguide_id="W000805")
    assert (str(warner), warner.slug) == ("Mark R. Warner (D-VA)", "mark-warner")
    kaine = Senator.objects.get(bioguide_id="K000384")
    assert (kaine.official_full_name, kaine.slug, kaine.term_start) == (
        "Tim Kaine",
        "tim-kaine",
        date(2013, 1, 3),
    )


def test_csv_variant():
    out = run(FIXTURES / "legislators.csv")

    assert "legislators.csv (legislators CSV): 2 created, 0 updated, 0 unchanged, 1 skipped" in out
    king = Senator.objects.get(bioguide_id="K000383")
    assert (king.party, king.state, king.official_full_name) == ("I", "ME", "Angus S. King, Jr.")
    assert king.in_office
    assert king.website == "https://www.king.senate.gov"
    warner = Senator.objects.get(bioguide_id="W000805")
    assert (warner.twitter, warner.facebook, warner.youtube) == (
        "MarkWarner",
        "MarkRWarner",
        "UCwyivNlEGf4sGd1oDLfY5jw",
    )
    assert not Senator.objects.filter(bioguide_id="R000600").exists()
    assert "0 created, 0 updated, 2 unchanged" in run(FIXTURES / "legislators.csv")


def test_csv_without_the_columns_it_needs_is_reported(tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text("name,state\nAmy Klobuchar,MN\n")
    with pytest.raises(CommandError):
        call_command("import_legislators", str(bad), stdout=StringIO(), stderr=(err := StringIO()))
    assert f"{bad}: not a legislators CSV: no column bioguide_id" in err.getvalue()


def test_bad_records_are_reported_and_the_rest_of_the_file_imports():
    err = StringIO()
    with pytest.raises(CommandError, match="5 file"):
        call_command(
            "import_legislators", str(FIXTURES / "bad-records.yaml"), stdout=StringIO(), stderr=err
        )
    messages = err.getvalue()
    path = FIXTURES / "bad-records.yaml"
    assert f"{path}: record 2: no id.bioguide" in messages
    assert f"{path}: record 3 (B999003): state: Value 'ZZ' is not a valid choice." in messages
    assert f"{path}: record 4 (B999004): a Senate term ends (2019-01-03) before it starts" in (
        messages
    )
    assert f"{path}: record 5 (B999005): term start is not a date: 'January 2021'" in messages
    assert f"{path}: record 6 (b-5): bioguide_id: A Bioguide ID is a capital letter" in messages
    # The good record is in; nothing of the bad ones is.
    assert list(Senator.objects.values_list("bioguide_id", flat=True)) == ["B999001"]


def test_a_malformed_file_is_named_and_the_other_files_import():
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_legislators",
            str(FIXTURES / "broken.yaml"),
            str(YAML),
            str(FIXTURES / "missing.yaml"),
            stdout=StringIO(),
            stderr=err,
        )
    assert f"{FIXTURES / 'broken.yaml'}: not valid YAML (line 4, column 8)" in err.getvalue()
    assert f"{FIXTURES / 'missing.yaml'}: cannot read it" in err.getvalue()
    assert Senator.objects.count() == 7


def test_a_file_of_something_else_is_named(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('[{"title": "not a legislator"}]')
    with pytest.raises(CommandError):
        call_command(
            "import_legislators", str(other), stdout=StringIO(), stderr=(err := StringIO())
        )
    assert "neither `terms` (legislators) nor `social` (accounts)" in err.getvalue()


# The full roster in ../shared/data (CI always has it; there a skip fails the run).


@needs_shared
def test_the_current_roster_imports_all_100_senators_with_party_and_state():
    # A day when every senator in the file was serving (one was appointed in March 2026, two
    # appointees served until November 2026).
    reports = legislators_import(paths=[CURRENT, SHARED_SOCIAL], today=date(2026, 6, 1))

    assert [r.errors for r in reports] == [[], []]
    assert (reports[0].created, reports[0].updated) == (100, 0)
    assert Senator.objects.count() == 100
    assert Senator.objects.filter(in_office=True).count() == 100
    states = Counter(Senator.objects.values_list("state", flat=True))
    assert len(states) == 50 and set(states.values()) == {2}
    parties = Counter(Senator.objects.values_list("party", flat=True))
    assert set(parties) == {"D", "R", "I"} and sum(parties.values()) == 100
    known = {
        "K000367": ("Amy Klobuchar", "D", "MN"),
        "S000033": ("Bernard Sanders", "I", "VT"),
        "K000383": ("Angus S. King, Jr.", "I", "ME"),
        "G000359": ("Lindsey Graham", "R", "SC"),
        "C000127": ("Maria Cantwell", "D", "WA"),
    }
    for bioguide_id, (name, party, state) in known.items():
        senator = Senator.objects.get(bioguide_id=bioguide_id)
        assert (senator.name, senator.party, senator.state) == (name, party, state)
    assert Senator.objects.get(bioguide_id="K000367").term_start == date(2007, 1, 4)
    assert Senator.objects.get(bioguide_id="K000367").twitter == "SenAmyKlobuchar"
    assert Senator.objects.exclude(twitter="").count() >= 80
    assert len(set(Senator.objects.values_list("slug", flat=True))) == 100


@needs_shared
def test_a_second_run_of_the_current_roster_changes_nothing():
    run(CURRENT, SHARED_SOCIAL)
    before = list(Senator.objects.order_by("pk").values())

    out = run(CURRENT, SHARED_SOCIAL)

    assert "legislators-current.yaml (legislators): 0 created, 0 updated, 100 unchanged" in out
    assert "legislators-social-media.yaml (social media): 0 created, 0 updated" in out
    assert list(Senator.objects.order_by("pk").values()) == before
