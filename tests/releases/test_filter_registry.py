"""Every public filter is declared once, in the registry, and everything reads it.

A filter registered here and nowhere else (releases quoting a senator, through the quotes
table) works on the list with its facet and chip, in the feeds' entries and titles, and in
the API, whose errors and schema name it too.
"""

import feedparser
import pytest

from people.models import Senator
from releases.browse import registry
from releases.models import Quote
from tests.support.factories import QuoteFactory, ReleaseFactory, SenatorFactory
from tests.support.html_helpers import listed_titles

pytestmark = pytest.mark.django_db

QUOTED = registry.PublicFilter(
    parameter="quoted", label="Quoted", noun="quoted senator", plural="senators",
    words="quoting", model=Senator, link_model=Quote, link_column="senator_id",
    sort_key=lambda s: (s.last_name, s.first_name),
    api_description="A quoted senator's slug.", api_example="amy-klobuchar",
    api_not_found="No senator has this slug.",
)  # fmt: skip


@pytest.fixture
def quoted_filter():
    registry.register(QUOTED)
    yield QUOTED
    registry.unregister(QUOTED.parameter)


@pytest.fixture
def releases(klobuchar):
    smith = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")
    quoting = ReleaseFactory(title="Smith quotes Klobuchar on broadband", senators=[smith])
    QuoteFactory(release=quoting, senator=klobuchar, text="Broadband is infrastructure.")
    issued = ReleaseFactory(title="Klobuchar issues a statement", senators=[klobuchar])
    QuoteFactory(release=issued, senator=smith, text="We agree.")
    return quoting, issued


def test_the_list_takes_a_registered_filter_with_its_facet_and_chip(
    client, quoted_filter, releases
):
    response = client.get("/releases/?quoted=amy-klobuchar")

    assert listed_titles(response) == ["Smith quotes Klobuchar on broadband"]
    facets = {facet.name: facet for facet in response.context["facets"]}
    quoted = {choice.value: choice.count for choice in facets["quoted"].choices}
    assert quoted == {"amy-klobuchar": 1, "tina-smith": 1}
    assert facets["quoted"].label == "Quoted"
    assert {"label": "Quoted: Amy Klobuchar (D-MN)", "url": "?"} in response.context["chips"]


def test_a_value_naming_nothing_is_reported_in_the_filters_words(client, quoted_filter, releases):
    response = client.get("/releases/?quoted=nobody")

    assert response.status_code == 200
    assert response.context["notices"] == [
        "We ignored quoted senator “nobody”: no such quoted senator."
    ]


def test_the_feeds_take_it_and_name_it_in_their_titles(client, quoted_filter, releases):
    feed = feedparser.parse(client.get("/releases/feed/atom/?quoted=amy-klobuchar").content)

    assert [entry.title for entry in feed.entries] == ["Smith quotes Klobuchar on broadband"]
    assert feed.feed.title.startswith("Releases quoting Amy Klobuchar (D-MN) · ")
    listed = client.get("/releases/?quoted=amy-klobuchar")
    assert listed.context["feeds"].atom == "/releases/feed/atom/?quoted=amy-klobuchar"


def test_the_api_filters_by_it_refuses_what_names_nothing_and_documents_it(
    client, quoted_filter, releases
):
    found = client.get("/api/v1/releases/?quoted=amy-klobuchar").json()
    refused = client.get("/api/v1/releases/?quoted=nobody")
    schema = client.get("/api/v1/schema/?format=json").json()

    assert [r["title"] for r in found["results"]] == ["Smith quotes Klobuchar on broadband"]
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"parameter": "quoted", "value": "nobody", "message": "No senator has this slug."}
    ]
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/releases/"]["get"]["parameters"]}
    assert parameters["quoted"]["description"].startswith("A quoted senator's slug.")
    export = schema["paths"]["/api/v1/releases/export.csv"]["get"]["parameters"]
    assert "quoted" in {p["name"] for p in export}


def test_without_it_the_parameter_is_unknown_again(client, releases):
    assert "quoted" not in {f.parameter for f in registry.public_filters()}
    assert client.get("/api/v1/releases/?quoted=amy-klobuchar").status_code == 400
    assert len(listed_titles(client.get("/releases/?quoted=amy-klobuchar"))) == 2
