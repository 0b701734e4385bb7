"""A bill's address, written any way people write its ID, leads to the one address
/legislation/s1733-113/ (a 301), and so does the API's record."""

from urllib.parse import quote

import pytest

from releases.bill_ids import canonical_bill_id
from tests.support.factories import LegislationFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

FORMS = [
    "s1733-113",
    "S1733-113",
    "113-s-1733",  # congress.gov's order
    "S. 1733 (113th)",
    "S. 1733 (113th Congress)",
    "S.1733-113",
    "s-1733-113",
    "s 1733-113",
]


@pytest.mark.parametrize("written", FORMS)
def test_every_form_reads_as_the_bill_id(written):
    assert canonical_bill_id(written) == "s1733-113"


@pytest.mark.parametrize(
    ("written", "bill_id"),
    [
        ("H.R. 3610 (113th)", "hr3610-113"),
        ("113-hr-3610", "hr3610-113"),
        ("H.Res.12-113", "hres12-113"),
        ("H. J. Res. 5 (114th Congress)", "hjres5-114"),
        ("sconres7-113", "sconres7-113"),
    ],
)
def test_other_bill_types_read_too(written, bill_id):
    assert canonical_bill_id(written) == bill_id


@pytest.mark.parametrize(
    "written",
    ["s1733", "1733-113", "x1733-113", "s0-113", "s1733-0", "113-s", "S. 1733", "s1733-113-5",
     "<script>", "s" * 500],
)  # fmt: skip
def test_what_names_no_bill_reads_as_none(written):
    assert canonical_bill_id(written) is None


@pytest.fixture
def bill():
    return LegislationFactory(bill_type="s", number=1733, congress=113)


@pytest.mark.parametrize("written", FORMS[1:])
def test_the_page_redirects_permanently_in_one_query(
    client, bill, written, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(f"/legislation/{written}/")
    assert response.status_code == 301
    assert response["Location"] == "/legislation/s1733-113/"


def test_the_redirect_keeps_the_query_string(client, bill):
    response = client.get("/legislation/113-s-1733/?older=1")
    assert response["Location"] == "/legislation/s1733-113/?older=1"


def test_the_canonical_address_answers(client, bill):
    response = client.get("/legislation/s1733-113/")
    assert response.status_code == 200
    assert "S. 1733" in response.content.decode()


def test_a_form_of_a_bill_the_newsroom_lacks_is_not_found(client, bill, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/legislation/113-s-1734/").status_code == 404
    with django_assert_num_queries(0):
        assert client.get("/legislation/not-a-bill/").status_code == 404
    assert client.get("/legislation/s1734-113/").status_code == 404


@pytest.mark.parametrize("written", ["113-s-1733", "S.1733-113", "S. 1733 (113th)"])
def test_the_api_redirects_to_the_record(client, bill, written, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/legislation/{written}/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/legislation/s1733-113/"
    record = client.get(response["Location"])
    assert record.status_code == 200
    assert record.json()["bill_id"] == "s1733-113"


def test_the_api_answers_404_for_no_bill(client, bill):
    assert client.get("/api/v1/legislation/113-s-1734/").status_code == 404
    assert client.get("/api/v1/legislation/nonsense/").status_code == 404


@pytest.fixture
def about_the_bill(bill):
    """A public release about the bill, and one about nothing."""
    about = ReleaseFactory(title="Trafficking bill introduced")
    about.legislation.add(bill)
    ReleaseFactory(title="Harbor funds")
    return about


@pytest.mark.parametrize("written", ["113-s-1733", "S. 1733 (113th)", "S.1733-113"])
@pytest.mark.parametrize(
    "address",
    ["/releases/?legislation={}", "/releases/feed/rss/?legislation={}",
     "/api/v1/releases/?legislation={}"],
)  # fmt: skip
def test_the_list_feed_and_api_filter_by_any_form(client, about_the_bill, address, written):
    response = client.get(address.format(quote(written)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Trafficking bill introduced" in page and "Harbor funds" not in page
