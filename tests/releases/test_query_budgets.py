"""Query budgets: every API endpoint and public page runs as many queries with 2 releases as
with 30, at every page size, and never lazily loads a row.

Each case is measured on a newsroom of 2 public releases, which then grows to 30 in the same
test, and measured again: at `?page_size=1`, `10` and the API's maximum, and on the page after
the first. Every count must be the same, and within the case's budget. Every measured
request runs with Django 6.1's FETCH_RAISE as the default fetch mode
(tests/support/fetch_modes.py), so a foreign key or deferred field read row by row fails the
test with FieldFetchBlocked.

The pages held exactly, cold and warm, at the end of this file (home, release list,
filtered list, year archive, release page, the index and detail pages of senators, topics,
bills and organizations) are only checked here for lazy loads; the rest (feeds, sitemap,
quotes, month archive, the list's other filters and search, old addresses, the whole API)
have their budgets here. The HTML pages' budgets leave room; the API's are exact.

Cold and warm: every list and detail page runs a fixed number of queries, however many
releases it shows. Each page is measured with 1 and with 40 releases that each have two
senators, two topics, two bills and two organizations (one of each shared by all, one of
their own). The limit is the count measured with 40 releases; with 1 release the page must
run exactly as many. Each is measured twice: with its counts worked out afresh (the first
view after any change), then with them kept (core/caching.py).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import feedparser
import pytest
from django.core.cache import cache
from django.core.exceptions import FieldFetchBlocked
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modelsearch.backends import get_search_backend

from api.pagination import MAX_PAGE_SIZE
from people.models import Organization, Senator
from releases.browse.pagination import position_of
from releases.markdown import render_markdown
from releases.models import (
    Correction,
    FormerSlug,
    Legislation,
    Quote,
    Release,
    ReleaseSenator,
    Topic,
)
from tests.support.data import built_once
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.feeds import read_feed
from tests.support.fetch_modes import lazy_loads_raise
from tests.support.html_helpers import listed_titles

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 30
PAGE_SIZES = (1, 10, MAX_PAGE_SIZE)
NEWEST = datetime(2014, 5, 30, 16, 0, tzinfo=UTC)  # every release falls in May 2014 (Eastern)


# The newsroom.


@dataclass
class Newsroom:
    """Shared senator, topic, bill and organization on every release; `newest` release."""

    senator: Senator
    topic: Topic
    bill: Legislation
    organization: Organization
    newest: Release = None
    size: int = 0


def build_newsroom(size=SMALL):
    senator = SenatorFactory(
        bioguide_id="K000367", first_name="Amy", last_name="Klobuchar",
        official_full_name="Amy Klobuchar", slug="amy-klobuchar",
    )  # fmt: skip
    topic = TopicFactory(name="Human trafficking", slug="human-trafficking")
    bill = LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=senator)
    bill.cosponsors.set([SenatorFactory(), SenatorFactory()])
    organization = OrganizationFactory(name="United Nations", slug="united-nations")
    shared = {
        "senators": [senator],
        "topics": [topic],
        "legislation": [bill],
        "organizations": [organization],
    }
    # A draft and an embargoed release on the same senator, topic, bill and organization.
    ReleaseFactory(status=Release.Status.DRAFT, published_at=None, **shared)
    ReleaseFactory(published_at=timezone.now() + timedelta(days=1), **shared)
    newsroom = Newsroom(senator, topic, bill, organization)
    grow(newsroom, size)
    FormerSlug.objects.create(release=newsroom.newest, slug="an-earlier-title")
    return newsroom


def grow(newsroom, size):
    """Public releases, an hour older each, until there are `size`. Each has the shared
    and its own senator, topic, bill and organization, a quote from each of its senators and
    one from a named speaker, and a correction. Rows are bulk-created: the counts matter
    here, and saving them one by one (search index, history) would take most of the time."""
    body = "The senator **announced** a measure today.\n\nA second paragraph."
    releases = Release.objects.bulk_create(
        Release(
            title=f"Senator announces measure {n}",
            slug=f"public-measure-{n}",
            highlights="First highlight\nSecond highlight",
            dateline="Washington, DC",
            body=body,
            body_html=render_markdown(body),  # as save() would
            status=Release.Status.PUBLISHED,
            published_at=NEWEST - timedelta(hours=n),
        )
        for n in range(newsroom.size, size)
    )
    if newsroom.newest is None:
        newsroom.newest = releases[0]
    senators = Senator.objects.bulk_create(SenatorFactory.build_batch(len(releases)))
    topics = Topic.objects.bulk_create(TopicFactory.build_batch(len(releases)))
    organizations = Organization.objects.bulk_create(OrganizationFactory.build_batch(len(releases)))
    bills = LegislationFactory.build_batch(len(releases), congress=114)  # not s1733-113
    for bill in bills:
        bill.bill_id = f"{bill.bill_type}{bill.number}-{bill.congress}"  # as save() would
    bills = Legislation.objects.bulk_create(bills)

    issuers, quotes, corrections = [], [], []
    links = {"topics": [], "legislation": [], "organizations": []}
    for release, senator, topic, bill, organization in zip(
        releases, senators, topics, bills, organizations, strict=True
    ):
        issuers += [
            ReleaseSenator(release=release, senator=newsroom.senator, role="lead", order=0),
            ReleaseSenator(release=release, senator=senator, role="joint", order=1),
        ]
        for name, objects in [
            ("topics", (newsroom.topic, topic)),
            ("legislation", (newsroom.bill, bill)),
            ("organizations", (newsroom.organization, organization)),
        ]:
            through = getattr(Release, name).through
            target = f"{objects[0]._meta.model_name}_id"
            links[name] += [through(release_id=release.pk, **{target: o.pk}) for o in objects]
        quotes += [
            Quote(release=release, senator=newsroom.senator, text="A good day for victims."),
            Quote(release=release, senator=senator, text="Justice for trafficking victims."),
            Quote(
                release=release, speaker_name="Jane Advocate", speaker_title="Director",
                speaker_organization=organization, text="Victims deserve services.", order=2,
            ),
        ]  # fmt: skip
        corrections.append(
            Correction(release=release, text="An earlier version misnamed the bill.")
        )
    ReleaseSenator.objects.bulk_create(issuers)
    for name, rows in links.items():
        getattr(Release, name).through.objects.bulk_create(rows)
    quotes = Quote.objects.bulk_create(quotes)
    Correction.objects.bulk_create(corrections)
    # Indexed for search in one go, as releases/signals.py would one by one.
    search_index = get_search_backend()
    search_index.add_bulk(
        Release,
        Release.objects.filter(pk__in=[r.pk for r in releases]).prefetch_related(
            "senators", "topics", "organizations", "legislation", "quotes"
        ),
    )
    search_index.add_bulk(Quote, Quote.objects.filter(pk__in=[q.pk for q in quotes]))
    newsroom.size = size


# Measuring.


@dataclass
class Measured:
    queries: int
    response: object
    content: bytes


def measure(client, url, status=200):
    """The queries one request runs, with nothing cached and lazy loads raising."""
    cache.clear()  # counts and pages kept from an earlier request would hide queries
    with lazy_loads_raise(), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == status, f"{url}: {response.status_code}"
    return Measured(len(captured), response, content)


def with_query(url, **params):
    extra = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{extra}"


def assert_same_and_within(counts, budget):
    """Every measured count is the same, and within `budget`."""
    assert len(set(counts.values())) == 1, f"query counts differ: {counts}"
    assert max(counts.values()) <= budget, f"over the budget of {budget}: {counts}"


# The API's lists: by size, page size, and on the second page.

API = "/api/v1"
ALL_FILTERS = "topic=human-trafficking&legislation=s1733-113&organization=united-nations&year=2014"
# (address, budget: the page, one query per prefetch, one per parameter naming objects)
API_LISTS = {
    # releases + issuers, quotes, topics, bills, organizations, corrections, documents
    "releases": ("releases/", 8),
    "releases by senator": ("releases/?senator=amy-klobuchar", 9),
    "releases by Bioguide ID": ("releases/?senator=K000367", 10),  # + Bioguide IDs to slugs
    "releases by every other filter": (f"releases/?{ALL_FILTERS}", 11),
    # + the search's ranking and matches, kept between changes (worked out here: `measure`
    # empties the cache)
    "releases matching a search": ("releases/?q=measure", 10),
    "senators": ("senators/", 1),
    "topics": ("topics/", 1),
    "legislation": ("legislation/", 2),  # + cosponsors
    "organizations": ("organizations/", 1),
    "quotes": ("quotes/", 1),
    "quotes by senator, topic and bill": (
        "quotes/?senator=K000367&topic=human-trafficking&legislation=s1733-113",
        5,  # + Bioguide IDs, senators, topics, bills named
    ),
}


@pytest.mark.parametrize(("path", "budget"), API_LISTS.values(), ids=API_LISTS.keys())
def test_an_api_list_runs_the_same_queries_whatever_the_size(client, path, budget):
    newsroom = build_newsroom(SMALL)
    url = f"{API}/{path}"
    counts, lengths = {}, {}
    for size in (SMALL, LARGE):
        grow(newsroom, size)
        for page_size in PAGE_SIZES:
            measured = measure(client, with_query(url, page_size=page_size))
            counts[size, page_size] = measured.queries
            lengths[size, page_size] = len(measured.response.json()["results"])
    following = urlsplit(measure(client, url).response.json()["next"])
    second = measure(client, f"{following.path}?{following.query}")
    counts["second page"] = second.queries

    assert_same_and_within(counts, budget)
    # The pages really grew: one record a page at size 1, more with 30 releases than with 2.
    assert lengths[SMALL, 1] == lengths[LARGE, 1] == 1
    assert lengths[LARGE, MAX_PAGE_SIZE] > lengths[SMALL, MAX_PAGE_SIZE] > 1
    assert second.response.json()["results"]


# The API's records and exports: by size.

API_RECORDS = {
    "root": (lambda n: "", 0),
    "release": (lambda n: f"releases/{n.newest.pk}/", 8),
    "senator": (lambda n: "senators/K000367/", 1),
    "topic": (lambda n: "topics/human-trafficking/", 1),
    "bill": (lambda n: "legislation/s1733-113/", 2),
    "organization": (lambda n: "organizations/united-nations/", 1),
    "quote": (lambda n: f"quotes/{n.newest.quotes.first().pk}/", 1),
    # One query for the releases and one per prefetch, per chunk of 500 releases.
    # Exports: + where the next part starts.
    "CSV export": (lambda n: "releases/export.csv", 9),
    "JSON export": (lambda n: "releases/export.json", 9),
    "filtered CSV export": (lambda n: f"releases/export.csv?senator=K000367&{ALL_FILTERS}", 14),
    "searched JSON export": (lambda n: "releases/export.json?q=measure", 11),  # + ranking
}


@pytest.mark.parametrize(("path", "budget"), API_RECORDS.values(), ids=API_RECORDS.keys())
def test_an_api_record_or_export_runs_the_same_queries_whatever_the_size(client, path, budget):
    newsroom = build_newsroom(SMALL)
    url = f"{API}/{path(newsroom)}"
    counts, sizes = {}, {}
    for size in (SMALL, LARGE):
        grow(newsroom, size)
        measured = measure(client, url)
        counts[size] = measured.queries
        sizes[size] = len(measured.content)

    assert_same_and_within(counts, budget)
    if "export" in url:
        assert sizes[LARGE] > sizes[SMALL] * 5  # 30 releases written, not 2


# Public pages that tests/test_queries.py does not hold.

# (address, budget, status). Budgets leave two queries of room, but for the release list's
# own variants: that list and its facet counts are being reworked (counts kept in the cache,
# which `measure` empties), so theirs only stop runaway growth; tighten them once it settles.
PAGES = {
    # filter lookups, releases, + senators, topics, quotes with their speakers (measured: 4)
    "RSS feed": (lambda n: "/releases/feed/rss/", 6, 200),
    "Atom feed": (lambda n: "/releases/feed/atom/", 6, 200),
    "filtered feed": (  # measured: 8
        lambda n: f"/releases/feed/atom/?senator=amy-klobuchar&{ALL_FILTERS}",
        10,
        200,
    ),
    "searched feed": (lambda n: "/releases/feed/rss/?q=measure", 6, 200),
    "sitemap": (lambda n: "/sitemap.xml", 12, 200),  # a count and a page a section: 10
    "quotes": (lambda n: "/quotes/", 8, 200),  # 6
    "filtered quotes": (  # 8
        lambda n: "/quotes/?senator=amy-klobuchar&topic=human-trafficking",
        10,
        200,
    ),
    "searched quotes": (lambda n: "/quotes/?q=victims", 8, 200),  # 6
    "month archive": (lambda n: "/releases/2014/05/", 30, 200),  # 21 as reworked
    "list by every other filter": (lambda n: f"/releases/?{ALL_FILTERS}", 30, 200),  # 24
    "searched list": (lambda n: "/releases/?q=measure", 30, 200),  # 21
    # the release, not found; its former slug: 2
    "a release's old address": (lambda n: "/releases/2014/05/an-earlier-title/", 4, 301),
    # the release, with everything its page shows (7), then the redirect
    "a release under another date": (
        lambda n: n.newest.get_absolute_url().replace("/2014/05/", "/2013/01/"),
        9,
        301,
    ),
    "a bill ID in capitals": (lambda n: "/legislation/S1733-113/", 4, 301),  # 2
    "robots.txt": (lambda n: "/robots.txt", 0, 200),
}


@pytest.mark.parametrize(("page", "budget", "status"), PAGES.values(), ids=PAGES.keys())
def test_a_public_page_runs_the_same_queries_whatever_the_size(client, page, budget, status):
    newsroom = build_newsroom(SMALL)
    url = page(newsroom)
    counts, sizes = {}, {}
    for size in (SMALL, LARGE):
        grow(newsroom, size)
        measured = measure(client, url, status)
        counts[size] = measured.queries
        sizes[size] = len(measured.content)

    assert_same_and_within(counts, budget)
    if status == 200 and url != "/robots.txt":
        assert sizes[LARGE] > sizes[SMALL]  # the larger newsroom really is on the page


# Lazy loads on the pages counted cold and warm below.


def test_no_public_page_loads_a_row_lazily(client):
    """The pages counted cold and warm below, under FETCH_RAISE."""
    newsroom = build_newsroom(LARGE)
    pages = [
        "/", "/releases/", "/releases/?senator=amy-klobuchar&topic=human-trafficking",
        "/releases/2014/", newsroom.newest.get_absolute_url(), "/senators/",
        "/senators/amy-klobuchar/", "/topics/", "/topics/human-trafficking/", "/legislation/",
        "/legislation/s1733-113/", "/organizations/", "/organizations/united-nations/",
    ]  # fmt: skip
    for url in pages:
        measure(client, url)  # FieldFetchBlocked, or a status other than 200, fails it


def test_the_guard_makes_a_lazy_load_fail():
    """Under lazy_loads_raise a foreign key read row by row raises; with select_related, or
    outside the block, it does not. (If Django changed how the default is kept, the budgets
    above would stop catching lazy loads: this fails first.)"""
    newsroom = build_newsroom(SMALL)

    with lazy_loads_raise():
        quote = Quote.objects.filter(speaker_name="").first()
        with pytest.raises(FieldFetchBlocked):
            quote.senator  # noqa: B018
        with pytest.raises(FieldFetchBlocked):
            Release.objects.only("title").get(pk=newsroom.newest.pk).body  # noqa: B018
        joined = Quote.objects.select_related("senator").filter(speaker_name="").first()
        assert joined.senator.slug
    assert Quote.objects.filter(speaker_name="").first().senator.slug


# Cold and warm: each page's exact count with its counts worked out, then kept.

PER_PAGE = 20


def build_listed_newsroom(size):
    """`size` releases of 2014 about shared and own senators, topics, bills, organizations,
    and a newer, detailed one: 2 senators, 3 quotes, topics, bills and organizations.

    The detailed release shares a senator, topic and bill with all the others, so its
    related releases are never empty."""
    latest = datetime(2014, 5, 16, 16, 0, tzinfo=UTC)
    senator = SenatorFactory(slug="shared-senator")
    topic = TopicFactory(slug="shared-topic")
    bill = LegislationFactory(bill_type="s", number=1, congress=113)
    organization = OrganizationFactory(slug="shared-organization")
    for n in range(size):
        ReleaseFactory(
            title=f"Listed release {n}",
            published_at=latest - timedelta(days=n + 1),
            senators=[senator, SenatorFactory()],
            topics=[topic, TopicFactory()],
            legislation=[bill, LegislationFactory()],
            organizations=[organization, OrganizationFactory()],
        )
    cosponsor = SenatorFactory()
    bill.sponsor = senator
    bill.save()
    bill.cosponsors.set([cosponsor, SenatorFactory()])
    detailed = ReleaseFactory(
        title="Detailed release",
        published_at=latest,
        senators=[senator, cosponsor],
        topics=[topic, TopicFactory()],
        legislation=[bill, LegislationFactory(sponsor=cosponsor)],
        organizations=[organization, OrganizationFactory()],
    )
    QuoteFactory(release=detailed, senator=senator, order=0)
    QuoteFactory(release=detailed, senator=cosponsor, order=1)
    QuoteFactory(
        release=detailed,
        senator=None,
        speaker_name="Jane Advocate",
        speaker_title="Director",
        speaker_organization=organization,
        order=2,
    )
    return SimpleNamespace(
        senator=senator, topic=topic, bill=bill, organization=organization, detailed=detailed
    )


# (address, queries with the counts worked out afresh, queries once they are kept), each
# measured with 40 releases. Counts (facets, totals, a topic's releases) are kept between
# changes (core/caching.py); the first view after a change works them out, and the next
# embargo's time once per change.
COLD_AND_WARM = {
    "home": (lambda n: "/", 10, 5),
    # Cold list pages: + the type facet's one GROUP BY (unfiltered: and the hidden ones').
    "release list": (lambda n: "/releases/", 22, 4),
    "filtered release list": (
        lambda n: f"/releases/?senator={n.senator.slug}&topic={n.topic.slug}",
        19,
        6,
    ),
    "year archive": (lambda n: "/releases/2014/", 17, 4),
    "deep page by position": (lambda n: older_than(n, "/releases/"), 21, 3),
    # + corrections, documents; cold: + the related releases' scores (kept after), and
    # when kept values must end
    "release page": (lambda n: n.detailed.get_absolute_url(), 13, 11),
    "senator list": (lambda n: "/senators/", 6, 2),  # + states, then in office and former
    "senator page": (lambda n: n.senator.get_absolute_url(), 10, 7),  # + activity chart
    "topic list": (lambda n: "/topics/", 7, 2),  # + letters and totals, a page's count, ids
    "topic page": (lambda n: n.topic.get_absolute_url(), 8, 5),  # + activity chart
    "legislation list": (lambda n: "/legislation/", 7, 2),
    "legislation page": (lambda n: n.bill.get_absolute_url(), 8, 6),
    "organization list": (lambda n: "/organizations/", 7, 2),
    "organization page": (lambda n: n.organization.get_absolute_url(), 7, 5),
}


def older_than(newsroom, path):
    """The address of the releases below the detailed (newest) one, as "Older →" writes it."""
    return f"{path}?older={position_of(newsroom.detailed)}"


listed_newsroom = built_once(build_listed_newsroom, scope="class", params=[1, 40])
forty_listed = built_once(build_listed_newsroom, scope="class", params=[40])


class TestColdAndWarm:
    """Each page's count, with 1 and with 40 listed releases (each newsroom built once)."""

    @pytest.mark.parametrize(
        ("page", "cold", "warm"), COLD_AND_WARM.values(), ids=COLD_AND_WARM.keys()
    )
    def test_query_count_does_not_grow_with_releases(
        self, client, django_assert_max_num_queries, listed_newsroom, page, cold, warm
    ):
        url = page(listed_newsroom)
        cache.clear()

        for limit in (cold, warm):
            with django_assert_max_num_queries(limit) as captured:
                response = client.get(url)

            assert response.status_code == 200
            assert len(captured) == limit, "\n".join(q["sql"] for q in captured.captured_queries)


