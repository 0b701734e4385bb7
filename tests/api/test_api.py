"""The read-only JSON API at /api/v1/ and its bulk export: records, filters, pagination,
bad parameters, the publication rule, query counts, and the OpenAPI schema it answers to.
"""

import csv
import html
import io
import json
import re
from base64 import b64encode
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.eastern import EASTERN
from releases.models import Quote, Release, ReleaseSenator
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.html_helpers import listed_titles

pytestmark = pytest.mark.django_db

API = "/api/v1"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")

JOINT = "Klobuchar, Heitkamp join advocates against sex trafficking"
FOREIGN = "Klobuchar urges action on foreign aid"
HOUSE = "Heitkamp backs House trafficking bill"
BUDGET = "Collins statement on the budget"
DRAFT = "Secret draft on trafficking"
EMBARGOED = "Embargoed trafficking announcement"
# Newest first, as every list orders them.
PUBLIC = [BUDGET, HOUSE, JOINT, FOREIGN]


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """Built once for the module (each test's changes roll back to it), and rolled back
    after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_newsroom()
        transaction.set_rollback(True)


def build_newsroom():
    """Four public releases (2013-2015), a draft and an embargoed one, all on one senator,
    topic, bill and organization at least, so each could leak through any filter."""
    amy = SenatorFactory(
        bioguide_id="K000367", first_name="Amy", last_name="Klobuchar",
        official_full_name="Amy Klobuchar", slug="amy-klobuchar", state="MN",
    )  # fmt: skip
    heidi = SenatorFactory(
        bioguide_id="H001069", first_name="Heidi", last_name="Heitkamp",
        slug="heidi-heitkamp", state="ND", in_office=False,
    )  # fmt: skip
    susan = SenatorFactory(
        bioguide_id="C001035", first_name="Susan", last_name="Collins",
        slug="susan-collins", party="R", state="ME",
    )  # fmt: skip
    trafficking = TopicFactory(name="Human trafficking", slug="human-trafficking")
    foreign = TopicFactory(name="Foreign affairs", slug="foreign-affairs")
    s1733 = LegislationFactory(
        bill_type="s", number=1733, congress=113, sponsor=amy,
        short_title="Stop Exploitation Through Trafficking Act of 2013",
    )  # fmt: skip
    s1733.cosponsors.set([heidi])
    hr3610 = LegislationFactory(bill_type="hr", number=3610, congress=113)
    un = OrganizationFactory(
        name="United Nations", slug="united-nations", kind="international_body"
    )
    center = OrganizationFactory(
        name="Minnesota Indian Women’s Resource Center",
        slug="minnesota-indian-womens-resource-center",
    )
    joint = ReleaseFactory(
        title=JOINT, slug="klobuchar-heitkamp-trafficking",
        published_at=datetime(2014, 5, 16, 12, 0, tzinfo=EASTERN),
        highlights="• Safe Harbor for children\n\n• International action",
        dateline="Minneapolis, MN",
        senators=[amy, heidi], topics=[trafficking], legislation=[s1733],
        organizations=[un, center],
    )  # fmt: skip
    QuoteFactory(release=joint, senator=amy, text="Amy's words.", order=0)
    QuoteFactory(release=joint, senator=heidi, text="Heidi's words.", order=1)
    QuoteFactory(
        release=joint, senator=None, speaker_name="Jane Advocate", speaker_title="Director",
        speaker_organization=center, text="An advocate's words.", order=2,
    )  # fmt: skip
    foreign_aid = ReleaseFactory(
        title=FOREIGN, published_at=datetime(2013, 3, 1, 9, 0, tzinfo=EASTERN),
        senators=[amy], topics=[foreign], organizations=[un],
    )  # fmt: skip
    house = ReleaseFactory(
        title=HOUSE, published_at=datetime(2014, 7, 1, 9, 0, tzinfo=EASTERN),
        senators=[heidi], topics=[trafficking], legislation=[hr3610],
    )  # fmt: skip
    budget = ReleaseFactory(
        title=BUDGET, published_at=datetime(2015, 1, 5, 9, 0, tzinfo=EASTERN), senators=[susan]
    )
    # Never public: a draft (with a past time), and a published release under embargo.
    draft = ReleaseFactory(
        title=DRAFT, status=Release.Status.DRAFT,
        published_at=datetime(2014, 5, 20, 9, 0, tzinfo=EASTERN),
        senators=[amy, susan], topics=[trafficking, foreign], legislation=[s1733, hr3610],
        organizations=[un, center],
    )  # fmt: skip
    embargoed = ReleaseFactory(
        title=EMBARGOED, published_at=timezone.now() + timedelta(hours=2),
        senators=[heidi, susan], topics=[trafficking, foreign], legislation=[s1733, hr3610],
        organizations=[un, center],
    )  # fmt: skip
    QuoteFactory(release=draft, senator=amy, text="Draft words.")
    QuoteFactory(release=embargoed, senator=heidi, text="Embargoed words.")
    return {
        "amy": amy, "heidi": heidi, "susan": susan, "s1733": s1733, "un": un,
        "joint": joint, "foreign": foreign_aid, "house": house, "budget": budget,
        "draft": draft, "embargoed": embargoed,
    }  # fmt: skip


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(data):
    return [r["title"] for r in data["results"]]


def every_page(client, url):
    """Every record of a list, following `next`."""
    records = []
    while url:
        data = get_json(client, url)
        records += data["results"]
        url = data["next"]
    return records


# The records.


def test_release_record_uses_public_identifiers_and_absolute_urls(client, newsroom):
    data = get_json(
        client,
        f"{API}/releases/?senator=heidi-heitkamp&year=2014&topic=human-trafficking&legislation=s1733-113",
    )
    assert titles(data) == [JOINT]
    record = data["results"][0]
    joint = newsroom["joint"]
    assert record["id"] == joint.pk
    assert record["slug"] == "klobuchar-heitkamp-trafficking"
    assert record["url"] == "http://testserver/releases/2014/05/klobuchar-heitkamp-trafficking/"
    assert record["api_url"] == f"http://testserver{API}/releases/{joint.pk}/"
    assert record["dateline"] == "Minneapolis, MN"
    assert record["highlights"] == ["Safe Harbor for children", "International action"]
    assert "<strong>announced</strong>" in record["body_html"]
    assert record["body_markdown"].startswith("The senator **announced**")
    assert record["lead_image"] is None
    assert [
        (s["bioguide_id"], s["role"], s["name"], s["party"], s["state"]) for s in record["senators"]
    ] == [
        ("K000367", "lead", "Amy Klobuchar", "D", "MN"),
        ("H001069", "joint", "Heidi Heitkamp", "D", "ND"),
    ]
    assert record["senators"][0]["url"] == "http://testserver/senators/amy-klobuchar/"
    assert record["senators"][0]["api_url"] == f"http://testserver{API}/senators/K000367/"
    assert [q["senator"] for q in record["quotes"]] == ["K000367", "H001069", None]
    advocate = record["quotes"][2]
    assert advocate["speaker"] == "Jane Advocate"
    assert advocate["speaker_title"] == "Director"
    assert advocate["speaker_organization"]["slug"] == "minnesota-indian-womens-resource-center"
    assert (
        advocate["attribution"]
        == "Jane Advocate, Director, Minnesota Indian Women’s Resource Center"
    )
    assert record["quotes"][0]["attribution"] == "Amy Klobuchar (D-MN)"
    assert [(t["slug"], t["name"]) for t in record["topics"]] == [
        ("human-trafficking", "Human trafficking")
    ]
    assert record["legislation"] == [
        {
            "bill_id": "s1733-113", "citation": "S. 1733", "congress": 113,
            "title": "Stop Exploitation Through Trafficking Act of 2013",
            "url": "http://testserver/legislation/s1733-113/",
            "api_url": f"http://testserver{API}/legislation/s1733-113/",
        }
    ]  # fmt: skip
    assert {(o["slug"], o["kind"]) for o in record["organizations"]} == {
        ("united-nations", "international_body"),
        ("minnesota-indian-womens-resource-center", "nonprofit"),
    }


def test_times_are_iso_8601_with_their_offset(client, newsroom):
    record = get_json(client, f"{API}/releases/{newsroom['joint'].pk}/")
    for name in ("published_at", "updated_at"):
        assert ISO_WITH_OFFSET.match(record[name]), record[name]
    # Noon in Washington in May is 12:00-04:00, the same instant as the stored 16:00 UTC.
    assert record["published_at"] == "2014-05-16T12:00:00-04:00"
    assert datetime.fromisoformat(record["published_at"]) == newsroom["joint"].published_at


def test_release_detail_by_id_and_the_record_links_back_to_itself(client, newsroom):
    listed = get_json(client, f"{API}/releases/")["results"][0]
    detail = get_json(client, listed["api_url"])
    assert detail == listed
    # The page `url` really is the release's page.
    assert client.get(detail["url"]).status_code == 200


def test_api_root_lists_every_endpoint(client):
    data = get_json(client, f"{API}/")
    assert set(data) == {"releases", "senators", "topics", "legislation", "organizations", "quotes"}
    assert data["senators"] == f"http://testserver{API}/senators/"


def test_the_api_answers_json_whatever_is_asked_and_only_reads(client, newsroom):
    response = client.get(f"{API}/releases/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    response = client.post(f"{API}/releases/", {"title": "Forged"})
    assert response.status_code == 405
    assert not Release.objects.filter(title="Forged").exists()


def test_senators_are_found_by_bioguide_id_and_count_public_releases_only(client, newsroom):
    records = every_page(client, f"{API}/senators/")
    # Public releases: Amy leads the joint one and 2013's, Heidi joins it and leads one,
    # Susan has one; the draft and the embargoed release count for nobody.
    assert [(s["bioguide_id"], s["release_count"]) for s in records] == [
        ("C001035", 1), ("H001069", 2), ("K000367", 2),
    ]  # fmt: skip
    amy = get_json(client, f"{API}/senators/K000367/")
    assert amy["slug"] == "amy-klobuchar"
    assert amy["name"] == "Amy Klobuchar"
    assert amy["party"] == "D" and amy["state"] == "MN"
    assert amy["url"] == "http://testserver/senators/amy-klobuchar/"
    assert amy["photo"] is None
    # Its releases, through the link it gives.
    assert titles(get_json(client, amy["releases_api_url"])) == [JOINT, FOREIGN]
    assert get_json(client, f"{API}/senators/K999999/", status=404) == {
        "detail": "No Senator matches the given query."
    }


def test_topics_legislation_and_organizations_by_their_identifiers(client, newsroom):
    topic = get_json(client, f"{API}/topics/human-trafficking/")
    assert (topic["name"], topic["release_count"]) == ("Human trafficking", 2)
    assert titles(get_json(client, topic["releases_api_url"])) == [HOUSE, JOINT]

    bill = get_json(client, f"{API}/legislation/s1733-113/")
    assert bill["citation"] == "S. 1733"
    assert bill["congress"] == 113
    assert bill["release_count"] == 1  # the draft and the embargoed release name it too
    assert bill["sponsor"]["bioguide_id"] == "K000367"
    assert [c["bioguide_id"] for c in bill["cosponsors"]] == ["H001069"]
    assert (
        bill["congress_gov_url"] == "https://www.congress.gov/bill/113th-congress/senate-bill/1733"
    )
    assert titles(get_json(client, bill["releases_api_url"])) == [JOINT]

    un = get_json(client, f"{API}/organizations/united-nations/")
    assert (un["kind"], un["release_count"]) == ("international_body", 2)
    assert titles(get_json(client, un["releases_api_url"])) == [JOINT, FOREIGN]

    counts = {t["slug"]: t["release_count"] for t in every_page(client, f"{API}/topics/")}
    assert counts == {"foreign-affairs": 1, "human-trafficking": 2}
    counts = {b["bill_id"]: b["release_count"] for b in every_page(client, f"{API}/legislation/")}
    assert counts == {"s1733-113": 1, "hr3610-113": 1}
    counts = {o["slug"]: o["release_count"] for o in every_page(client, f"{API}/organizations/")}
    assert counts == {"united-nations": 2, "minnesota-indian-womens-resource-center": 1}


@pytest.mark.parametrize(
    "path",
    ["topics/nope/", "legislation/s1-1/", "organizations/nope/", "releases/999999/",
     "quotes/999999/", "senators/k000367/", "nothing-here/", "releases/abc/"],
)  # fmt: skip
def test_unknown_records_are_a_json_404(client, newsroom, path):
    data = get_json(client, f"{API}/{path}", status=404)
    assert data["detail"]


# The publication rule.


def test_drafts_and_embargoed_releases_appear_nowhere(client, newsroom):
    releases = every_page(client, f"{API}/releases/?page_size=2")
    assert [r["title"] for r in releases] == PUBLIC
    for hidden in ("draft", "embargoed"):
        release = newsroom[hidden]
        assert get_json(client, f"{API}/releases/{release.pk}/", status=404)
        for hidden_quote in release.quotes.all():
            get_json(client, f"{API}/quotes/{hidden_quote.pk}/", status=404)
    quotes = every_page(client, f"{API}/quotes/")
    assert "Draft words." not in {q["text"] for q in quotes}
    assert "Embargoed words." not in {q["text"] for q in quotes}
    assert [r["title"] for r in json.loads(export(client, "export.json")[1])] == PUBLIC
    rows = csv.DictReader(io.StringIO(export(client, "export.csv")[1]))
    assert [r["title"] for r in rows] == PUBLIC
    # Asked for exactly what the hidden ones are about, or searched by their words.
    for query in ("senator=susan-collins&topic=foreign-affairs", "q=secret", "q=embargoed"):
        assert titles(get_json(client, f"{API}/releases/?{query}")) == [], query
        assert export(client, "export.json", query)[1].strip() == "[\n]", query


def test_an_embargo_lifts_on_time_without_anything_cached(client, newsroom):
    embargoed = newsroom["embargoed"]
    get_json(client, f"{API}/releases/{embargoed.pk}/", status=404)
    Release.objects.filter(pk=embargoed.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert get_json(client, f"{API}/releases/{embargoed.pk}/")["title"] == EMBARGOED
    assert titles(get_json(client, f"{API}/releases/"))[0] == EMBARGOED
    assert get_json(client, f"{API}/senators/C001035/")["release_count"] == 2


def test_quotes_come_with_their_release_and_filter_by_speaker_topic_and_bill(client, newsroom):
    quotes = every_page(client, f"{API}/quotes/")
    assert [q["text"] for q in quotes] == ["Amy's words.", "Heidi's words.", "An advocate's words."]
    first = quotes[0]
    assert first["senator"] == "K000367"
    assert first["release"]["api_url"] == f"http://testserver{API}/releases/{newsroom['joint'].pk}/"
    assert first["release"]["url"].endswith("/releases/2014/05/klobuchar-heitkamp-trafficking/")
    assert ISO_WITH_OFFSET.match(first["release"]["published_at"])

    def texts(query):
        return [q["text"] for q in get_json(client, f"{API}/quotes/?{query}")["results"]]

    assert texts("senator=heidi-heitkamp") == ["Heidi's words."]
    assert texts("senator=K000367&senator=H001069") == ["Amy's words.", "Heidi's words."]
    assert texts("topic=foreign-affairs") == []
    assert texts("legislation=s1733-113&senator=amy-klobuchar") == ["Amy's words."]
    error = get_json(client, f"{API}/quotes/?topic=nope", status=400)
    assert error["errors"] == [
        {"parameter": "topic", "value": "nope", "message": "No topic has this slug."}
    ]


# Filters: the public list's, through its FilterSet.


FILTER_CASES = [
    ("", PUBLIC),
    ("senator=amy-klobuchar", [JOINT, FOREIGN]),
    ("senator=K000367", [JOINT, FOREIGN]),
    ("senator=heidi-heitkamp", [HOUSE, JOINT]),
    # OR within a parameter; the joint release once.
    ("senator=amy-klobuchar&senator=H001069", [HOUSE, JOINT, FOREIGN]),
    ("topic=human-trafficking", [HOUSE, JOINT]),
    ("topic=human-trafficking&topic=foreign-affairs", [HOUSE, JOINT, FOREIGN]),
    ("legislation=s1733-113", [JOINT]),
    ("legislation=s1733-113&legislation=hr3610-113", [HOUSE, JOINT]),
    ("organization=united-nations", [JOINT, FOREIGN]),
    ("organization=minnesota-indian-womens-resource-center", [JOINT]),
    ("year=2014", [HOUSE, JOINT]),
    ("year=2013&year=2015", [BUDGET, FOREIGN]),
    ("q=budget", [BUDGET]),
    ("q=trafficking", [HOUSE, JOINT]),
    # AND across parameters.
    ("senator=amy-klobuchar&topic=human-trafficking", [JOINT]),
    ("senator=heidi-heitkamp&year=2014&legislation=hr3610-113", [HOUSE]),
    ("senator=amy-klobuchar&legislation=hr3610-113", []),
    ("organization=united-nations&year=2013", [FOREIGN]),
    ("topic=human-trafficking&q=House", [HOUSE]),
    ("senator=susan-collins&senator=amy-klobuchar&year=2015&year=2013", [BUDGET, FOREIGN]),
    # Empty values are no filter, as on the site's form.
    ("senator=&q=", PUBLIC),
]


def test_release_filters(client, newsroom):
    """Each filter, repeated (OR) and combined (AND); one newsroom for all the cases."""
    for query, expected in FILTER_CASES:
        assert titles(get_json(client, f"{API}/releases/?{query}")) == expected, query


def test_the_api_filters_as_the_public_list_does(client, newsroom):
    """Same FilterSet, same answer: the HTML list and the API agree on every filter."""
    for query in ("senator=heidi-heitkamp", "topic=human-trafficking&year=2014", "q=trafficking"):
        html = listed_titles(client.get(f"/releases/?{query}"))
        api = titles(get_json(client, f"{API}/releases/?{query}"))
        assert sorted(html) == sorted(api), query


# Bad parameters: a 400 naming the parameter and the value.


@pytest.mark.parametrize(
    ("path", "parameter", "value", "message"),
    [
        ("releases/?senator=nope", "senator", "nope", "No senator has this slug or Bioguide ID."),
        ("releases/?senator=K999999", "senator", "K999999", "No senator"),
        ("releases/?senator=amy-klobuchar&senator=nope", "senator", "nope", "No senator"),
        ("releases/?topic=nope", "topic", "nope", "No topic has this slug."),
        ("releases/?legislation=S.%201733", "legislation", "S. 1733", "No bill has this bill ID"),
        ("releases/?organization=nope", "organization", "nope", "No organization"),
        ("releases/?year=abc", "year", "abc", "Not a year"),
        ("releases/?year=2014&year=1066", "year", "1066", "Not a year"),
        ("releases/?q=" + "x" * 201, "q", "x" * 201, "at most 200 characters"),
        ("releases/?q=a%00b", "q", "a\x00b", "Null characters are not allowed."),
        ("releases/?page_size=100000", "page_size", "100000", "from 1 to 100"),
        ("releases/?page_size=0", "page_size", "0", "from 1 to 100"),
        ("releases/?page_size=ten", "page_size", "ten", "from 1 to 100"),
        ("releases/?cursor=garbage", "cursor", "garbage", "Not a cursor from this API"),
        ("releases/?senators=amy-klobuchar", "senators", "amy-klobuchar", "Unknown parameter"),
        ("releases/?page=2", "page", "2", "Unknown parameter"),
        ("senators/?in_office=1", "in_office", "1", "accepts: cursor, page_size."),
        ("senators/K000367/?senator=amy-klobuchar", "senator", "amy-klobuchar", "Unknown"),
        ("quotes/?senator=nope", "senator", "nope", "No senator"),
        ("quotes/?page_size=101", "page_size", "101", "from 1 to 100"),
        ("topics/?cursor=%FF", "cursor", "\ufffd", "Not a cursor"),
        ("releases/export.csv?senator=nope", "senator", "nope", "No senator"),
        ("releases/export.json?year=abc", "year", "abc", "Not a year"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter_and_value(
    client, newsroom, path, parameter, value, message
):
    data = get_json(client, f"{API}/{path}", status=400)
    assert [(e["parameter"], e["value"]) for e in data["errors"]] == [(parameter, value)]
    assert message in data["errors"][0]["message"]
    assert parameter in data["detail"] and message in data["detail"]


def test_every_bad_value_is_named_at_once(client, newsroom):
    data = get_json(
        client,
        f"{API}/releases/?senator=nope&topic=human-trafficking&topic=nah&year=abc",
        status=400,
    )
    assert {(e["parameter"], e["value"]) for e in data["errors"]} == {
        ("senator", "nope"), ("topic", "nah"), ("year", "abc"),
    }  # fmt: skip


def cursor(position, offset=0):
    """A cursor as the API encodes one, made by hand."""
    return quote(b64encode(urlencode({"o": offset, "p": position}).encode()).decode())


@pytest.mark.parametrize("position", ["not-a-time", "2014-05-16", "2014-05-16T12:00:00"])
def test_a_hand_made_cursor_with_an_impossible_position_is_a_400(client, newsroom, position):
    data = get_json(client, f"{API}/releases/?cursor={cursor(position)}", status=400)
    assert data["errors"][0]["parameter"] == "cursor"


def test_a_hand_made_cursor_with_a_real_position_works(client, newsroom):
    data = get_json(client, f"{API}/releases/?cursor={cursor('2014-06-01T00:00:00+00:00')}")
    assert titles(data) == [JOINT, FOREIGN]


# Pagination.


def test_cursor_pages_walk_the_list_forward_and_back(client, newsroom):
    page = get_json(
        client, f"{API}/releases/?page_size=1&senator=amy-klobuchar&senator=heidi-heitkamp"
    )
    assert page["previous"] is None
    seen = titles(page)
    while page["next"]:
        # The filters ride along in the links.
        assert parse_qs(urlsplit(page["next"]).query)["senator"] == [
            "amy-klobuchar",
            "heidi-heitkamp",
        ]
        page = get_json(client, page["next"])
        seen += titles(page)
    assert seen == [HOUSE, JOINT, FOREIGN]
    back = get_json(client, page["previous"])
    assert titles(back) == [JOINT]


def test_pages_stay_put_when_a_release_is_published_meanwhile(client, newsroom):
    first = get_json(client, f"{API}/releases/?page_size=2")
    assert titles(first) == [BUDGET, HOUSE]
    ReleaseFactory(title="Breaking news", published_at=timezone.now() - timedelta(minutes=1))
    second = get_json(client, first["next"])
    assert titles(second) == [JOINT, FOREIGN]  # nothing repeated, nothing skipped
    assert second["next"] is None


def test_search_results_are_paged_newest_first(client, newsroom):
    """The search ranks by relevance on the site; a cursor needs the fixed date order."""
    records = every_page(client, f"{API}/releases/?q=trafficking&page_size=1")
    assert [r["title"] for r in records] == [HOUSE, JOINT]


def test_releases_sharing_a_publication_time_are_paged_without_loss(client, newsroom):
    moment = datetime(2012, 1, 1, 9, 0, tzinfo=EASTERN)
    same = {ReleaseFactory(title=f"Same time {n}", published_at=moment).pk for n in range(5)}
    records = every_page(client, f"{API}/releases/?page_size=2&year=2012")
    assert [r["id"] for r in records] == sorted(same, reverse=True)


def test_page_size_is_bounded_and_defaults_to_twenty(client, newsroom):
    for n in range(25):
        ReleaseFactory(published_at=datetime(2012, 1, 1, tzinfo=EASTERN) + timedelta(days=n))
    assert len(get_json(client, f"{API}/releases/")["results"]) == 20
    assert len(get_json(client, f"{API}/releases/?page_size=100")["results"]) == 29
    assert len(get_json(client, f"{API}/releases/?page_size=3")["results"]) == 3


# Export.


def export(client, name, query=""):
    response = client.get(f"{API}/releases/{name}{'?' + query if query else ''}")
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    "query", ["", "senator=K000367", "topic=human-trafficking&year=2014", "q=trafficking"]
)
def test_csv_export_parses_and_matches_the_filtered_list(client, newsroom, query):
    response, body = export(client, "export.csv", query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="releases-\d{4}-\d\d-\d\d\.csv"', response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(body)))
    listed = get_json(client, f"{API}/releases/?{query}&page_size=100")["results"]
    assert [int(r["id"]) for r in rows] == [r["id"] for r in listed]
    assert [r["url"] for r in rows] == [r["url"] for r in listed]


def test_csv_export_columns(client, newsroom):
    _, body = export(client, "export.csv", "legislation=s1733-113")
    reader = csv.DictReader(io.StringIO(body))
    assert reader.fieldnames == [
        "id", "type", "published_at", "title", "url", "senators", "senator_names", "topics",
        "legislation", "organizations", "dateline", "highlights",
    ]  # fmt: skip
    (row,) = list(reader)
    assert row["title"] == JOINT
    assert row["type"] == "press-release"
    assert row["published_at"] == "2014-05-16T12:00:00-04:00"
    assert row["url"] == "http://testserver/releases/2014/05/klobuchar-heitkamp-trafficking/"
    assert row["senators"] == "K000367; H001069"
    assert row["senator_names"] == "Amy Klobuchar; Heidi Heitkamp"
    assert row["topics"] == "human-trafficking"
    assert row["legislation"] == "s1733-113"
    assert set(row["organizations"].split("; ")) == {
        "united-nations",
        "minnesota-indian-womens-resource-center",
    }
    assert row["dateline"] == "Minneapolis, MN"
    assert row["highlights"].splitlines() == ["Safe Harbor for children", "International action"]


def test_json_export_parses_and_holds_the_api_records(client, newsroom):
    response, body = export(client, "export.json", "senator=amy-klobuchar")
    assert response["Content-Type"] == "application/json"
    assert re.fullmatch(
        r'attachment; filename="releases-\d{4}-\d\d-\d\d\.json"', response["Content-Disposition"]
    )
    exported = json.loads(body)
    listed = get_json(client, f"{API}/releases/?senator=amy-klobuchar")["results"]
    assert exported == listed
    assert json.loads(export(client, "export.json", "year=2020")[1]) == []
    assert "Draft" not in export(client, "export.csv", "")[1]


def test_the_release_list_links_its_export_with_the_filters_it_uses(client, newsroom):
    page = html.unescape(
        client.get("/releases/?senator=amy-klobuchar&topic=nope&year=2014").content.decode()
    )
    # The unknown topic the page ignored is left out, or the download would be a 400.
    csv_link = re.search(r'href="(/api/v1/releases/export\.csv[^"]*)"', page).group(1)
    json_link = re.search(r'href="(/api/v1/releases/export\.json[^"]*)"', page).group(1)
    assert parse_qs(urlsplit(csv_link).query) == {"senator": ["amy-klobuchar"], "year": ["2014"]}
    assert urlsplit(json_link).query == urlsplit(csv_link).query
    rows = list(
        csv.DictReader(io.StringIO(export(client, "export.csv", urlsplit(csv_link).query)[1]))
    )
    assert [r["title"] for r in rows] == [JOINT]
    # A year archive exports its year.
    archive = client.get("/releases/2013/").content.decode()
    assert 'href="/api/v1/releases/export.csv?year=2013"' in archive


# Fixed query counts.


def build_releases(size):
    """`size` public releases, each with two senators, topics, bills, organizations and
    quotes (one of each shared by all). Links are bulk-created: the counts are what matter
    here, and the search index's per-link updates would take most of the time."""
    senator, topic = SenatorFactory(slug="shared-senator"), TopicFactory(slug="shared-topic")
    bill, organization = LegislationFactory(sponsor=senator), OrganizationFactory()
    bill.cosponsors.set([SenatorFactory(), SenatorFactory()])
    links = {name: [] for name in ("topics", "legislation", "organizations")}
    issuers, quotes = [], []
    for n in range(size):
        release = ReleaseFactory(published_at=datetime(2014, 1, 1, tzinfo=EASTERN) + timedelta(n))
        issuers += [
            ReleaseSenator(release=release, senator=senator, role="lead", order=0),
            ReleaseSenator(release=release, senator=SenatorFactory(), role="joint", order=1),
        ]
        for name, shared, own in [
            ("topics", topic, TopicFactory()),
            ("legislation", bill, LegislationFactory()),
            ("organizations", organization, OrganizationFactory()),
        ]:
            through = getattr(Release, name).through
            target = f"{shared._meta.model_name}_id"
            links[name] += [
                through(release_id=release.pk, **{target: obj.pk}) for obj in (shared, own)
            ]
        quotes += [
            Quote(release=release, senator=senator, text="Words."),
            Quote(
                release=release, speaker_name="Jane Advocate", text="More words.",
                speaker_organization=organization, order=1,
            ),
        ]  # fmt: skip
    ReleaseSenator.objects.bulk_create(issuers)
    Quote.objects.bulk_create(quotes)
    for name, rows in links.items():
        getattr(Release, name).through.objects.bulk_create(rows)


