"""A senator who has left office keeps their newsroom: their pages, releases and feeds are
still served at the same addresses, and each release names them as they were then."""

from datetime import date, datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.eastern import EASTERN
from tests.support import data
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

FEEDS = [
    "/releases/feed/rss/?senator=heidi-heitkamp",
    "/releases/feed/atom/?senator=heidi-heitkamp",
]


def build_newsroom():
    """Former Senator Heitkamp (term ended January 3, 2019): the 2014 release she led with
    Senator Klobuchar, and a 2019 one she joined after leaving office."""
    heitkamp, klobuchar = data.heitkamp(), data.klobuchar()
    heitkamp.term_start, heitkamp.term_end = date(2013, 1, 3), date(2019, 1, 3)
    heitkamp.save()
    in_office = ReleaseFactory(
        title="Heitkamp, Klobuchar Introduce Bill to Combat Sex Trafficking",
        slug="heitkamp-klobuchar-sex-trafficking", senators=[heitkamp, klobuchar],
        published_at=datetime(2014, 5, 16, 12, tzinfo=EASTERN),
    )  # fmt: skip
    after = ReleaseFactory(
        title="Klobuchar Honors Former Senator Heitkamp", slug="klobuchar-honors-heitkamp",
        senators=[klobuchar, heitkamp], published_at=datetime(2019, 6, 3, 10, tzinfo=EASTERN),
    )  # fmt: skip
    return {"heitkamp": heitkamp, "klobuchar": klobuchar, "in_office": in_office, "after": after}


newsroom = data.built_once(build_newsroom)


def test_she_is_recorded_as_departed(newsroom):
    heitkamp = newsroom["heitkamp"]
    assert not heitkamp.in_office and heitkamp.term_end < date.today()


def test_a_release_from_her_term_is_served_naming_her_senator(client, newsroom):
    response = client.get(newsroom["in_office"].get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sen. Heidi Heitkamp <span" in page
    assert "Former Sen. Heidi Heitkamp" not in page


def test_a_release_after_her_term_names_her_former_senator(client, newsroom):
    response = client.get(newsroom["after"].get_absolute_url())
    assert response.status_code == 200
    assert "Former Sen. Heidi Heitkamp <span" in response.content.decode()


def test_her_page_is_served_with_her_releases(client, newsroom):
    response = client.get("/senators/heidi-heitkamp/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Former U.S. Senator for North Dakota" in page
    assert "in office 2013–2019" in page
    for release in (newsroom["in_office"], newsroom["after"]):
        assert release.get_absolute_url() in page


def test_she_is_listed_among_former_senators(client, newsroom):
    response = client.get("/senators/")
    assert response.status_code == 200
    assert "/senators/heidi-heitkamp/" in response.content.decode()


@pytest.mark.parametrize("address", FEEDS)
def test_her_feeds_are_served_with_the_titles_of_the_time(client, newsroom, address):
    response = client.get(address)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == [newsroom["after"].title, newsroom["in_office"].title]
    older, newer = feed.entries[1], feed.entries[0]
    assert "Sen. Heidi Heitkamp (D-ND)" in older.content[0].value
    assert "Former Sen. Heidi Heitkamp (D-ND)" not in older.content[0].value
    assert "Former Sen. Heidi Heitkamp (D-ND)" in newer.content[0].value


def test_the_api_still_serves_her_and_her_releases(client, newsroom):
    assert client.get("/api/v1/senators/H001069/").status_code == 200
    response = client.get("/api/v1/releases/?senator=heidi-heitkamp")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [
        newsroom["after"].pk,
        newsroom["in_office"].pk,
    ]


@pytest.mark.parametrize("kind", ["/senators/{slug}/", "/releases/feed/rss/?senator={slug}"])
def test_her_page_and_feed_cost_what_a_serving_senators_do(client, newsroom, kind):
    client.get("/")  # the site's horizon (the next embargo) is read once, by the first page
    counts = []
    for slug in ("heidi-heitkamp", "amy-klobuchar"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(kind.format(slug=slug)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