class TestFortyListed:
    def test_the_newsroom_is_as_big_as_it_says(self, forty_listed):
        """The 40-release newsroom really links 40 releases to many objects."""
        assert forty_listed.senator.releases.count() == 41
        assert Senator.objects.count() == 1 + 40 + 2
        assert Topic.objects.count() == 1 + 40 + 1
        assert Legislation.objects.count() == 1 + 40 + 1
        assert Organization.objects.count() == 1 + 40 + 1

    @pytest.mark.parametrize(
        "page",
        [
            "/releases/",
            "/releases/?senator=shared-senator&topic=shared-topic",
            "/senators/shared-senator/",
            "/topics/shared-topic/",
            "/legislation/s1-113/",
            "/organizations/shared-organization/",
        ],
    )
    def test_lists_show_20_releases_a_page(self, client, forty_listed, page):
        first = listed_titles(client.get(page))
        third = listed_titles(client.get(page + ("&" if "?" in page else "?") + "page=3"))

        assert len(first) == PER_PAGE
        assert first[0] == "Detailed release"
        assert len(third) == 1
        assert third == ["Listed release 39"]


# Feeds: at most 50 entries, a fixed number of queries whatever their size.

FEED_URLS = ["/releases/feed/rss/", "/releases/feed/atom/"]


