"""The demo newsroom (`load_demo`) and the local admin login (`ensure_local_admin`)."""

import re
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.eastern import EASTERN
from people.models import Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from sampledata import demo as demo_content
from tests.support import SAMPLE_DATA, needs_sample_data

pytestmark = pytest.mark.django_db


TITLE = (
    "Klobuchar, Heitkamp Join with Local Advocates to Discuss Efforts to Combat Sex "
    "Trafficking in Minnesota and Across the World"
)
MODELS = [Senator, Organization, Topic, Legislation, Release, Quote, ReleaseSenator]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    return Release.objects.get(title=TITLE)


def test_load_demo_is_idempotent():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    assert "Loaded" in out.getvalue()

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == first
    assert "Refreshed" in out.getvalue()
    assert first == {
        "Senator": 2,
        "Organization": 4,
        "Topic": 3,
        "Legislation": 1,
        "Release": 1,
        "Quote": 2,
        "ReleaseSenator": 2,
    }


def test_load_demo_restores_edited_demo_data(demo):
    Release.objects.filter(pk=demo.pk).update(status=Release.Status.DRAFT, dateline="Nowhere")
    demo.quotes.first().delete()
    call_command("load_demo", stdout=StringIO())
    demo.refresh_from_db()
    assert demo.status == Release.Status.PUBLISHED
    assert demo.dateline == "Minneapolis, MN"
    assert demo.quotes.count() == 2


def test_demo_release_is_public_and_dated_may_2014_eastern(demo):
    assert demo.status == Release.Status.PUBLISHED
    assert demo.is_public()
    assert demo in Release.objects.published()
    local = timezone.localtime(demo.published_at, EASTERN)
    assert (local.year, local.month) == (2014, 5)
    assert demo.get_absolute_url().startswith("/releases/2014/05/")


def test_demo_release_text(demo):
    assert demo.dateline == "Minneapolis, MN"
    assert len(demo.highlight_list) == 2
    assert demo.highlight_list[0].startswith("Klobuchar has authored anti-trafficking")
    assert "Boko Haram" in demo.highlight_list[1]
    assert demo.body_html.startswith("<p>U.S. Senators Amy Klobuchar (D-MN) and Heidi Heitkamp")
    assert demo.body_html.count("<p>") == 3


def test_demo_release_senators(demo):
    issuers = list(demo.releasesenator_set.select_related("senator"))
    assert [(i.senator.bioguide_id, i.role) for i in issuers] == [
        ("K000367", ReleaseSenator.Role.LEAD),
        ("H001069", ReleaseSenator.Role.JOINT),
    ]
    klobuchar, heitkamp = (i.senator for i in issuers)
    assert str(klobuchar) == "Amy Klobuchar (D-MN)"
    assert klobuchar.in_office
    assert klobuchar.term_start == date(2007, 1, 4)
    assert str(heitkamp) == "Heidi Heitkamp (D-ND)"
    assert not heitkamp.in_office
    assert (heitkamp.term_start, heitkamp.term_end) == (date(2013, 1, 3), date(2019, 1, 3))


def test_demo_quotes_are_attributed_to_the_right_senators(demo):
    quotes = list(demo.quotes.select_related("senator"))
    assert len(quotes) == 2
    assert quotes[0].senator.bioguide_id == "K000367"
    assert quotes[0].text.startswith("Minnesota is tackling")
    assert quotes[0].attribution == "Amy Klobuchar (D-MN)"
    assert quotes[1].senator.bioguide_id == "H001069"
    assert quotes[1].text.startswith("Senator Klobuchar and I")
    assert quotes[1].attribution == "Heidi Heitkamp (D-ND)"


def test_demo_legislation(demo):
    bill = demo.legislation.get()
    assert bill.bill_id == "s1733-113"
    assert str(bill) == "S. 1733 (113th Congress)"
    assert bill.short_title == "Stop Exploitation Through Trafficking Act of 2013"
    assert bill.sponsor.bioguide_id == "K000367"
    assert list(bill.cosponsors.values_list("bioguide_id", flat=True)) == ["H001069"]
    assert bill.introduced_on == date(2013, 11, 19)
    assert bill.congress_gov_url == "https://www.congress.gov/bill/113th-congress/senate-bill/1733"


def test_demo_organizations(demo):
    kinds = dict(demo.organizations.values_list("name", "kind"))
    assert set(kinds) == {
        "Minnesota Indian Women’s Resource Center",
        "Boko Haram",
        "United Nations",
        "Job Corps",
    }
    assert kinds["Minnesota Indian Women’s Resource Center"] == Organization.Kind.NONPROFIT
    assert kinds["United Nations"] == Organization.Kind.INTERNATIONAL_BODY
    # Job Corps is a federal program of the Department of Labor; Boko Haram is no nonprofit.
    assert kinds["Job Corps"] == Organization.Kind.GOVERNMENT_AGENCY
    assert kinds["Boko Haram"] == Organization.Kind.OTHER


def test_demo_topics(demo):
    assert set(demo.topics.values_list("name", flat=True)) == {
        "Human trafficking",
        "Tribal communities",
        "Foreign affairs",
    }


def test_demo_release_page(client, demo):
    response = client.get(demo.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert TITLE in html
    assert "Minnesota is tackling the challenge of sex trafficking" in html
    assert "Senator Klobuchar and I have worked closely on this issue" in html
    assert "S. 1733" in html
    assert "Minneapolis, MN" in html


# ensure_local_admin


def test_ensure_local_admin_creates_a_superuser_who_can_log_in(client, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("ensure_local_admin", stdout=out)
    password = re.search(r"password: (\S+)", out.getvalue())[1]

    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff and user.is_active
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200


def test_ensure_local_admin_resets_the_password(settings):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()
    call_command("ensure_local_admin", stdout=first)
    call_command("ensure_local_admin", stdout=second)
    old = re.search(r"password: (\S+)", first.getvalue())[1]
    new = re.search(r"password: (\S+)", second.getvalue())[1]

    assert old != new
    assert get_user_model().objects.filter(username="admin").count() == 1
    user = get_user_model().objects.get(username="admin")
    assert user.check_password(new)
    assert not user.check_password(old)


def test_ensure_local_admin_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("ensure_local_admin", stdout=StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()


SAMPLE = SAMPLE_DATA / "releases/klobuchar-heitkamp-sex-trafficking-2014.txt"


@needs_sample_data
def test_demo_content_is_the_sample_release_word_for_word():
    """The shipped demo copies the sample; every paragraph of it is in the original."""
    original = " ".join(SAMPLE.read_text(encoding="utf-8").split())
    for highlight in demo_content.HIGHLIGHTS.splitlines():
        assert highlight in original
    assert f"{demo_content.DATELINE} – {demo_content.BODY.split(chr(10))[0]}" in original
    for paragraph in demo_content.BODY.split("\n\n")[1:]:
        assert paragraph in original
    for _, text in demo_content.QUOTES:
        first_sentence = text.split(". ")[0].rstrip(".")
        assert f"“{first_sentence}," in original
