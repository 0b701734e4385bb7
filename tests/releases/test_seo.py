"""For search engines and link previews: sitemap, robots.txt, JSON-LD, OpenGraph, Twitter."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from releases.models import Release
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.page_head import json_ld, meta, meta_all, read

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def newsroom(klobuchar, heitkamp):
    amy, heidi = klobuchar, heitkamp
    topic = TopicFactory(name="Human trafficking", slug="human-trafficking")
    quiet_topic = TopicFactory(name="Agriculture", slug="agriculture")
    bill = LegislationFactory(bill_type="s", number=1733, congress=113)
    organization = OrganizationFactory(name="Job Corps", slug="job-corps")
    release = ReleaseFactory(
        title="Klobuchar, Heitkamp join advocates against trafficking",
        highlights="Safe Harbor laws protect children\nA second highlight",
        dateline="Minneapolis, MN",
        published_at=datetime(2014, 5, 16, 16, 0, tzinfo=UTC),
        senators=[amy, heidi],
        topics=[topic],
        legislation=[bill],
        organizations=[organization],
    )
    draft = ReleaseFactory(
        title="A draft", slug="a-draft", status=Release.Status.DRAFT, published_at=None,
        senators=[amy],
    )  # fmt: skip
    embargoed = ReleaseFactory(
        title="An embargoed release", slug="an-embargoed-release",
        published_at=timezone.now() + timedelta(days=1), senators=[amy],
    )  # fmt: skip
    return {
        "amy": amy, "heidi": heidi, "topic": topic, "quiet_topic": quiet_topic, "bill": bill,
        "organization": organization, "release": release, "draft": draft,
        "embargoed": embargoed,
    }  # fmt: skip


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }


def absolute(path):
    return f"http://testserver{path}"


def test_the_sitemap_lists_public_releases_with_their_last_change(client, newsroom):
    urls = sitemap(client)
    release = Release.objects.get(pk=newsroom["release"].pk)

    assert urls[absolute(release.get_absolute_url())] == (
        f"{timezone.localdate(release.updated_at):%Y-%m-%d}"
    )
    release_urls = [u for u in urls if u.startswith(absolute("/releases/2"))]
    assert release_urls == [absolute(release.get_absolute_url())]


def test_the_sitemap_never_lists_drafts_or_embargoed_releases(client, newsroom):
    text = client.get("/sitemap.xml").content.decode()

    assert "a-draft" not in text
    assert "an-embargoed-release" not in text


def test_an_embargoed_release_joins_the_sitemap_when_its_time_comes(client, newsroom):
    embargoed = newsroom["embargoed"]
    Release.objects.filter(pk=embargoed.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    embargoed.refresh_from_db()

    assert absolute(embargoed.get_absolute_url()) in sitemap(client)


def test_the_sitemap_lists_senator_topic_bill_organization_and_index_pages(client, newsroom):
    urls = sitemap(client)
    release = Release.objects.get(pk=newsroom["release"].pk)
    last_change = f"{timezone.localdate(release.updated_at):%Y-%m-%d}"

    for page in ["/", "/releases/", "/senators/", "/topics/", "/legislation/", "/organizations/",
                 "/quotes/", "/api/v1/docs/"]:  # fmt: skip
        assert absolute(page) in urls
    # A page's last change is that of its newest public release.
    assert urls[absolute("/senators/amy-klobuchar/")] == last_change
    assert urls[absolute("/senators/heidi-heitkamp/")] == last_change
    assert urls[absolute("/topics/human-trafficking/")] == last_change
    assert urls[absolute("/legislation/s1733-113/")] == last_change
    assert urls[absolute("/organizations/job-corps/")] == last_change
    # A page with no public release yet is listed, without a date.
    assert urls[absolute("/topics/agriculture/")] is None


def test_every_address_in_the_sitemap_answers(client, newsroom):
    for url in sitemap(client):
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_the_sitemap_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for n in range(25):
        ReleaseFactory(
            published_at=start + timedelta(days=n),
            senators=[SenatorFactory()],
            topics=[TopicFactory()],
            legislation=[LegislationFactory()],
            organizations=[OrganizationFactory()],
        )

    # Per section (releases, senators, topics, bills, organizations): a count and a page.
    with django_assert_num_queries(10):
        assert len(sitemap(client)) == 8 + 25 * 5  # 8 index pages, then 5 sections


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_robots_txt_names_the_host_and_scheme_it_was_asked_on(client, settings):
    settings.ALLOWED_HOSTS = ["newsroom.example"]

    response = client.get("/robots.txt", HTTP_HOST="newsroom.example", secure=True)

    assert "Sitemap: https://newsroom.example/sitemap.xml" in response.content.decode()


def article(client, release):
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    blocks = json_ld(response)
    assert len(blocks) == 1
    return blocks[0]


def test_a_release_page_describes_itself_as_a_news_article(client, newsroom):
    release = Release.objects.get(pk=newsroom["release"].pk)
    url = absolute(release.get_absolute_url())

    data = article(client, release)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Klobuchar, Heitkamp join advocates against trafficking"
    assert data["datePublished"] == "2014-05-16T12:00:00-04:00"
    # Never corrected: modified when published, however often the row was saved since.
    assert datetime.fromisoformat(data["dateModified"]) == release.published_at
    assert data["author"] == [
        {"@type": "Person", "name": "Amy Klobuchar", "url": absolute("/senators/amy-klobuchar/")},
        {
            "@type": "Person",
            "name": "Heidi Heitkamp",
            "url": absolute("/senators/heidi-heitkamp/"),
        },
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Senate Newsroom"
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject", "url": absolute("/static/img/logo.png"), "width": 512,
        "height": 512,
    }  # fmt: skip
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["description"] == "Safe Harbor laws protect children"
    assert data["keywords"] == ["Human trafficking"]
    assert data["about"][0]["url"] == absolute("/topics/human-trafficking/")
    assert data["dateline"] == "Minneapolis, MN"
    assert data["image"] == [absolute("/static/img/share.png")]  # no lead image, no portrait


def test_the_article_shows_its_lead_image(client, newsroom):
    release = ReleaseFactory(
        lead_image="releases/2014/05/round-table.jpg",
        lead_image_alt="Senators at a round table",
        senators=[newsroom["amy"]],
    )

    data = article(client, release)
    tags = meta(client.get(release.get_absolute_url()))

    assert data["image"] == [absolute("/media/releases/2014/05/round-table.jpg")]
    assert tags["og:image"] == absolute("/media/releases/2014/05/round-table.jpg")
    assert tags["og:image:alt"] == "Senators at a round table"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == absolute("/media/releases/2014/05/round-table.jpg")


def test_without_highlights_the_description_is_the_body(client, newsroom):
    release = ReleaseFactory(highlights="", body="The senator **spoke** at length today.")

    assert article(client, release)["description"] == "The senator spoke at length today."


BREAKOUT = '</script><script>alert(1)</script><!-- \u2028 & "quoted"'


def test_a_title_cannot_break_out_of_the_json_ld(client, newsroom):
    release = ReleaseFactory(
        title=BREAKOUT,
        highlights="</script><script>alert(2)</script>",
        dateline="</SCRIPT >",
        senators=[newsroom["amy"]],
    )
    response = client.get(release.get_absolute_url())
    html = response.content.decode()

    assert "<script>alert(1)" not in html
    assert "<script>alert(2)" not in html
    assert "</SCRIPT >" not in html
    data = json_ld(response)[0]  # parses, and reads back exactly what was written
    assert data["headline"] == BREAKOUT
    assert data["description"] == "</script><script>alert(2)</script>"
    assert data["dateline"] == "</SCRIPT >"
    assert meta(response)["og:title"] == BREAKOUT


def test_a_release_page_has_opengraph_and_twitter_tags(client, newsroom):
    release = Release.objects.get(pk=newsroom["release"].pk)
    response = client.get(release.get_absolute_url())
    tags = meta(response)
    url = absolute(release.get_absolute_url())

    assert read(response).canonical == url
    assert tags["og:type"] == "article"
    assert tags["og:title"] == release.title
    assert tags["og:description"] == "Safe Harbor laws protect children"
    assert tags["og:url"] == url
    assert tags["og:site_name"] == "Senate Newsroom"
    assert tags["article:published_time"] == "2014-05-16T12:00:00-04:00"
    assert meta_all(response, "article:author") == [
        absolute("/senators/amy-klobuchar/"),
        absolute("/senators/heidi-heitkamp/"),
    ]
    assert meta_all(response, "article:tag") == ["Human trafficking"]
    assert tags["og:image"] == absolute("/static/img/share.png")  # tests/releases/test_sharing.py
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:title"] == release.title
    assert tags["twitter:description"] == "Safe Harbor laws protect children"


def test_an_embargoed_release_was_last_modified_when_it_went_live(client, newsroom):
    """Saved before its time, it changed for readers only when it was published."""
    embargoed = newsroom["embargoed"]
    went_live = timezone.now() - timedelta(minutes=5)
    Release.objects.filter(pk=embargoed.pk).update(
        published_at=went_live, updated_at=went_live - timedelta(days=2)
    )
    embargoed.refresh_from_db()

    data = article(client, embargoed)

    assert datetime.fromisoformat(data["dateModified"]) == went_live
    assert datetime.fromisoformat(data["datePublished"]) == went_live


def test_a_resaved_old_release_says_it_was_modified_when_published(client, klobuchar):
    """Link previews read article:modified_time: a 2014 release saved again in 2026 (no
    correction) was last changed for readers when it was published, as JSON-LD says."""
    release = ReleaseFactory(
        senators=[klobuchar], published_at=datetime(2014, 5, 16, 16, 0, tzinfo=UTC)
    )
    release.save()  # updated_at: now

    response = client.get(release.get_absolute_url())

    assert meta(response)["article:modified_time"] == "2014-05-16T12:00:00-04:00"
    assert json_ld(response)[0]["dateModified"] == "2014-05-16T12:00:00-04:00"
