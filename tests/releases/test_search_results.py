"""Search results as a reporter reads them: what was searched, in which order, what next.

The heading says what was searched and how it is narrowed, a visible choice orders the
results best match first (the default) or newest first, the page links of ranked results
say "Next" and "Previous", and a search that finds nothing says so in its own words and
offers no export or feed of nothing.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from people.models import Senator
from releases.models import Release
from tests.support import data
from tests.support.data import built_once
from tests.support.factories import ReleaseFactory, TopicFactory
from tests.support.html_helpers import listed_titles, text
from tests.support.page_head import feed_alternates

pytestmark = pytest.mark.django_db

TITLE_HIT = "Broadband for every farm"
BODY_HIT = "Clinics ask for help"
NEWEST_HIT = "A late word on rural lines"
START = datetime(2014, 1, 6, 15, 0, tzinfo=UTC)


def build_newsroom():
    """Three releases that mention broadband (one in its title, the newest in passing), one
    that does not, and 22 more that do, so the results run to a second page."""
    amy, heidi = data.klobuchar(), data.heitkamp()
    rural = TopicFactory(name="Rural development", slug="rural-development")
    ReleaseFactory(
        title=TITLE_HIT,
        body="Broadband, broadband and broadband for rural Minnesota.",
        published_at=START,
        senators=[amy],
        topics=[rural],
    )
    ReleaseFactory(
        title=BODY_HIT,
        body="The clinic needs broadband to offer telehealth.",
        published_at=START + timedelta(days=1),
        senators=[heidi],
        topics=[rural],
    )
    ReleaseFactory(
        title=NEWEST_HIT,
        body="Among much else, broadband came up once.",
        published_at=START + timedelta(days=400),
        senators=[amy],
    )
    ReleaseFactory(title="Medals for service", body="Veterans honored.", senators=[amy])
    for n in range(22):
        ReleaseFactory(
            title=f"Numbered notice {n:02d}",
            body="A notice that names the word rural and nothing else: waterworks.",
            published_at=START + timedelta(days=10 + n),
            senators=[heidi],
        )
    return {"amy": amy, "rural": rural}


newsroom = built_once(build_newsroom)


def heading(response):
    """The list's heading, as read (the markup that holds "(D-MN)" together left out)."""
    found = re.search(r'<h1 id="list-heading">(.*?)</h1>', text(response)).group(1)
    return re.sub(r"</?span[^>]*>", "", found)


def sort_choice(response):
    """{"Best match": None (the current order) or its link, "Newest first": ...}."""
    found = re.search(r'<p class="sort-choice">(.*?)</p>', text(response))
    if not found:
        return {}
    choices = {}
    for link, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', found.group(1)):
        choices[label] = link.replace("&amp;", "&")
    for label in re.findall(r'<strong aria-current="true">([^<]*)</strong>', found.group(1)):
        choices[label] = None
    return choices


def pagination_links(response):
    return re.findall(r'<a rel="(?:next|prev)" href="[^"]*">([^<]*)</a>', text(response))


# What was searched


def test_the_heading_says_what_was_searched(client, newsroom):
    assert heading(client.get("/releases/?q=broadband")) == "Results for “broadband”"


def test_the_heading_names_the_filters_too(client, newsroom):
    response = client.get("/releases/?q=broadband&senator=amy-klobuchar&topic=rural-development")

    assert heading(response) == (
        "Results for “broadband” from Amy Klobuchar (D-MN) on Rural development"
    )
    assert listed_titles(response) == [TITLE_HIT]
    assert "<title>Results for “broadband” from Amy Klobuchar (D-MN)" in text(response)


# In which order


def test_results_come_best_match_first_with_newest_first_a_click_away(client, newsroom):
    response = client.get("/releases/?q=broadband")

    assert listed_titles(response)[0] == TITLE_HIT
    assert sort_choice(response) == {
        "Best match": None,
        "Newest first": "?q=broadband&sort=newest",
    }


def test_newest_first_orders_by_publication_and_offers_best_match_back(client, newsroom):
    response = client.get("/releases/?q=broadband&sort=newest")

    assert listed_titles(response) == [NEWEST_HIT, BODY_HIT, TITLE_HIT]
    assert sort_choice(response) == {"Best match": "?q=broadband", "Newest first": None}
    # Ticking a filter keeps the order: the form carries it.
    assert '<input type="hidden" name="sort" value="newest">' in text(response)


def test_an_unknown_order_is_best_match(client, newsroom):
    assert listed_titles(client.get("/releases/?q=broadband&sort=sideways"))[0] == TITLE_HIT


def test_a_list_that_is_no_search_offers_no_order(client, newsroom):
    response = client.get("/releases/")

    assert sort_choice(response) == {}
    assert heading(response) == "Press releases"


def test_removing_the_search_drops_its_order_too(client, newsroom):
    html = text(client.get("/releases/?q=broadband&sort=newest"))

    assert '<a href="?" aria-label="Remove filter Search: broadband">' in html


# What next


