"""The publication rule on every public surface: nothing shows before it is public.

The leak matrix: a draft, a release scheduled for a moment T, and a published release,
against every public surface, one second before T and one second after it. Each release
has its own senator, topic, bill, organization, quote and a word found nowhere else, so
that any surface that lets it through shows that word (or counts it). The scheduled release
must be nowhere at T - 1 s and everywhere at T + 1 s; the draft is never anywhere; the
published release is always there. No cron, no cache: the clock alone lifts an embargo.

Every page, now: three releases about the same senator, topic, bill and organization, a
draft (with a past publication time, so only its status hides it), a published release
embargoed until tomorrow, and a release published yesterday. Only the last may show.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from core.eastern import EASTERN
from releases.models import Release
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.html_helpers import facet_counts, listed_titles, text

pytestmark = pytest.mark.django_db

# The embargo moment: a whole second, in the past of the real clock so that created_at and
# updated_at (set by the real clock) never matter.
T = datetime(2025, 3, 11, 14, 0, 0, tzinfo=UTC)
BEFORE = T - timedelta(seconds=1)
AFTER = T + timedelta(seconds=1)

WORDS = {"draft": "zebra", "scheduled": "quokka", "published": "walrus"}


@pytest.fixture
def matrix():
    common = TopicFactory(name="Wildlife", slug="wildlife")
    releases = {}
    for n, (kind, word) in enumerate(WORDS.items()):
        senator = SenatorFactory(first_name=word.title(), last_name=f"{word.title()}son",
                                 slug=f"{word}-senator")  # fmt: skip
        topic = TopicFactory(name=f"{word.title()} topic", slug=f"{word}-topic")
        bill = LegislationFactory(number=7000 + n, short_title=f"{word.title()} Act")
        organization = OrganizationFactory(name=f"{word.title()} Trust", slug=f"{word}-trust")
        release = ReleaseFactory(
            title=f"Senator acts on {word} protection",
            slug=f"{word}-protection",
            body=f"The {word} needs help.",
            status=Release.Status.DRAFT if kind == "draft" else Release.Status.PUBLISHED,
            published_at={
                "draft": T - timedelta(days=2),
                "scheduled": T,
                "published": T - timedelta(days=3),
            }[kind],
            senators=[senator],
            topics=[topic, common],
            legislation=[bill],
            organizations=[organization],
        )
        QuoteFactory(release=release, senator=senator, text=f"Save the {word} now.")
        releases[kind] = SimpleNamespace(
            release=release, word=word, senator=senator, topic=topic, bill=bill,
            organization=organization,
        )  # fmt: skip
    # A public release sharing the common topic: its related list must obey the rule too.
    anchor = ReleaseFactory(
        title="Wildlife roundup", slug="wildlife-roundup", topics=[common],
        published_at=T - timedelta(days=10),
    )  # fmt: skip
    return SimpleNamespace(anchor=anchor, **releases)


def _month(release):
    local = timezone.localtime(release.published_at, EASTERN)
    return f"/releases/{local:%Y/%m}/"


def _json(response):
    return json.loads(response.content)


def _api_count(client, url):
    return _json(client.get(url))["release_count"]


def _release_or_quote_in(response, item):
    page = text(response)
    return item.release.title in page or f"Save the {item.word} now." in page


# Each surface: a function (client, item) -> whether the release shows there.
SURFACES = {
    "home": lambda c, i: i.word in text(c.get("/")),
    "list": lambda c, i: i.release.title in listed_titles(c.get("/releases/")),
    "list search": lambda c, i: i.release.title in listed_titles(c.get(f"/releases/?q={i.word}")),
    "list filtered": lambda c, i: bool(
        listed_titles(c.get(f"/releases/?senator={i.senator.slug}&topic={i.topic.slug}"))
    ),
    "list facets": lambda c, i: facet_counts(c.get("/releases/"), "topic").get(i.topic.slug, 0) > 0,
    "year archive": lambda c, i: i.release.title in listed_titles(c.get("/releases/2025/")),
    "month archive": lambda c, i: i.release.title in listed_titles(c.get(_month(i.release))),
    "release page": lambda c, i: c.get(i.release.get_absolute_url()).status_code == 200,
    "related releases": lambda c, i: i.word in text(c.get("/releases/2025/03/wildlife-roundup/")),
    "senator page": lambda c, i: _release_or_quote_in(c.get(i.senator.get_absolute_url()), i),
    "senator list count": lambda c, i: (
        _api_count(c, f"/api/v1/senators/{i.senator.bioguide_id}/") > 0
    ),
    "topic page": lambda c, i: i.release.title in text(c.get(i.topic.get_absolute_url())),
    "topic count": lambda c, i: _api_count(c, f"/api/v1/topics/{i.topic.slug}/") > 0,
    "bill page": lambda c, i: i.release.title in text(c.get(i.bill.get_absolute_url())),
    "bill count": lambda c, i: _api_count(c, f"/api/v1/legislation/{i.bill.bill_id}/") > 0,
    "organization page": lambda c, i: (
        i.release.title in text(c.get(i.organization.get_absolute_url()))
    ),
    "organization count": lambda c, i: (
        _api_count(c, f"/api/v1/organizations/{i.organization.slug}/") > 0
    ),
    "quotes": lambda c, i: f"Save the {i.word} now." in text(c.get("/quotes/")),
    "quotes search": lambda c, i: f"Save the {i.word} now." in text(c.get(f"/quotes/?q={i.word}")),
    "rss feed": lambda c, i: i.word in c.get("/releases/feed/rss/").content.decode(),
    "atom feed": lambda c, i: i.word in c.get("/releases/feed/atom/").content.decode(),
    "filtered feed": lambda c, i: (
        i.release.title in c.get(f"/releases/feed/rss/?topic={i.topic.slug}").content.decode()
    ),
    "sitemap": lambda c, i: i.release.slug in c.get("/sitemap.xml").content.decode(),
    "api list": lambda c, i: i.word in c.get("/api/v1/releases/").content.decode(),
    "api search": lambda c, i: bool(_json(c.get(f"/api/v1/releases/?q={i.word}"))["results"]),
    "api record": lambda c, i: c.get(f"/api/v1/releases/{i.release.pk}/").status_code == 200,
    "api quotes": lambda c, i: (
        f"Save the {i.word} now." in c.get("/api/v1/quotes/").content.decode()
    ),
    "csv export": lambda c, i: i.word in b"".join(c.get("/api/v1/releases/export.csv")).decode(),
    "json export": lambda c, i: i.word in b"".join(c.get("/api/v1/releases/export.json")).decode(),
}

CASES = {
    "draft after T": ("draft", AFTER, False),
    "scheduled 1s before T": ("scheduled", BEFORE, False),
    "scheduled 1s after T": ("scheduled", AFTER, True),
    "published": ("published", BEFORE, True),
}


@pytest.mark.parametrize(("kind", "moment", "shown"), CASES.values(), ids=CASES.keys())
def test_release_shows_only_when_public(client, matrix, kind, moment, shown):
    """Every surface in one test per case (the fixture is costly); failures name them all."""
    item = getattr(matrix, kind)

    with time_machine.travel(moment, tick=False):
        wrong = [name for name, surface in SURFACES.items() if surface(client, item) is not shown]

    assert wrong == [], f"{kind} {'missing from' if shown else 'leaks into'}: {wrong}"


def test_the_matrix_covers_a_release_that_goes_live_between_two_requests(client, matrix):
    """One client, no cache between: the same URLs answer differently across T."""
    urls = ["/", "/releases/", "/releases/feed/atom/", "/sitemap.xml", "/api/v1/releases/"]
    with time_machine.travel(BEFORE, tick=False):
        before = [client.get(u).content.decode() for u in urls]
    with time_machine.travel(AFTER, tick=False):
        after = [client.get(u).content.decode() for u in urls]

    # The slug: senators' pages are public whether or not they have released anything.
    assert not any("quokka-protection" in page for page in before)
    assert all("quokka-protection" in page for page in after)


def test_kept_pages_respect_the_embargo_boundary(client, matrix, settings, tmp_path):
    """With the page cache on, a page kept before T is not served after it."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "stamp")
    cache.clear()
    urls = ["/", "/releases/", "/releases/feed/rss/", "/sitemap.xml", "/api/v1/releases/"]
    with time_machine.travel(BEFORE, tick=False):
        for url in urls:
            client.get(url)
        kept = [client.get(u) for u in urls]
    with time_machine.travel(AFTER, tick=False):
        after = [client.get(u).content.decode() for u in urls]
    cache.clear()

    assert all(r["X-Page-Cache"] == "hit" for r in kept)
    assert not any("quokka-protection" in r.content.decode() for r in kept)
    assert all("quokka-protection" in page for page in after)


# Every page, now: a draft, an embargoed release and a published one about one senator.

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
    every_topic = text(client.get("/topics/?all=1"))
    home = client.get("/")
    facets = facet_counts(client.get("/releases/"), "topic")

    link = f'href="{newsroom.hidden_topic.get_absolute_url()}"'
    assert link not in topics  # the index lists topics with public releases
    assert _count_after(link, RELEASE_WORD)(every_topic) == 0
    assert newsroom.hidden_topic.name not in text(home)
    assert facets == {"wildlife": 1}


def test_facet_counts_leave_out_drafts_and_embargoed_releases(client, newsroom):
    response = client.get("/releases/")

    year = str(timezone.localtime(newsroom.past.published_at, EASTERN).year)
    assert facet_counts(response) == {
        ("senator", "tina-smith"): 1,
        ("type", "press-release"): 1,  # the draft and the embargoed one are press releases too
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
