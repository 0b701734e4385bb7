"""Bills named by short title ("the Stop Exploitation Through Trafficking Act"): matched with
or without their year, in any case, in the Congresses of the release's date; a name several
bills share settled by who issues the release, else every bill offered, never one guessed."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from releases.bill_titles import bills_named, congresses_for
from releases.models import Legislation
from releases.models.subjects import title_key
from tests.support.data import built_once, heitkamp, klobuchar
from tests.support.factories import (
    LegislationFactory,
    ReleaseFactory,
    SenatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Stop Exploitation Through Trafficking Act"
MAY_2014 = date(2014, 5, 16)


def build_bills():
    """The three bills of one name (113th Congress), their sponsors, and an older namesake."""
    amy, heidi = klobuchar(), heitkamp()
    cornyn = SenatorFactory(bioguide_id="C001056", last_name="Cornyn", slug="john-cornyn")
    s1733 = LegislationFactory(
        bill_type="s", number=1733, short_title=f"{NAME} of 2013", sponsor=amy
    )
    s1733.cosponsors.add(heidi)
    hr3610 = LegislationFactory(bill_type="hr", number=3610, short_title=f"{NAME} of 2013")
    s2599 = LegislationFactory(
        bill_type="s", number=2599, short_title=f"{NAME} of 2014", sponsor=cornyn
    )
    s2599.cosponsors.add(amy)
    older = LegislationFactory(bill_type="s", number=99, congress=111, short_title=NAME)
    safe = LegislationFactory(bill_type="s", number=5, short_title="SAFE Act of 2014")
    return SimpleNamespace(
        amy=amy, heidi=heidi, cornyn=cornyn, s1733=s1733, hr3610=hr3610, s2599=s2599,
        older=older, safe=safe, all=[hr3610, s1733, s2599],
    )  # fmt: skip


bills = built_once(build_bills)


def named(text, day=MAY_2014, issuers=(), cited=()):
    """{title key: (the bill linked, every bill of the name)} for `text`."""
    return {
        m.key: (m.bill, m.bills)
        for m in bills_named(
            text, day=day, issuer_ids={s.pk for s in issuers}, cited_ids={b.pk for b in cited}
        )
    }


@pytest.mark.parametrize(
    "title",
    [
        "Stop Exploitation Through Trafficking Act of 2013",
        "the stop exploitation through trafficking act",
        "The STOP Exploitation  Through Trafficking Act, 2013",
    ],
)
def test_a_title_is_compared_without_case_punctuation_the_or_year(title):
    assert title_key(title) == "stop exploitation through trafficking act"


def test_a_saved_bill_keeps_its_title_key(bills):
    assert Legislation.objects.get(pk=bills.s2599.pk).title_key == title_key(NAME)


def test_the_issuers_own_bill_is_linked_by_its_name_without_the_year(bills):
    text = f"Klobuchar introduced the {NAME}, cosponsored by Heitkamp."
    assert named(text, issuers=[bills.amy, bills.heidi]) == {
        title_key(NAME): (bills.s1733, bills.all)
    }


def test_the_name_matches_in_any_case(bills):
    linked, _ = named(f"the {NAME.lower()} passed", issuers=[bills.amy])[title_key(NAME)]
    assert linked == bills.s1733


@pytest.mark.parametrize("possessive", ["’s", "'s"])
def test_the_acts_possessive_names_it(bills, possessive):
    text = f"The {NAME}{possessive} sponsors met survivors."
    linked, _ = named(text, issuers=[bills.amy])[title_key(NAME)]
    assert linked == bills.s1733


def test_the_year_named_picks_the_bill_of_that_year(bills):
    linked, _ = named(f"The {NAME} of 2014 passed the Senate.")[title_key(NAME)]
    assert linked == bills.s2599


def test_a_shared_name_with_no_issuer_of_them_links_none_and_offers_all(bills):
    outsider = SenatorFactory()
    assert named(f"The {NAME}.", issuers=[outsider]) == {title_key(NAME): (None, bills.all)}


def test_the_bill_an_issuer_sponsors_wins_over_one_they_cosponsor(bills):
    # Klobuchar sponsors S. 1733 and cosponsors S. 2599.
    linked, _ = named(f"The {NAME}.", issuers=[bills.amy])[title_key(NAME)]
    assert linked == bills.s1733


def test_a_cosponsor_alone_settles_the_name(bills):
    linked, _ = named(f"The {NAME}.", issuers=[bills.heidi])[title_key(NAME)]
    assert linked == bills.s1733
    linked, _ = named(f"The {NAME}.", issuers=[bills.cornyn])[title_key(NAME)]
    assert linked == bills.s2599


def test_a_citation_in_the_same_text_settles_the_name(bills):
    text = f"The {NAME} (H.R. 3610) passed the House."
    linked, _ = named(text, issuers=[bills.amy], cited=[bills.hr3610])[title_key(NAME)]
    assert linked == bills.hr3610


@pytest.mark.parametrize(
    "text",
    [
        "The Unstop Exploitation Through Trafficking Act",  # a longer first word
        "Stop Exploitation Through Trafficking Actions",  # a longer last word
        "Stop Exploitation Through Traffickers Act",
        "the UNSAFE Act and a safeact",
    ],
)
def test_no_match_on_part_of_a_word(bills, text):
    assert named(text, issuers=[bills.amy]) == {}


def test_a_short_title_inside_a_longer_phrase_matches(bills):
    assert named("the bipartisan SAFE Act, which")[title_key("SAFE Act")] == (
        bills.safe,
        [bills.safe],
    )


def test_only_the_congress_of_the_date_is_searched(bills):
    assert named(f"The {NAME}.", day=date(2016, 5, 1)) == {}
    linked, _ = named(f"The {NAME}.", day=date(2009, 6, 1))[title_key(NAME)]
    assert linked == bills.older


def test_in_january_of_a_new_congress_the_last_one_counts_too(bills):
    assert congresses_for(date(2015, 1, 20)) == [114, 113]
    assert congresses_for(date(2015, 2, 1)) == [114]
    assert congresses_for(date(2014, 1, 20)) == [113]  # the second session: same Congress
    linked, _ = named(f"The {NAME}.", day=date(2015, 1, 20), issuers=[bills.amy])[title_key(NAME)]
    assert linked == bills.s1733


def test_without_a_date_every_congress_is_searched_and_nothing_guessed(bills):
    linked, every = named(f"The {NAME}.", day=None, issuers=[bills.heidi])[title_key(NAME)]
    assert linked == bills.s1733  # the one bill Heitkamp is on, in any Congress
    assert bills.older in every


def test_the_lookup_is_bounded(bills, django_assert_num_queries):
    acts = " ".join(f"word{n} Act" for n in range(500))
    with django_assert_num_queries(2):  # the titles, then the shared names' cosponsors
        found = named(f"The {NAME}. {acts}", issuers=[bills.amy])
    assert found[title_key(NAME)][0] == bills.s1733
    with django_assert_num_queries(1):
        assert named(f"{acts} the {NAME}", issuers=[bills.amy]) == {}  # past 200 "Act"s
    with django_assert_num_queries(0):
        assert named("No bill is named here.") == {}


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def change_form(staff_client, release):
    return staff_client.get(f"/admin/releases/release/{release.pk}/change/").content.decode()


def offered(html, bill):
    return f'name="cited_bills" value="{bill.pk}"' in html


def test_the_release_form_offers_the_issuers_bill_named_by_title(staff_client, bills):
    release = ReleaseFactory(
        body=f"Klobuchar's {NAME} would help.", senators=[bills.amy],
        published_at=datetime(2014, 5, 16, 16, tzinfo=UTC),
    )  # fmt: skip
    html = change_form(staff_client, release)
    assert offered(html, bills.s1733)
    assert not offered(html, bills.hr3610) and not offered(html, bills.s2599)


def test_the_release_form_offers_every_bill_of_a_name_it_cannot_settle(staff_client, bills):
    release = ReleaseFactory(
        body=f"The {NAME} would help.", senators=[SenatorFactory()],
        published_at=datetime(2014, 5, 16, 16, tzinfo=UTC),
    )  # fmt: skip
    html = change_form(staff_client, release)
    assert all(offered(html, bill) for bill in bills.all)
    assert "is H.R. 3610, S. 1733 or S. 2599 (113th Congress): tick the one" in html
    # Each told apart by its title and sponsor.
    assert f"S. 1733 (113th Congress): {NAME} of 2013, sponsored by Amy Klobuchar" in html


def test_the_release_form_offers_nothing_once_one_of_the_name_is_linked(staff_client, bills):
    release = ReleaseFactory(
        body=f"The {NAME} would help.", senators=[SenatorFactory()], legislation=[bills.hr3610],
        published_at=datetime(2014, 5, 16, 16, tzinfo=UTC),
    )  # fmt: skip
    html = change_form(staff_client, release)
    assert not any(offered(html, bill) for bill in bills.all)
