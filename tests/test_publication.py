"""The publication rule on every public page: status is published and published_at <= now.

Each test sees three releases about the same senator, topic, bill and organization: a
draft (with a past publication time, so only its status hides it), a published release
embargoed until tomorrow, and a release published yesterday. Only the last may show.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.eastern import EASTERN
from releases.models import Release
from tests.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.html_helpers import facet_counts, listed_titles, text

pytestmark = pytest.mark.django_db

DRAFT = "Zebra crossing safety draft"
EMBARGOED = "Yak herders relief embargoed"
PAST = "Walrus habitat act published"
HIDDEN = [DRAFT, EMBARGOED]


@pytest.fixture
def newsroom():
    now = timezone.now()
    senator = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")
    topic = TopicFactory(name="Wildlife", slug="wildlife")
    bill = LegislationFactory(bill_type="s", number=4242, congress=118)
    organization = OrganizationFactory(name="Wildlife Trust", slug="wildlife-trust")
    # Only on releases the public may not see yet: it must not surface anywhere.
    hidden_topic = TopicFactory(name="Secret plans", slug="secret-plans")
    about = {
        "senators": [senator],
        "topics": [topic],
        "legislation": [bill],
        "organizations": [organization],
    }
    draft = ReleaseFactory(
        title=DRAFT,
        status=Release.Status.DRAFT,
        published_at=now - timedelta(days=1, hours=1),
        **{**about, "topics": [topic, hidden_topic]},
    )
    embargoed = ReleaseFactory(
        title=EMBARGOED,
        published_at=now + timedelta(days=1),
        **{**about, "topics": [topic, hidden_topic]},
    )
    past = ReleaseFactory(title=PAST, published_at=now - timedelta(days=1), **about)
    for release, words in [(draft, "zebra"), (embargoed, "yak"), (past, "walrus")]:
        QuoteFactory(release=release, senator=senator, text=f"I speak of the {words} today.")
    return SimpleNamespace(
        senator=senator,
        topic=topic,
        bill=bill,
        organization=organization,
        hidden_topic=hidden_topic,
        draft=draft,
        embargoed=embargoed,
        past=past,
    )


def archive_year(release):
    return f"/releases/{timezone.localtime(release.published_at, EASTERN):%Y}/"


def archive_month(release):
    return f"/releases/{timezone.localtime(release.published_at, EASTERN):%Y/%m}/"


# Pages that list releases, as a function of the newsroom fixture.
LISTING_PAGES = {
    "home": lambda n: "/",
    "release list": lambda n: "/releases/",
    "year archive": lambda n: archive_year(n.past),
    "month archive": lambda n: archive_month(n.past),
    "senator page": lambda n: n.senator.get_absolute_url(),
    "topic page": lambda n: n.topic.get_absolute_url(),
    "legislation page": lambda n: n.bill.get_absolute_url(),
    "organization page": lambda n: n.organization.get_absolute_url(),
}


@pytest.mark.parametrize("page", LISTING_PAGES.values(), ids=LISTING_PAGES.keys())
def test_only_the_published_past_release_is_listed(client, newsroom, page):
    response = client.get(page(newsroom))

    assert response.status_code == 200
    assert listed_titles(response) == [PAST]
    for title in HIDDEN:
        assert title not in text(response)


@pytest.mark.parametrize(("release", "status"), [("draft", 404), ("embargoed", 404), ("past", 200)])
def test_release_page_is_public_only_once_published_and_due(client, newsroom, release, status):
    release = getattr(newsroom, release)

    response = client.get(release.get_absolute_url())

    assert response.status_code == status
    assert (release.title in text(response)) is (status == 200)


def _count_after(anchor, pattern):
    """The first number matching `pattern` after the text `anchor`."""

    def count(html):
        start = html.index(anchor)
        return int(re.search(pattern, html[start:], re.DOTALL).group(1))

    return count


RELEASE_WORD = r"(\d+) releases?\b"
TABLE_CELL = r'<td class="num">(\d+)</td>'
HEADING = r"\((\d+)\)"

# (url, how to read the count of releases the page shows for the fixture's object)
COUNTS = {
    "home senators": (
        lambda n: "/",
        lambda n: _count_after('id="senators-heading"', r'class="count"[^>]*>(\d+)<'),
    ),
    "home topics": (
        lambda n: "/",
        lambda n: _count_after('id="topics-heading"', r'class="count"[^>]*>(\d+)<'),
    ),
    "release list": (lambda n: "/releases/", lambda n: _count_after("result-count", RELEASE_WORD)),
    "year archive": (
        lambda n: archive_year(n.past),
        lambda n: _count_after("result-count", RELEASE_WORD),
    ),
    "month archive": (
        lambda n: archive_month(n.past),
        lambda n: _count_after("result-count", RELEASE_WORD),
    ),
    "senator list": (
        lambda n: "/senators/",
        lambda n: _count_after(f'href="{n.senator.get_absolute_url()}"', RELEASE_WORD),
    ),
    "senator page": (
        lambda n: n.senator.get_absolute_url(),
        lambda n: _count_after('id="releases-heading"', HEADING),
    ),
    "topic list": (
        lambda n: "/topics/",
        lambda n: _count_after(f'href="{n.topic.get_absolute_url()}"', RELEASE_WORD),
    ),
    "topic page": (
        lambda n: n.topic.get_absolute_url(),
        lambda n: _count_after('id="releases-heading"', HEADING),
    ),
    "legislation list": (
        lambda n: "/legislation/",
        lambda n: _count_after(f'href="{n.bill.get_absolute_url()}"', TABLE_CELL),
    ),
    "legislation page": (
        lambda n: n.bill.get_absolute_url(),
        lambda n: _count_after('id="releases-heading"', HEADING),
    ),
    "organization list": (
        lambda n: "/organizations/",
        lambda n: _count_after(f'href="{n.organization.get_absolute_url()}"', TABLE_CELL),
    ),
    "organization page": (
        lambda n: n.organization.get_absolute_url(),
        lambda n: _count_after('id="releases-heading"', HEADING),
    ),
}


@pytest.mark.parametrize(("page", "reader"), COUNTS.values(), ids=COUNTS.keys())
def test_counts_leave_out_drafts_and_embargoed_releases(client, newsroom, page, reader):
    response = client.get(page(newsroom))

    assert response.status_code == 200
    assert reader(newsroom)(text(response)) == 1


def test_topics_only_on_hidden_releases_count_zero(client, newsroom):
    topics = text(client.get("/topics/"))
    home = client.get("/")
    facets = facet_counts(client.get("/releases/"), "topic")

    count = _count_after(f'href="{newsroom.hidden_topic.get_absolute_url()}"', RELEASE_WORD)
    assert count(topics) == 0
    assert newsroom.hidden_topic.name not in text(home)
    assert facets == {"wildlife": 1}


def test_facet_counts_leave_out_drafts_and_embargoed_releases(client, newsroom):
    response = client.get("/releases/")

    year = str(timezone.localtime(newsroom.past.published_at, EASTERN).year)
    assert facet_counts(response) == {
        ("senator", "tina-smith"): 1,
        ("topic", "wildlife"): 1,
        ("legislation", "s4242-118"): 1,
        ("organization", "wildlife-trust"): 1,
        ("year", year): 1,
    }


def test_filtered_list_leaves_out_drafts_and_embargoed_releases(client, newsroom):
    response = client.get(
        "/releases/?senator=tina-smith&topic=wildlife&legislation=s4242-118"
        "&organization=wildlife-trust&q=published"
    )

    assert listed_titles(response) == [PAST]
    assert client.get("/releases/?topic=secret-plans").context["page_obj"].paginator.count == 0


def test_related_releases_leave_out_drafts_and_embargoed_releases(client, newsroom):
    shown = ReleaseFactory(
        title="Otter rescue fund",
        published_at=timezone.now() - timedelta(days=2),
        senators=[newsroom.senator],
        topics=[newsroom.topic, newsroom.hidden_topic],
        legislation=[newsroom.bill],
    )

    response = client.get(shown.get_absolute_url())

    related = text(response).split('id="related-heading"', 1)[1]
    assert listed_titles(response) == [PAST]
    assert PAST in related
    for title in HIDDEN:
        assert title not in related


def test_senator_page_quotes_only_public_releases(client, newsroom):
    response = client.get(newsroom.senator.get_absolute_url())

    assert "I speak of the walrus today." in text(response)
    assert "zebra" not in text(response)
    assert "yak" not in text(response)


def test_archives_of_hidden_releases_months_do_not_list_them(client, newsroom):
    for release in [newsroom.draft, newsroom.embargoed]:
        for url in [archive_year(release), archive_month(release)]:
            response = client.get(url)
            assert response.status_code == 200
            assert release.title not in text(response)


def test_embargo_lifts_by_itself_on_the_next_request(client, newsroom):
    """No cron, no cache: the rule is evaluated on every request."""
    now = timezone.now()
    release = ReleaseFactory(
        title="Narwhal census embargo", published_at=now + timedelta(seconds=5)
    )
    embargoed_url = release.get_absolute_url()

    assert "Narwhal census embargo" not in text(client.get("/releases/"))
    assert "Narwhal census embargo" not in text(client.get("/"))
    assert client.get(embargoed_url).status_code == 404

    Release.objects.filter(pk=release.pk).update(published_at=now - timedelta(seconds=5))
    release.refresh_from_db()

    assert "Narwhal census embargo" in listed_titles(client.get("/releases/"))
    assert "Narwhal census embargo" in listed_titles(client.get("/"))
    assert client.get(release.get_absolute_url()).status_code == 200


def test_publishing_a_draft_makes_it_appear(client, newsroom):
    assert DRAFT not in text(client.get("/releases/"))

    Release.objects.filter(pk=newsroom.draft.pk).update(status=Release.Status.PUBLISHED)

    assert DRAFT in listed_titles(client.get("/releases/"))
    assert client.get(newsroom.draft.get_absolute_url()).status_code == 200