def test_the_feed_holds_the_latest_50(client):
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for n in range(52):
        ReleaseFactory(title=f"Release {n}", published_at=start + timedelta(days=n))

    for url in FEED_URLS:
        feed = read_feed(client, url)
        assert len(feed.entries) == 50
        assert feed.entries[0].title == "Release 51"
        assert feed.entries[-1].title == "Release 2"


def build_releases(size):
    """`size` public releases, each with two senators, two topics and two quotes."""
    shared_senator = SenatorFactory(slug="shared-senator")
    shared_topic = TopicFactory(slug="shared-topic")
    organization = OrganizationFactory()
    for n in range(size):
        release = ReleaseFactory(
            senators=[shared_senator, SenatorFactory()],
            topics=[shared_topic, TopicFactory()],
            published_at=timezone.now() - timedelta(days=n + 1),
        )
        QuoteFactory(release=release, senator=shared_senator)
        QuoteFactory(
            release=release, senator=None, speaker_name="An advocate",
            speaker_organization=organization,
        )  # fmt: skip


# (query, queries run: one per filter naming objects, the releases, and three prefetches:
#  senators, topics, quotes with their speakers)
QUERY_COUNTS = {
    "no filter": ("", 4),
    "senator and topic": ("senator=shared-senator&topic=shared-topic", 6),
}


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(("query", "limit"), QUERY_COUNTS.values(), ids=QUERY_COUNTS.keys())
def test_a_feed_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size, query, limit
):
    build_releases(size)

    for url in FEED_URLS:
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(f"{url}?{query}")

        assert len(feedparser.parse(response.content).entries) == size
        assert len(captured) == limit, "\n".join(q["sql"] for q in captured.captured_queries)
