"""Every list and detail page runs a fixed number of queries, however many releases it shows.

Each page is measured with 1 and with 40 releases that each have two senators, two topics,
two bills and two organizations (one of each shared by all, one of their own). The limit is
the count measured with 40 releases; with 1 release the page must run exactly as many. Each
is measured twice: with its counts worked out afresh (the first view after any change), then
with them kept (releases/counting.py).
"""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from people.models import Organization, Senator
from releases.browse.pagination import position_of
from releases.models import Legislation, Topic
from tests.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.html_helpers import listed_titles

pytestmark = pytest.mark.django_db

PER_PAGE = 20


def build_newsroom(size):
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
PAGES = {
    "home": (lambda n: "/", 10, 5),
    "release list": (lambda n: "/releases/", 20, 4),
    "filtered release list": (
        lambda n: f"/releases/?senator={n.senator.slug}&topic={n.topic.slug}",
        18,
        6,
    ),
    "year archive": (lambda n: "/releases/2014/", 16, 4),
    "deep page by position": (lambda n: older_than(n, "/releases/"), 19, 3),
    "release page": (lambda n: n.detailed.get_absolute_url(), 10, 10),  # + corrections
    "senator list": (lambda n: "/senators/", 4, 1),
    "senator page": (lambda n: n.senator.get_absolute_url(), 10, 7),  # + activity chart
    "topic list": (lambda n: "/topics/", 4, 1),
    "topic page": (lambda n: n.topic.get_absolute_url(), 8, 5),  # + activity chart
    "legislation list": (lambda n: "/legislation/", 4, 1),
    "legislation page": (lambda n: n.bill.get_absolute_url(), 8, 6),
    "organization list": (lambda n: "/organizations/", 4, 1),
    "organization page": (lambda n: n.organization.get_absolute_url(), 7, 5),
}


def older_than(newsroom, path):
    """The address of the releases below the detailed (newest) one, as "Older →" writes it."""
    return f"{path}?older={position_of(newsroom.detailed)}"


@pytest.mark.parametrize("size", [1, 40])
@pytest.mark.parametrize(("page", "cold", "warm"), PAGES.values(), ids=PAGES.keys())
def test_query_count_does_not_grow_with_releases(
    client, django_assert_max_num_queries, size, page, cold, warm
):
    newsroom = build_newsroom(size)
    url = page(newsroom)
    cache.clear()

    for limit in (cold, warm):
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(url)

        assert response.status_code == 200
        assert len(captured) == limit, "\n".join(q["sql"] for q in captured.captured_queries)


def test_the_newsroom_is_as_big_as_it_says():
    """The 40-release newsroom really links 40 releases to many objects."""
    newsroom = build_newsroom(40)

    assert newsroom.senator.releases.count() == 41
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
def test_lists_show_20_releases_a_page(client, page):
    build_newsroom(40)

    first = listed_titles(client.get(page))
    third = listed_titles(client.get(page + ("&" if "?" in page else "?") + "page=3"))

    assert len(first) == PER_PAGE
    assert first[0] == "Detailed release"
    assert len(third) == 1
    assert third == ["Listed release 39"]
