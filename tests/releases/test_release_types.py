"""Every kind of statement: the type is a filter and a facet like the others (through the
registry), shown on lists and pages, in feeds, the API, exports and JSON-LD, and followed
by email alerts."""

import csv
import io
import json

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from releases.models import Release, ReleaseType
from tests.alerts.test_matching import follow, matches
from tests.support.factories import ReleaseFactory
from tests.support.html_helpers import listed_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds(klobuchar, heitkamp):
    return {
        "release": ReleaseFactory(title="Klobuchar announces a grant", senators=[klobuchar]),
        "statement": ReleaseFactory(
            title="Klobuchar statement on the vote", senators=[klobuchar],
            type=ReleaseType.STATEMENT,
        ),
        "op-ed": ReleaseFactory(
            title="Why broadband matters", senators=[klobuchar], type=ReleaseType.OP_ED,
            outlet="Star Tribune", outlet_url="https://www.startribune.com/why-broadband/1/",
        ),
        "remarks": ReleaseFactory(
            title="Heitkamp on the farm bill", senators=[heitkamp],
            type=ReleaseType.FLOOR_REMARKS,
            congressional_record="160 Cong. Rec. S3181 (daily ed. May 21, 2014)",
            congressional_record_url="https://www.congress.gov/congressional-record/",
        ),
    }  # fmt: skip


def test_types_are_addressed_by_slug_and_stored_as_numbers():
    assert [t.slug for t in ReleaseType] == [
        "press-release", "statement", "op-ed", "letter", "floor-remarks", "media-advisory",
    ]  # fmt: skip
    assert ReleaseType.by_slug("op-ed") == ReleaseType.OP_ED
    assert ReleaseType.by_slug("nope") is None
    assert ReleaseType.MEDIA_ADVISORY.plural == "Media advisories"
    assert Release().type == ReleaseType.PRESS_RELEASE  # the default: the demo's kind


def test_the_list_filters_by_type_with_a_facet_and_a_heading(client, kinds):
    response = client.get("/releases/?type=statement&type=op-ed&senator=amy-klobuchar")

    assert sorted(listed_titles(response)) == [
        "Klobuchar statement on the vote", "Why broadband matters",
    ]  # fmt: skip
    facets = {facet.name: facet for facet in response.context["facets"]}
    counts = {c.value: c.count for c in facets["type"].choices}
    # Disjunctive: the type facet counts Klobuchar's releases of every type.
    assert counts == {"press-release": 1, "statement": 1, "op-ed": 1}
    assert response.context["heading"].startswith("Statements or op-eds from Amy Klobuchar")
    html = response.content.decode()
    assert '<span class="release-item__type release-type--op-ed">Op-ed</span>' in html


def test_a_type_naming_nothing_is_reported_and_ignored(client, kinds):
    response = client.get("/releases/?type=manifesto")

    assert response.status_code == 200
    assert len(listed_titles(response)) == 4
    assert any("manifesto" in notice for notice in response.context["notices"])


def test_the_feeds_take_the_type_and_name_it(client, kinds):
    feed = feedparser.parse(client.get("/releases/feed/atom/?type=floor-remarks").content)

    assert [e.title for e in feed.entries] == ["Heitkamp on the farm bill"]
    assert feed.feed.title.startswith("Floor remarks · ")


def test_the_api_filters_by_type_refuses_others_and_documents_the_values(client, kinds):
    found = client.get("/api/v1/releases/?type=op-ed").json()["results"]
    refused = client.get("/api/v1/releases/?type=manifesto")
    schema = client.get("/api/v1/schema/?format=json").json()

    assert [(r["title"], r["type"], r["outlet"]) for r in found] == [
        ("Why broadband matters", "op-ed", "Star Tribune")
    ]
    assert found[0]["outlet_url"] == "https://www.startribune.com/why-broadband/1/"
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["parameter"] == "type"
    assert refused.json()["errors"][0]["message"].startswith("Not a type of release")
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/releases/"]["get"]["parameters"]}
    assert parameters["type"]["schema"]["items"]["enum"][:2] == ["press-release", "statement"]


def test_the_export_has_a_type_column(client, kinds):
    response = client.get("/api/v1/releases/export.csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))

    assert {row["title"]: row["type"] for row in rows}["Heitkamp on the farm bill"] == (
        "floor-remarks"
    )


def test_an_op_ed_names_its_outlet_and_points_its_canonical_link_there(client, kinds):
    html = client.get(kinds["op-ed"].get_absolute_url()).content.decode()

    assert '<link rel="canonical" href="https://www.startribune.com/why-broadband/1/">' in html
    assert 'Published in <a href="https://www.startribune.com/why-broadband/1/"' in html
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "OpinionNewsArticle"
    assert data["genre"] == "Op-ed"


def test_floor_remarks_cite_the_record(client, kinds):
    html = client.get(kinds["remarks"].get_absolute_url()).content.decode()

    assert "As printed in the Congressional Record:" in html
    assert "160 Cong. Rec. S3181 (daily ed. May 21, 2014)" in html
    assert ">Floor remarks</a>" in html  # the kicker links the list of that type


def test_an_op_ed_needs_its_outlet():
    release = Release(title="An op-ed", slug="an-op-ed", body="Text.", type=ReleaseType.OP_ED)
    with pytest.raises(ValidationError) as error:
        release.full_clean()
    assert error.value.message_dict["outlet"] == ["An op-ed names the outlet it ran in."]


def test_alerts_follow_a_type(klobuchar):
    follow("type=statement", email="statements@example.com")
    follow("type=op-ed&senator=amy-klobuchar", email="op-eds@example.com")
    statement = ReleaseFactory(senators=[klobuchar], type=ReleaseType.STATEMENT)
    op_ed = ReleaseFactory(senators=[klobuchar], type=ReleaseType.OP_ED, outlet="Star Tribune")
    plain = ReleaseFactory(senators=[klobuchar])

    assert matches(statement) == {"statements@example.com"}
    assert matches(op_ed) == {"op-eds@example.com"}
    assert matches(plain) == set()


def test_an_alert_says_which_types_it_follows(client):
    response = client.get("/alerts/?type=media-advisory")

    assert "Media advisories" in response.content.decode()
    from alerts.selectors import read_filter

    assert read_filter(QueryDict("type=media-advisory")).alert_filter.terms == (
        ("type", ReleaseType.MEDIA_ADVISORY.value),
    )


def test_drafts_and_embargoes_count_for_no_type(client, klobuchar):
    from datetime import timedelta

    from django.utils import timezone

    ReleaseFactory(senators=[klobuchar], type=ReleaseType.STATEMENT,
                   status=Release.Status.DRAFT, published_at=None)  # fmt: skip
    ReleaseFactory(senators=[klobuchar], type=ReleaseType.OP_ED, outlet="Star Tribune",
                   published_at=timezone.now() + timedelta(hours=3))  # fmt: skip
    ReleaseFactory(senators=[klobuchar], title="Public one")

    response = client.get("/releases/")
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert {c.value: c.count for c in facets["type"].choices} == {"press-release": 1}
    assert listed_titles(client.get("/releases/?type=statement&type=op-ed")) == []
    assert client.get("/api/v1/releases/?type=op-ed").json()["results"] == []