LIST_QUERIES = {
    # 1 page of releases + 7 prefetches (senators, quotes, topics, bills, organizations,
    # corrections, documents)
    "releases/?page_size=30": 8,
    # + 1 lookup for each filter parameter given, + 1 for Bioguide IDs
    "releases/?page_size=30&senator=shared-senator": 9,
    "releases/?page_size=30&senator=shared-senator&senator=K000367&topic=shared-topic": 11,
    "senators/?page_size=30": 1,
    "topics/?page_size=30": 1,
    "legislation/?page_size=30": 2,  # + cosponsors
    "organizations/?page_size=30": 1,
    "quotes/?page_size=30": 1,
    "quotes/?page_size=30&topic=shared-topic": 2,
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [1, 30])
def test_lists_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, newsroom, size):
    build_releases(size)
    for path, limit in LIST_QUERIES.items():
        with django_assert_max_num_queries(limit):
            response = client.get(f"{API}/{path}")
        assert response.status_code == 200, path
        assert response.json()["results"], path
    # The page really held `size` fully nested records.
    page = client.get(f"{API}/releases/?page_size=30&senator=shared-senator").json()["results"]
    assert len(page) == size
    assert {len(r["senators"]) + len(r["quotes"]) + len(r["organizations"]) for r in page} == {6}
    quotes = client.get(f"{API}/quotes/?page_size=30&senator=shared-senator").json()["results"]
    assert len(quotes) == size


