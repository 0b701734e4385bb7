"""The picture a shared link shows (OpenGraph, Twitter card, JSON-LD), and the publisher logo.

A release shows its lead image, else its lead senator's portrait, else the site's card; a
senator's page their portrait; every other page the card.
"""

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from releases.models import ReleaseSenator
from tests.support.factories import ReleaseFactory, SenatorFactory
from tests.support.page_head import json_ld, meta

pytestmark = pytest.mark.django_db

CARD = "http://testserver/static/img/share.png"


def absolute(path):
    return f"http://testserver{path}"


@pytest.fixture
def portrait(klobuchar):
    """Klobuchar with an imported portrait (the name is all a page reads)."""
    klobuchar.photo = "senators/K000367-3f2a9c1b7d40.jpg"
    klobuchar.photo_widths = [120, 240, 450]
    klobuchar.save()
    return klobuchar


def shared(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    return meta(response)


def test_a_release_with_a_lead_image_shares_it(client, portrait):
    release = ReleaseFactory(
        lead_image="releases/2014/05/round-table.jpg",
        lead_image_alt="Senators at a round table",
        senators=[portrait],
    )
    response = client.get(release.get_absolute_url())
    tags = meta(response)

    image = absolute("/media/releases/2014/05/round-table.jpg")
    assert tags["og:image"] == tags["twitter:image"] == image
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "Senators at a round table"
    assert tags["twitter:card"] == "summary_large_image"
    assert json_ld(response)[0]["image"] == [image]


def test_a_large_lead_image_is_shared_by_its_1600_pixel_rendition(client, klobuchar):
    release = ReleaseFactory(
        lead_image="releases/2014/05/hearing.jpg",
        lead_image_alt="A hearing",
        lead_image_widths=[480, 960, 1600, 4000],
        senators=[klobuchar],
    )
    response = client.get(release.get_absolute_url())

    image = absolute("/media/releases/2014/05/hearing-1600w.jpg")
    assert meta(response)["og:image"] == image
    assert json_ld(response)[0]["image"] == [image]


def test_without_a_lead_image_a_release_shares_its_lead_senators_portrait(
    client, portrait, heitkamp
):
    release = ReleaseFactory(senators=[portrait, heitkamp])
    response = client.get(release.get_absolute_url())
    tags = meta(response)

    image = absolute("/media/senators/K000367-3f2a9c1b7d40.jpg")
    assert tags["og:image"] == tags["twitter:image"] == image
    assert tags["og:image:alt"] == "Official portrait of Amy Klobuchar"
    assert tags["twitter:card"] == "summary"  # a portrait, not a wide picture
    assert json_ld(response)[0]["image"] == [image]


def test_the_lead_senator_is_the_one_marked_lead_not_the_first_listed(client, portrait, heitkamp):
    release = ReleaseFactory(senators=[heitkamp, portrait])  # Heitkamp leads, no portrait
    assert shared(client, release.get_absolute_url())["og:image"] == CARD
    ReleaseSenator.objects.filter(release=release).update(role="joint")
    ReleaseSenator.objects.filter(release=release, senator=portrait).update(role="lead")

    tags = shared(client, release.get_absolute_url())

    assert tags["og:image"] == absolute("/media/senators/K000367-3f2a9c1b7d40.jpg")


def test_without_a_picture_a_release_shares_the_sites_card(client, klobuchar):
    release = ReleaseFactory(senators=[klobuchar])
    response = client.get(release.get_absolute_url())
    tags = meta(response)

    assert tags["og:image"] == tags["twitter:image"] == CARD
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"] == "Senate Newsroom"
    assert tags["twitter:card"] == "summary_large_image"
    assert json_ld(response)[0]["image"] == [CARD]


def test_the_sites_card_is_a_1200_by_630_png():
    with Image.open(finders.find("img/share.png")) as card:
        assert (card.format, card.size) == ("PNG", (1200, 630))


def test_the_addresses_follow_the_scheme_and_host_the_page_was_asked_on(client, settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    release = ReleaseFactory(senators=[SenatorFactory()])

    tags = shared(client, release.get_absolute_url(), secure=True, HTTP_HOST="news.example")

    assert tags["og:image"] == "https://news.example/static/img/share.png"


def test_the_publisher_logo_is_a_png_that_resolves(client, klobuchar):
    release = ReleaseFactory(senators=[klobuchar])

    logo = json_ld(client.get(release.get_absolute_url()))[0]["publisher"]["logo"]

    assert logo == {
        "@type": "ImageObject",
        "url": absolute("/static/img/logo.png"),
        "width": 512,
        "height": 512,
    }
    path = finders.find(logo["url"].removeprefix(absolute("/static/")))
    assert path, "the logo is not a static file"
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (512, 512))


def test_a_senators_page_shares_their_portrait(client, portrait):
    tags = shared(client, "/senators/amy-klobuchar/")

    assert tags["og:image"] == tags["twitter:image"] == absolute(portrait.photo.url)
    assert tags["og:image:alt"] == "Official portrait of Amy Klobuchar"
    assert tags["og:type"] == "profile"
    assert tags["og:title"] == "Amy Klobuchar (D-MN)"
    assert tags["og:url"] == absolute("/senators/amy-klobuchar/")


def test_a_senator_without_a_portrait_and_other_pages_share_the_card(client, heitkamp):
    assert shared(client, "/senators/heidi-heitkamp/")["og:image"] == CARD
    for path in ["/", "/releases/", "/topics/"]:
        tags = shared(client, path)
        assert tags["og:image"] == CARD, path
        assert tags["og:type"] == "website"


def test_falling_back_to_the_portrait_costs_no_query(client, portrait, settings):
    """The lead senator comes from the issuers the page loads anyway: a release shared by
    its lead senator's portrait runs the queries of one with a lead image of its own."""
    settings.PAGE_CACHE_SECONDS = 0  # every request makes its page
    own_image = ReleaseFactory(
        lead_image="releases/2014/05/a.jpg", lead_image_alt="A hearing", senators=[portrait]
    )
    by_portrait = ReleaseFactory(senators=[portrait])
    counts = []
    for release in [own_image, by_portrait]:
        client.get(release.get_absolute_url())  # warm the kept counts
        with CaptureQueriesContext(connection) as queries:
            client.get(release.get_absolute_url())
        counts.append(len(queries))

    assert counts[0] == counts[1] > 0