def test_ranked_results_link_next_and_previous(client, newsroom):
    first = client.get("/releases/?q=rural")
    second = client.get("/releases/?q=rural&page=2")

    assert pagination_links(first) == ["Next →"]
    assert 'href="?q=rural&amp;page=2">Next →' in text(first)
    assert pagination_links(second) == ["← Previous"]


def test_newest_first_results_link_older_and_newer_by_position(client, newsroom):
    first = client.get("/releases/?q=rural&sort=newest")

    assert pagination_links(first) == ["Older →"]
    older = re.search(r'<a rel="next" href="([^"]*)">', text(first)).group(1)
    assert "older=" in older and "sort=newest" in older
    second = client.get("/releases/" + older.replace("&amp;", "&"))
    assert pagination_links(second) == ["← Newer"]  # 25 matches: the second page is the last
    assert not set(listed_titles(first)) & set(listed_titles(second))


# Nothing found


def test_a_search_that_finds_nothing_says_so_and_suggests_what_to_try(client, newsroom):
    html = text(client.get("/releases/?q=xyzzy"))

    assert "No releases match “xyzzy”." in html
    assert "Check the spelling" in html
    assert "Remove a filter" not in html  # there is none to remove


def test_a_filtered_search_that_finds_nothing_suggests_removing_a_filter(client, newsroom):
    html = text(client.get("/releases/?q=broadband&topic=rural-development&senator=nobody-else"))
    assert "No releases match" not in html  # the unknown senator is left out: results remain

    html = text(client.get("/releases/?q=medals&topic=rural-development"))
    assert "No releases match “medals” with these filters." in html
    assert "Remove a filter above to search more widely." in html


def test_nothing_found_offers_no_export_feed_or_order_of_nothing(client, newsroom):
    response = client.get("/releases/?q=xyzzy")
    html = text(response)

    assert "/api/v1/releases/export.csv" not in html
    assert "Subscribe:" not in html and "/releases/feed/" not in html
    assert feed_alternates(response) == {}
    assert sort_choice(response) == {}
    # An email alert is for what comes next: it stays.
    assert '<a href="/alerts/?q=xyzzy">Email me when a release matches' in html


def test_results_offer_their_export_and_feed(client, newsroom):
    response = client.get("/releases/?q=broadband")

    assert "export.csv?q=broadband" in text(response)
    assert feed_alternates(response)["rss"] == "/releases/feed/rss/?q=broadband"


# Fixed queries, whatever the order


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # A search alone reads its matches once for the total, the type and the years.
        ("/releases/?q=broadband", 14),
        ("/releases/?q=broadband&sort=newest", 13),  # no ranking worked out
        ("/releases/?q=rural&page=2", 14),
        ("/releases/?q=xyzzy", 8),  # no rows to read, nor their senators and topics
        # With another filter each facet counts its own releases: + the senator named.
        ("/releases/?q=broadband&senator=amy-klobuchar", 17),
    ],
)
def test_a_search_page_runs_a_fixed_number_of_queries(
    client, newsroom, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_an_embargoed_match_stays_out_of_both_orders(client, newsroom):
    ReleaseFactory(
        title="Embargoed broadband", body="Broadband.", published_at=timezone.now() + timedelta(1)
    )

    for url in ["/releases/?q=broadband", "/releases/?q=broadband&sort=newest"]:
        assert "Embargoed broadband" not in listed_titles(client.get(url))


# A search alone is matched once


def facet_counts(response):
    """{facet: {choice: count}} and the total, as the page shows them."""
    facets = {f.name: {c.value: c.count for c in f.choices} for f in response.context["facets"]}
    return facets, response.context["page_obj"].paginator.count


def test_a_search_alone_counts_what_each_facet_counting_for_itself_would(
    client, newsroom, monkeypatch
):
    # Either side of the Eastern new year (05:00 UTC), a hidden draft, an embargo.
    ReleaseFactory(
        title="Broadband at midnight",
        body="Broadband.",
        published_at=datetime(2016, 1, 1, 5, 0, tzinfo=UTC),
        senators=[Senator.objects.get(slug="heidi-heitkamp")],
    )
    ReleaseFactory(
        title="Broadband before midnight",
        body="Broadband.",
        published_at=datetime(2016, 1, 1, 4, 59, 59, tzinfo=UTC),
    )
    ReleaseFactory(title="Broadband drafted", body="Broadband.", status=Release.Status.DRAFT)
    ReleaseFactory(title="Broadband embargoed", body="Broadband.",
                   published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    monkeypatch.setattr("django.conf.settings.COUNT_CACHE_SECONDS", 0)

    once = facet_counts(client.get("/releases/?q=broadband"))
    monkeypatch.setattr("releases.browse.facets.MANY_MATCHES", 1)  # more: each facet counts
    each = facet_counts(client.get("/releases/?q=broadband"))

    assert once == each
    facets, total = once
    assert total == 5
    assert facets["year"] == {"2016": 1, "2015": 2, "2014": 2}
    assert facets["senator"] == {"heidi-heitkamp": 2, "amy-klobuchar": 2}
    assert facets["topic"] == {"rural-development": 2}
    assert sum(facets["type"].values()) == 5
