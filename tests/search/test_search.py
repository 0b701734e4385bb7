"""Full-text search: relevance, highlighting, filters and facets, freshness, and safety."""

from datetime import timedelta

import pytest
from django.utils import timezone

from releases.models import Release
from releases.services import release_publish, release_unpublish
from search.highlighting import highlight
from search.query import clean_query
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.html_helpers import facet_counts, listed_titles

pytestmark = pytest.mark.django_db

TITLE_HIT = "Senators unveil broadband expansion plan"
BODY_HIT = "Senator visits rural clinic"
OTHER = "Senator honors veterans"


@pytest.fixture
def newsroom():
    klobuchar = SenatorFactory(first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar")
    smith = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")
    rural = TopicFactory(name="Rural affairs", slug="rural")
    title_hit = ReleaseFactory(
        title=TITLE_HIT,
        body="A plan for every county.",
        senators=[klobuchar],
        topics=[rural],
    )
    body_hit = ReleaseFactory(
        title=BODY_HIT,
        body="The clinic needs broadband to offer telehealth to patients.",
        senators=[smith],
        topics=[rural],
    )
    other = ReleaseFactory(title=OTHER, body="Medals for service.", senators=[smith])
    return {"klobuchar": klobuchar, "smith": smith, "rural": rural,
            "title_hit": title_hit, "body_hit": body_hit, "other": other}  # fmt: skip


def test_a_title_match_ranks_above_a_body_match(client, newsroom):
    response = client.get("/releases/", {"q": "broadband"})
    assert listed_titles(response) == [TITLE_HIT, BODY_HIT]


def test_words_are_matched_by_their_stem(client, newsroom):
    assert listed_titles(client.get("/releases/", {"q": "clinics"})) == [BODY_HIT]


def test_every_word_must_match(client, newsroom):
    assert listed_titles(client.get("/releases/", {"q": "broadband telehealth"})) == [BODY_HIT]
    assert listed_titles(client.get("/releases/", {"q": "broadband medals"})) == []


def test_the_matching_passage_is_shown_with_the_terms_marked(client, newsroom):
    html = client.get("/releases/", {"q": "telehealth"}).content.decode()
    assert "<mark>telehealth</mark>" in html


def test_search_combines_with_filters_and_facets(client, newsroom):
    response = client.get("/releases/", {"q": "broadband", "senator": "tina-smith"})
    assert listed_titles(response) == [BODY_HIT]
    # The senator facet counts the search's matches with every other filter applied.
    counts = facet_counts(response, "senator")
    assert counts["amy-klobuchar"] == 1
    assert counts["tina-smith"] == 1
    assert facet_counts(response, "topic") == {"rural": 1}


@pytest.mark.parametrize(
    "field, value",
    [("senator", "Klobuchar"), ("topic", "rural affairs"), ("organization", "Polaris")],
)
def test_names_of_related_things_are_searchable(client, newsroom, field, value):
    release = ReleaseFactory(title="Untitled matter", body="Nothing to see.")
    if field == "senator":
        release.releasesenator_set.create(senator=newsroom["klobuchar"], role="lead")
    elif field == "topic":
        release.topics.add(newsroom["rural"])
    else:
        release.organizations.add(OrganizationFactory(name="Polaris Project", slug="polaris"))
    assert "Untitled matter" in listed_titles(client.get("/releases/", {"q": value}))


def test_bills_are_found_by_citation_and_short_title(client, db):
    bill = LegislationFactory(bill_type="s", number=1733, congress=113,
                              short_title="Stop Exploitation Through Trafficking Act")  # fmt: skip
    ReleaseFactory(title="A release about a bill", body="No citation here.", legislation=[bill])
    for query in ["S. 1733", "S1733", "s1733-113", "Stop Exploitation"]:
        assert listed_titles(client.get("/releases/", {"q": query})) == [
            "A release about a bill"
        ], query


def test_quotes_are_searchable_from_the_release_list(client, db):
    release = ReleaseFactory(title="Quoted release", body="Plain body.")
    QuoteFactory(release=release, text="Connectivity is a lifeline for small towns.")
    assert listed_titles(client.get("/releases/", {"q": "lifeline"})) == ["Quoted release"]


def test_search_never_returns_drafts_or_embargoed_releases(client, db):
    ReleaseFactory(title="Draft about zeppelins", status=Release.Status.DRAFT)
    ReleaseFactory(title="Embargoed zeppelins", published_at=timezone.now() + timedelta(hours=1))
    ReleaseFactory(title="Public zeppelins")
    assert listed_titles(client.get("/releases/", {"q": "zeppelins"})) == ["Public zeppelins"]


def test_the_index_follows_edits_publication_and_deletion(client, db, committed):
    # Each change as the admin makes it: committed, which ends the kept rankings and counts.
    release = ReleaseFactory(title="Original headline", status=Release.Status.DRAFT)

    def found(query):
        return listed_titles(client.get("/releases/", {"q": query}))

    assert found("original") == []
    with committed():
        release_publish(release=release, by=None)
    assert found("original") == ["Original headline"]

    release.title = "Rewritten headline"
    with committed():
        release.save()
    assert found("original") == []
    assert found("rewritten") == ["Rewritten headline"]

    topic = TopicFactory(name="Aviation", slug="aviation")
    with committed():
        release.topics.add(topic)
    assert found("aviation") == ["Rewritten headline"]
    topic.name = "Airports"
    with committed():
        topic.save()
    assert found("airports") == ["Rewritten headline"]
    with committed():
        release.topics.remove(topic)
    assert found("airports") == []

    with committed():
        release_unpublish(release=release, by=None)
    assert found("rewritten") == []
    with committed():
        release_publish(release=release, by=None)
        release.delete()
    assert found("rewritten") == []


@pytest.mark.parametrize(
    "query", ['"(', "AND OR NOT", "*", "-", "'", "NEAR(", "a" * 500, "\x00", "🐢", "人身売買"]
)
def test_garbage_queries_are_harmless(client, newsroom, query):
    response = client.get("/releases/", {"q": query})
    assert response.status_code == 200


def test_clean_query_keeps_words_only():
    assert clean_query('"safe harbor" AND (kids) OR -x*') == "safe harbor AND kids OR x"
    assert clean_query("") == ""


def test_highlight_marks_word_beginnings_and_escapes_html():
    text = "<p>Fighting <b>trafficking</b> &amp; helping survivors of traffickers.</p>"
    passage = highlight(text, "traffick")
    assert "<mark>trafficking</mark>" in passage
    assert "<mark>traffickers</mark>" in passage
    assert "&amp;" in passage
    assert "&amp;amp;" not in passage  # "&" once: the reader sees "&", not "&amp;"
    assert "<b>" not in passage
    assert highlight(text, "zebra") == ""


def test_a_passage_reads_an_ampersand_as_one_and_escapes_decoded_markup():
    passage = highlight("<p>AT&amp;T and &lt;script&gt; backed the broadband bill.</p>", "AT")

    assert "<mark>AT</mark>&amp;T" in passage
    assert "&lt;script&gt;" in passage
    assert "<script>" not in passage


def test_highlight_cannot_inject_markup():
    passage = highlight("the <script>alert(1)</script> word", "word")
    assert "<script>" not in passage
    assert "<mark>word</mark>" in passage


def test_quotes_page_searches_and_filters_public_quotes(client, newsroom):
    QuoteFactory(release=newsroom["title_hit"], senator=newsroom["klobuchar"],
                 text="Broadband is the new electricity.")  # fmt: skip
    QuoteFactory(release=newsroom["other"], senator=newsroom["smith"],
                 text="Our veterans earned every benefit.")  # fmt: skip
    draft = ReleaseFactory(status=Release.Status.DRAFT, title="Secret plan")
    QuoteFactory(release=draft, senator=newsroom["smith"], text="Secret electricity words.")

    html = client.get("/quotes/").content.decode()
    assert "Broadband is the new electricity." in html
    assert "Our veterans earned every benefit." in html
    assert "Secret electricity words." not in html

    html = client.get("/quotes/", {"q": "electricity"}).content.decode()
    assert "Broadband is the new electricity." in html
    assert "Our veterans" not in html
    assert "Secret" not in html

    html = client.get("/quotes/", {"senator": "tina-smith"}).content.decode()
    assert "Our veterans earned every benefit." in html
    assert "Broadband is the new electricity." not in html

    html = client.get("/quotes/", {"topic": "rural"}).content.decode()
    assert "Broadband is the new electricity." in html
    assert "Our veterans" not in html


def test_quotes_link_to_their_permalink_on_the_release_page(client, newsroom):
    quote = QuoteFactory(release=newsroom["title_hit"], senator=newsroom["klobuchar"])
    html = client.get("/quotes/").content.decode()
    anchor = f"{newsroom['title_hit'].get_absolute_url()}#quote-{quote.pk}"
    assert anchor in html
    page = client.get(newsroom["title_hit"].get_absolute_url()).content.decode()
    assert f'id="quote-{quote.pk}"' in page


@pytest.mark.parametrize("query", ["senator=nope", "topic=nope&page=zz", "q=%00", "page=-3"])
def test_quotes_page_survives_bad_parameters(client, newsroom, query):
    assert client.get(f"/quotes/?{query}").status_code == 200


def test_unicode_search_finds_unicode_text(client):
    ReleaseFactory(title="Senators honor the Mille Lacs Band", body="Miigwech, café owners.")
    ReleaseFactory(title="Unrelated release")

    assert listed_titles(client.get("/releases/?q=caf%C3%A9")) == [
        "Senators honor the Mille Lacs Band"
    ]
