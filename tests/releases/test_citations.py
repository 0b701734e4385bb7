"""Bills cited in a release's text are found and offered to staff for linking in the admin."""

from datetime import UTC, datetime

import pytest

from releases.citations import bill_citations, release_citations
from tests.support.factories import LegislationFactory, ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_citations_in_the_forms_releases_write():
    text = (
        "Klobuchar's bill, S. 1733, and its House companion H.R. 3610 — with S.Res. 12, "
        "H. J. Res. 5 and S. 1733 again — but not U.S. 20 or section 5."
    )
    assert bill_citations(text) == [("s", 1733), ("hr", 3610), ("sres", 12), ("hjres", 5)]


def test_release_citations_use_the_congress_of_the_release_date():
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113)
    LegislationFactory(bill_type="s", number=1733, congress=118)  # same number, other Congress
    release = ReleaseFactory(
        body="S. 1733 and H.R. 3610.", published_at=datetime(2014, 5, 16, 16, tzinfo=UTC)
    )
    found = {c.text: c.bill for c in release_citations(release)}
    assert found == {"S. 1733 (113th Congress)": s1733, "H.R. 3610 (113th Congress)": None}


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def test_the_change_form_offers_cited_bills_and_names_missing_ones(staff_client):
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113)
    release = ReleaseFactory(
        body="Klobuchar's S. 1733 and the House's H.R. 3610.",
        published_at=datetime(2014, 5, 16, 16, tzinfo=UTC),
    )
    html = staff_client.get(f"/admin/releases/release/{release.pk}/change/").content.decode()
    assert f'name="cited_bills" value="{s1733.pk}"' in html
    assert "H.R. 3610 (113th Congress)" in html  # named as missing from the newsroom


def test_ticking_a_cited_bill_links_it(staff_client):
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113)
    release = ReleaseFactory(body="S. 1733.", published_at=datetime(2014, 5, 16, 16, tzinfo=UTC))
    url = f"/admin/releases/release/{release.pk}/change/"
    response = staff_client.get(url)
    form = response.context["adminform"].form
    data = {
        name: form[name].value() or ""
        for name in ["title", "slug", "highlights", "dateline", "body", "status"]
    }
    data.update(
        {
            "published_at_0": "2014-05-16",
            "published_at_1": "12:00:00",
            "cited_bills": [s1733.pk],
            "releasesenator_set-TOTAL_FORMS": "1",
            "releasesenator_set-INITIAL_FORMS": "0",
            "releasesenator_set-0-senator": UserFactory and "",
        }
    )
    # A release needs its lead senator; make one through the factory's own senator.
    from tests.support.factories import SenatorFactory

    senator = SenatorFactory()
    data.update(
        {
            "releasesenator_set-0-senator": senator.pk,
            "releasesenator_set-0-role": "lead",
            "releasesenator_set-0-order": "0",
            "quotes-TOTAL_FORMS": "0",
            "quotes-INITIAL_FORMS": "0",
            "opened_version": form["opened_version"].value(),
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(release.legislation.all()) == [s1733]
    # Once linked, it is no longer offered.
    html = staff_client.get(url).content.decode()
    assert f'name="cited_bills" value="{s1733.pk}"' not in html