@pytest.mark.parametrize("size", [1, 30])
def test_export_runs_a_fixed_number_of_queries_per_chunk(client, newsroom, size):
    build_releases(size)
    for path in ("releases/export.csv", "releases/export.json"):
        # One query for where the next part starts, one for the releases and one per
        # prefetch, once per chunk of 500.
        assert count_queries(client, f"{API}/{path}") == 9, path


def test_details_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, newsroom):
    for path, limit in [
        (f"releases/{newsroom['joint'].pk}/", 8),  # + corrections, documents
        ("senators/K000367/", 1),
        ("legislation/s1733-113/", 2),
        ("topics/human-trafficking/", 1),
        ("organizations/united-nations/", 1),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(f"{API}/{path}").status_code == 200


# The schema and the docs.


def schema_document(client):
    response = client.get(f"{API}/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi_3_and_describes_the_filters(client):
    from openapi_spec_validator import validate

    document = schema_document(client)
    validate(document)  # raises on an invalid document
    assert document["openapi"].startswith("3.")
    releases = document["paths"][f"{API}/releases/"]["get"]
    parameters = {p["name"]: p for p in releases["parameters"]}
    assert set(parameters) == {
        "senator", "type", "topic", "legislation", "organization", "year", "q", "cursor",
        "page_size",
    }  # fmt: skip
    assert "Bioguide ID" in parameters["senator"]["description"]
    assert parameters["senator"]["schema"]["type"] == "array"
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert set(releases["responses"]) == {"200", "400"}
    exports = document["paths"][f"{API}/releases/export.csv"]["get"]
    assert "text/csv" in exports["responses"]["200"]["content"]
    # The YAML form is served too.
    assert client.get(f"{API}/schema/").status_code == 200


def test_docs_page_serves_swagger_ui_from_local_static_files(client):
    page = client.get(f"{API}/docs/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page) + re.findall(r'href="([^"]+\.css)"', page)
    assert scripts, page
    for src in scripts:
        assert src.startswith("/static/drf_spectacular_sidecar/"), src  # no CDN
        assert finders.find(src.removeprefix("/static/")), src
    assert f"{API}/schema/" in page
    assert client.get(f"{API}/redoc/").status_code == 200


# Every answer matches the schema: schemathesis generates requests from it, in-process.

OPERATIONS = [
    "/releases/", "/releases/{id}/", "/releases/export.csv", "/releases/export.json",
    "/senators/", "/senators/{bioguide_id}/", "/topics/", "/topics/{slug}/",
    "/legislation/", "/legislation/{bill_id}/", "/organizations/", "/organizations/{slug}/",
    "/quotes/", "/quotes/{id}/",
]  # fmt: skip


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, as a server runs it, without closing the test's connection.

    A real request ends by closing database connections that are not in autocommit mode,
    which is the test's transaction; Django's test client unhooks that too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from newsroom.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_lists_every_operation(client):
    assert sorted(schema_document(client)["paths"]) == sorted(f"{API}{p}" for p in OPERATIONS)


@pytest.mark.parametrize("path", OPERATIONS)
def test_responses_match_the_schema(newsroom, wsgi_app, path):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_wsgi(f"{API}/schema/?format=json", wsgi_app)
    operation = schema[f"{API}{path}"]["GET"]
    statuses = set()

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case):
        # Schemathesis asks for gzip (as requests does) but its WSGI transport does not
        # undo it: ask for the plain body the schema describes.
        response = case.call_and_validate(
            headers={"Accept-Encoding": "identity"},
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_headers_conformance,
                response_schema_conformance,
            ],
        )
        statuses.add(response.status_code)

    conforms()
    # The generated requests reached real answers, not only refusals.
    assert statuses & {200, 404}, statuses


def test_csv_export_cannot_smuggle_a_spreadsheet_formula(client, db):
    ReleaseFactory(title='=HYPERLINK("http://evil.example","click")', dateline="@SUM(A1)")
    rows = list(csv.reader(io.StringIO(b"".join(client.get(
        "/api/v1/releases/export.csv").streaming_content).decode())))  # fmt: skip
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[1][10] == "'@SUM(A1)"


def test_a_quote_record_links_to_its_permalink(client, db):
    quote = QuoteFactory()
    record = client.get("/api/v1/quotes/").json()["results"][0]
    assert record["url"] == f"http://testserver{quote.release.get_absolute_url()}#quote-{quote.pk}"
