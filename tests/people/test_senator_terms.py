"""Senators' Senate terms: filled by `import_legislators`, used to match names by date."""

from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command

from core.eastern import EASTERN
from importing.services import RecognizersByDay
from people.models import Senator, Term
from people.services import legislators_import
from releases.models import Release
from tests.support import FIXTURES
from tests.support.factories import SenatorFactory

pytestmark = pytest.mark.django_db

HISTORICAL = FIXTURES / "legislators/legislators-historical.yaml"


@pytest.fixture
def senators():
    legislators_import(paths=[HISTORICAL], today=date(2026, 1, 1))
    return {s.bioguide_id: s for s in Senator.objects.all()}


def test_every_senate_term_is_recorded(senators):
    terms = list(
        senators["K000367"].terms.values_list("start", "end", "state", "party", "senate_class")
    )
    assert terms[0] == (date(2007, 1, 4), date(2013, 1, 3), "MN", "D", 1)
    assert len(terms) == 4
    assert Term.objects.filter(senator=senators["W000288"]).count() == 2


def test_a_second_import_leaves_the_terms_and_reports_unchanged(senators):
    ids = set(Term.objects.values_list("pk", flat=True))

    [report] = legislators_import(paths=[HISTORICAL], today=date(2026, 1, 1))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert set(Term.objects.values_list("pk", flat=True)) == ids


def test_a_changed_term_updates_the_senator(senators, tmp_path):
    changed = tmp_path / "legislators-historical.yaml"
    changed.write_text(HISTORICAL.read_text().replace("end: '2002-10-25'", "end: '2002-10-26'"))

    [report] = legislators_import(paths=[changed], today=date(2026, 1, 1))

    assert (report.updated, report.unchanged) == (1, 5)
    assert senators["W000288"].terms.last().end == date(2002, 10, 26)


def test_served_on_and_serving_on(senators):
    wellstone, rand_paul = senators["W000288"], senators["P000603"]
    assert wellstone.served_on(date(2001, 6, 1))
    assert not wellstone.served_on(date(2003, 1, 1))
    assert not rand_paul.served_on(date(2001, 6, 1))
    assert set(
        Senator.objects.serving_on(date(2001, 6, 1)).values_list("bioguide_id", flat=True)
    ) == {"W000288"}
    serving = Senator.objects.serving_on(date(2015, 6, 1))
    assert set(serving.values_list("bioguide_id", flat=True)) == {"P000603", "H001069", "K000367"}


def test_a_senator_without_terms_is_judged_by_term_start_and_end():
    hand_made = SenatorFactory(term_start=date(2013, 1, 3), term_end=None)
    assert hand_made.served_on(date(2020, 1, 1))
    assert not hand_made.served_on(date(2012, 1, 1))
    assert list(Senator.objects.serving_on(date(2020, 1, 1))) == [hand_made]
    assert not Senator.objects.serving_on(date(2012, 1, 1)).exists()


def release_file(tmp_path, name, day, text):
    path = tmp_path / f"{name}.txt"
    path.write_text(f"A Release About {name.title()}\n\n{day:%B %-d, %Y}\n\n{text}\n\n###\n")
    return path


def import_releases(*args):
    out = StringIO()
    call_command("import_releases", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("day", "quoted"),
    [(date(2008, 3, 10), "K000105"), (date(2018, 3, 12), "K000393")],
)
def test_import_releases_matches_names_by_term(senators, tmp_path, day, quoted):
    path = release_file(
        tmp_path, "parity", day,
        "Washington, D.C. – U.S. Senator Amy Klobuchar today spoke about parity.\n\n"
        "“Families should not go broke,” Senator Kennedy said.",
    )  # fmt: skip

    import_releases(path)

    assert Release.objects.get().quotes.get().senator.bioguide_id == quoted


def test_a_senator_not_yet_serving_is_not_linked(senators, tmp_path):
    path = release_file(
        tmp_path, "farms", date(2001, 6, 1),
        "St. Paul, MN – U.S. Senator Paul Wellstone (D-MN) today met with farmers.\n\n"
        "“Farmers need a fair price,” Senator Paul said.",
    )  # fmt: skip

    import_releases(path)

    release = Release.objects.get()
    assert list(release.senators.values_list("bioguide_id", flat=True)) == ["W000288"]
    assert release.quotes.get().senator is None  # Rand Paul came to the Senate in 2011


def test_import_releases_for_a_senators_archive_published_at_the_dates(senators, tmp_path):
    path = release_file(
        tmp_path, "shelters", date(2014, 5, 16),
        "Fargo, ND – U.S. Senator Heidi Heitkamp (D-ND) today visited shelters.",
    )  # fmt: skip

    import_releases(path, "--senator", "K000367", "--publish")

    release = Release.objects.get()
    assert release.status == Release.Status.PUBLISHED
    assert release.published_at == datetime.combine(date(2014, 5, 16), time(12), tzinfo=EASTERN)
    issuers = [
        (r.senator.bioguide_id, r.role) for r in release.releasesenator_set.order_by("order")
    ]
    assert issuers == [("K000367", "lead"), ("H001069", "joint")]
    assert "0 created, 0 updated, 1 unchanged" in import_releases(
        path, "--senator", "K000367", "--publish"
    )


def test_without_publish_the_import_stays_a_draft(senators, tmp_path):
    path = release_file(
        tmp_path, "shelters", date(2014, 5, 16),
        "Fargo, ND – U.S. Senator Heidi Heitkamp (D-ND) today visited shelters.",
    )  # fmt: skip

    import_releases(path, "--senator", "K000367")

    assert Release.objects.get().status == Release.Status.DRAFT


def test_one_recognizer_per_stretch_of_days_with_the_same_senators(senators):
    recognizers = RecognizersByDay()

    in_2014 = recognizers.for_day(date(2014, 5, 16))
    assert recognizers.for_day(date(2014, 9, 1)) is in_2014  # no term began or ended
    assert recognizers.for_day(date(2019, 6, 1)) is not in_2014  # Heitkamp left
    assert {s.bioguide_id for s in in_2014.senators} == {"K000367", "H001069", "P000603"}
    assert len(recognizers.for_day(None).senators) == 6  # no date: every senator
