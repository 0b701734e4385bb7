"""The leak matrix: a draft, a release scheduled for a moment T, and a published release,
against every public surface, one second before T and one second after it.

Each release has its own senator, topic, bill, organization, quote and a word found nowhere
else, so that any surface that lets it through shows that word (or counts it). The scheduled
release must be nowhere at T - 1 s and everywhere at T + 1 s; the draft is never anywhere;
the published release is always there. No cron, no cache: the clock alone lifts an embargo.
"""

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
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
