"""Lists built for 100,000 releases, checked on a few: keyset pages, kept counts, big facets.

- "Older →" / "← Newer" move by position (?older=/?newer= cursors): every public release is
  listed exactly once, in order, ties included, whatever is published meanwhile, and any
  cursor a visitor makes up gives the first page, never an error;
- facet counts and list totals are kept (core/caching.py) yet change the moment a
  release, a link or the clock (an embargo) changes them;
- a facet lists its FACET_LIMIT busiest choices, any chosen one with its real count, and
  links to the page listing them all;
- related releases rank a shared bill above a shared topic, and never show a draft;
- the admin's year and month filters, which replaced date_hierarchy.
"""

import html
import random
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import caching
from core.eastern import EASTERN
from releases.browse.facets import FACET_LIMIT
from releases.models import Release
from releases.services import release_unpublish
from search.indexing import reindex_once
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
    UserFactory,
)
from tests.support.html_helpers import checked_choices, facet_counts, listed_titles, text

pytestmark = pytest.mark.django_db

OLDER = re.compile(r'<a rel="next" href="([^"]*)">Older →</a>')
NEWER = re.compile(r'<a rel="prev" href="([^"]*)">← Newer</a>')
NEXT = re.compile(r'<a rel="next" href="([^"]*)">Next →</a>')
TOTAL = re.compile(r'class="result-count"[^>]*>\s*([0-9,]+) release')


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def follow(response, pattern, url):
    """Where a pagination link leads, as a browser resolves it against the page's `url`."""
    match = pattern.search(text(response))
    if match is None:
        return None
    href = html.unescape(match[1])
    assert href.startswith("?"), href  # the links stay on the page they are on
    return urlsplit(url).path + href


def params(url):
    """The query parameters of `url`, less the position (to compare filters)."""
    query = parse_qs(urlsplit(url).query)
    return {k: v for k, v in query.items() if k not in ("older", "newer", "page")}


def walk_older(client, url):
    """Follow "Older →" from `url` to the end: [(url, response)], one per page."""
    pages = []
    while url is not None:
        response = get(client, url)
        pages.append((url, response))
        url = follow(response, OLDER, url)
        assert len(pages) <= 20, "the pages never end"
    return pages


def walk_newer(client, url):
    """Follow "← Newer" from `url` back to the top: [(url, response)], one per page."""
    pages = []
    while url is not None:
        response = get(client, url)
        pages.append((url, response))
        url = follow(response, NEWER, url)
        assert len(pages) <= 20, "the pages never end"
    return pages


def newest_first(releases):
    """The titles as a list newest first shows them: by time, then by id for ties."""
    ordered = sorted(releases, key=lambda r: (r.published_at, r.pk), reverse=True)
    return [r.title for r in ordered]


def chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


# 1. Walking /releases/ page by page


BASE = datetime(2021, 3, 1, 15, 30, tzinfo=UTC)
PUBLIC = 45


def moment(i):
    """Release i's time: an hour apart and odd microseconds (the cursor must keep them), but
    releases 18-21 share one time and so do 38-41: ties across both page boundaries."""
    if 18 <= i <= 21:
        i = 18
    if 38 <= i <= 41:
        i = 38
    return BASE - timedelta(hours=i, microseconds=7919 * i)


@pytest.fixture
def walk_newsroom(settings):
    """45 public releases created in a shuffled order (ids do not follow time), and drafts
    and embargoes among them that no page may show."""
    assert settings.RELEASES_PER_PAGE == 20
    order = list(range(PUBLIC))
    random.Random(1733).shuffle(order)
    with reindex_once():  # each release indexed for search once, not at every link
        return _walk_newsroom(order)


def _walk_newsroom(order):
    public = [
        ReleaseFactory(
            title=f"Public release {i:02d}", slug=f"public-{i:02d}", published_at=moment(i)
        )
        for i in order
    ]
    for i in (0, 19, 30):
        ReleaseFactory(title=f"Draft {i}", status=Release.Status.DRAFT, published_at=moment(i))
    for days in (1, 30):
        ReleaseFactory(
            title=f"Embargoed {days}", published_at=timezone.now() + timedelta(days=days)
        )
    return public


def test_older_links_visit_every_public_release_once_in_order_and_newer_links_come_back(
    client, walk_newsroom
):
    expected = newest_first(walk_newsroom)
    # The fixture does put tied releases on both sides of both page boundaries.
    by_title = {r.title: r for r in walk_newsroom}
    for boundary in (20, 40):
        assert (
            by_title[expected[boundary - 1]].published_at
            == by_title[expected[boundary]].published_at
        )

    forward = walk_older(client, "/releases/")

    pages = [listed_titles(response) for _, response in forward]
    assert pages == chunks(expected, 20)  # 20, 20, 5: each once, in order, ties kept
    assert all("older=" in url for url, _ in forward[1:])
    assert follow(forward[0][1], NEWER, "/releases/") is None  # the first page has no newer
    assert follow(forward[-1][1], OLDER, forward[-1][0]) is None  # the last has no older

    back = walk_newer(client, forward[-1][0])

    assert [listed_titles(response) for _, response in back] == pages[::-1]
    top = back[-1][1]
    assert top.context["page_obj"].number == 1  # back at the top: page 1, by number
    assert follow(top, OLDER, "/releases/") == forward[1][0]


def test_a_release_published_while_walking_neither_shifts_nor_repeats_a_page(client, walk_newsroom):
    expected = newest_first(walk_newsroom)
    first = get(client, "/releases/")
    assert listed_titles(first) == expected[:20]

    # Published between two clicks: one now (the newest) and one dated among page 1's.
    ReleaseFactory(title="Breaking news", published_at=timezone.now() - timedelta(minutes=1))
    ReleaseFactory(title="Backdated statement", published_at=moment(5) + timedelta(minutes=1))
    second_url = follow(first, OLDER, "/releases/")
    second = get(client, second_url)
    third = get(client, follow(second, OLDER, second_url))

    assert listed_titles(second) == expected[20:40]
    assert listed_titles(third) == expected[40:]
    assert listed_titles(get(client, "/releases/"))[:2] == ["Breaking news", expected[0]]


def test_numbered_pages_still_work_and_continue_by_position(client, walk_newsroom):
    expected = newest_first(walk_newsroom)

    second = get(client, "/releases/?page=2")
    last = get(client, "/releases/?page=3")

    assert listed_titles(second) == expected[20:40]
    assert second.context["page_obj"].number == 2
    assert follow(second, NEWER, "/releases/?page=2") == "/releases/?"  # page 1
    older = follow(second, OLDER, "/releases/?page=2")
    assert "older=" in older and "page=" not in older
    assert listed_titles(get(client, older)) == expected[40:]
    assert listed_titles(last) == expected[40:]
    assert follow(last, OLDER, "/releases/?page=3") is None


def test_search_results_page_by_number(client, walk_newsroom):
    """Best match first, results page by number, and their links say "Next", not "Older"."""
    first = get(client, "/releases/?q=public")
    following = follow(first, NEXT, "/releases/?q=public")

    assert len(listed_titles(first)) == 20
    assert follow(first, OLDER, "/releases/?q=public") is None
    assert params(following) == {"q": ["public"]}
    assert parse_qs(urlsplit(following).query)["page"] == ["2"]
    assert "older=" not in following
    assert len(listed_titles(get(client, following))) == 20


# 2. Keyset pages keep the list they belong to


@pytest.fixture
def office(klobuchar, heitkamp):
    """23 public releases by Klobuchar on one topic, bill and organization (two pages),
    10 by Heitkamp on another topic, and Klobuchar's draft and embargo on the same links."""
    with reindex_once():
        return _office(klobuchar, heitkamp)


def _office(klobuchar, heitkamp):
    trafficking = TopicFactory(name="Human trafficking", slug="trafficking")
    farms = TopicFactory(name="Agriculture", slug="agriculture")
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113)
    polaris = OrganizationFactory(name="Polaris Project", slug="polaris")
    links = {"topics": [trafficking], "legislation": [s1733], "organizations": [polaris]}
    start = datetime(2020, 11, 30, 17, tzinfo=UTC)
    hers = [
        ReleaseFactory(
            title=f"Klobuchar release {i:02d}",
            # Two releases at each time: ties on every page.
            published_at=start - timedelta(days=i // 2),
            senators=[klobuchar],
            **links,
        )
        for i in range(23)
    ]
    for i in range(10):
        ReleaseFactory(
            title=f"Heitkamp release {i}",
            published_at=start - timedelta(days=i, hours=5),
            senators=[heitkamp],
            topics=[farms],
        )
    ReleaseFactory(title="Klobuchar draft", status=Release.Status.DRAFT, published_at=start,
                   senators=[klobuchar], **links)  # fmt: skip
    ReleaseFactory(title="Klobuchar embargo", published_at=timezone.now() + timedelta(days=1),
                   senators=[klobuchar], **links)  # fmt: skip
    return hers


KLOBUCHAR_LISTS = [
    "/releases/?senator=amy-klobuchar",
    "/releases/?topic=trafficking&senator=amy-klobuchar",
    "/releases/2020/?legislation=s1733-113",
    "/releases/2020/11/?organization=polaris",
    "/senators/amy-klobuchar/",
    "/topics/trafficking/",
    "/legislation/s1733-113/",
    "/organizations/polaris/",
]


def test_keyset_links_keep_the_filter_and_the_page(client, office):
    expected = newest_first(office)
    assert {r.published_at.astimezone(EASTERN).month for r in office} == {11}

    for url in KLOBUCHAR_LISTS:
        forward = walk_older(client, url)
        back = walk_newer(client, forward[-1][0])

        pages = [listed_titles(response) for _, response in forward]
        assert pages == chunks(expected, 20), url
        assert [listed_titles(response) for _, response in back] == pages[::-1], url
        assert "older=" in forward[1][0]
        for visited, _ in forward + back:
            assert urlsplit(visited).path == urlsplit(url).path, visited
            assert params(visited) == params(url), visited


# 3. Cursors nobody made


GARBAGE = [
    "abc",
    "-1",
    "1-",
    "-",
    "",
    "1.5-2",
    "12-3-4",
    "１２-３",  # full-width digits
    "²-1",  # a digit to str.isdigit(), not to int()
    "\x00",
    "1\x00-2",
    "9" * 5000 + "-1",
    "1-" + "9" * 5000,
]
# As they arrive, not encoded by the test client: bytes that are not UTF-8, repeats.
RAW = ["older=%ff%fe", "newer=%C0%80-1", "older=1%00-2&newer=%00", "older=abc&older=1-1"]
# Well-formed, but past either end of the list.
AFTER_THE_END = "99999999999999999-1"  # the year 5138: nothing is newer
BEFORE_THE_START = "1-999999999999"  # a microsecond after 1970, a 12-digit id: nothing older


def with_query(url, **extra):
    query = {**parse_qs(urlsplit(url).query), **extra}
    return f"{urlsplit(url).path}?{urlencode(query, doseq=True)}"


def test_garbage_cursors_give_the_first_page(client, walk_newsroom):
    expected = newest_first(walk_newsroom)
    cases = [(direction, value) for direction in ("older", "newer") for value in GARBAGE]
    cases += [("older", BEFORE_THE_START), ("older", "0-0"), ("newer", AFTER_THE_END)]
    for direction, value in cases:
        response = client.get(with_query("/releases/", **{direction: value}))
        assert response.status_code == 200, (direction, value)
        assert listed_titles(response) == expected[:20], (direction, value)
        assert response.context["page_obj"].number == 1, (direction, value)
    for raw in RAW:
        response = client.get(f"/releases/?{raw}")
        assert response.status_code == 200, raw
        assert listed_titles(response) == expected[:20], raw

    # From after the end, "older" is everything from the top; from before the start,
    # "newer" is the oldest releases.
    from_the_top = get(client, with_query("/releases/", older=AFTER_THE_END))
    oldest = get(client, with_query("/releases/", newer=BEFORE_THE_START))
    assert listed_titles(from_the_top) == expected[:20]
    assert listed_titles(oldest) == expected[-20:]


def test_garbage_cursors_elsewhere_give_200(client, office):
    lists = ["/senators/amy-klobuchar/", "/releases/2020/11/?organization=polaris"]
    for url in [*lists, "/releases/?q=klobuchar"]:
        for direction in ("older", "newer"):
            for value in [*GARBAGE[-6:], AFTER_THE_END, BEFORE_THE_START]:
                response = client.get(with_query(url, **{direction: value}))
                assert response.status_code == 200, (url, direction, value)
                assert len(listed_titles(response)) == 20, (url, direction, value)


# 4. Counts kept, and right the moment something changes


@pytest.fixture
def counted(klobuchar, heitkamp):
    trafficking = TopicFactory(name="Human trafficking", slug="trafficking")
    farms = TopicFactory(name="Agriculture", slug="agriculture")
    theirs = [
        ReleaseFactory(
            title=f"Klobuchar on trafficking {i}", senators=[klobuchar], topics=[trafficking]
        )  # fmt: skip
        for i in range(3)
    ]
    ReleaseFactory(title="Heitkamp on farms", senators=[heitkamp], topics=[farms, trafficking])
    draft = ReleaseFactory(
        title="A draft on trafficking", status=Release.Status.DRAFT, published_at=None,
        senators=[klobuchar], topics=[trafficking],
    )  # fmt: skip
    return {"klobuchar": theirs, "draft": draft, "trafficking": trafficking}


# The unfiltered list counts links less hidden releases' links; a filtered one joins.
COUNTED_URLS = ["/releases/", "/releases/?senator=amy-klobuchar"]


def counts(client, url):
    """(the list's total, the trafficking topic's count, Klobuchar's count) as shown."""
    response = get(client, url)
    total = int(TOTAL.search(text(response))[1].replace(",", ""))
    topics = facet_counts(response, "topic")
    senators = facet_counts(response, "senator")
    return total, topics.get("trafficking", 0), senators.get("amy-klobuchar", 0)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured)


def warm(client):
    """Request each page twice: the second is served with the counts kept (fewer queries)."""
    before = {}
    for url in COUNTED_URLS:
        cold = queries(client, url)
        assert queries(client, url) < cold, f"{url}: the counts were not kept"
        before[url] = counts(client, url)
    return before


def shifted(before, total, topic, senator):
    return {url: (t + total, n + topic, s + senator) for url, (t, n, s) in before.items()}


def publish_in_the_admin(counted, klobuchar):
    staff = Client()
    staff.force_login(UserFactory(username="editor", is_superuser=True))
    response = staff.post(
        "/admin/releases/release/add/",
        {
            "title": "Klobuchar bill passes", "slug": "klobuchar-bill-passes",
            "highlights": "", "dateline": "Washington, DC", "body": "It passed.",
            "status": Release.Status.PUBLISHED, "published_at_0": "2024-05-16",
            "published_at_1": "12:00:00", "topics": [counted["trafficking"].pk],
            "lead_image_alt": "", "lead_image_caption": "",
            "releasesenator_set-TOTAL_FORMS": "1", "releasesenator_set-INITIAL_FORMS": "0",
            "releasesenator_set-0-senator": klobuchar.pk,
            "releasesenator_set-0-role": "lead", "releasesenator_set-0-order": "0",
            "quotes-TOTAL_FORMS": "0", "quotes-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]


def publish_the_draft(counted, klobuchar):
    draft = counted["draft"]
    draft.status = Release.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()


def unpublish_one(counted, klobuchar):
    release_unpublish(release=counted["klobuchar"][0], by=None)


def remove_the_topic(counted, klobuchar):
    counted["klobuchar"][1].topics.remove(counted["trafficking"])


CHANGES = [
    # (change, its effect on (total, trafficking count, Klobuchar count) on both lists)
    (publish_in_the_admin, (1, 1, 1)),
    (publish_the_draft, (1, 1, 1)),
    (unpublish_one, (-1, -1, -1)),
    (remove_the_topic, (0, -1, 0)),
]


@pytest.mark.parametrize(("change", "effect"), CHANGES, ids=[c.__name__ for c, _ in CHANGES])
def test_kept_counts_change_the_moment_a_release_does(
    client, count_cache, counted, klobuchar, change, effect, settings,
    committed,
):  # fmt: skip
    before = warm(client)
    assert before == {"/releases/": (4, 4, 3), "/releases/?senator=amy-klobuchar": (3, 3, 3)}

    with committed():  # the change commits
        change(counted, klobuchar)

    assert {url: counts(client, url) for url in COUNTED_URLS} == shifted(before, *effect)


def test_kept_topic_counts_on_the_index_follow_a_link_removed(client, counted, committed):
    get(client, "/topics/")
    assert "4 releases" in text(get(client, "/topics/"))

    with committed():
        counted["klobuchar"][0].topics.clear()

    assert "3 releases" in text(get(client, "/topics/"))


def test_kept_counts_take_in_an_embargo_exactly_at_its_second(client, counted, klobuchar):
    go_live = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    ReleaseFactory(title="Embargoed trafficking bill", published_at=go_live,
                   senators=[klobuchar], topics=[counted["trafficking"]])  # fmt: skip

    with time_machine.travel(go_live - timedelta(seconds=1), tick=False):
        before = warm(client)
    with time_machine.travel(go_live + timedelta(seconds=1), tick=False):
        after = {url: counts(client, url) for url in COUNTED_URLS}

    assert before == {"/releases/": (4, 4, 3), "/releases/?senator=amy-klobuchar": (3, 3, 3)}
    assert after == shifted(before, 1, 1, 1)


def test_a_count_made_as_an_embargo_lifts_is_not_kept_past_it(counted):
    """At 100,000 releases a count takes a good part of a second: one started before an
    embargo's time and finished after it must not be kept, uncounted, for an hour."""
    go_live = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    ReleaseFactory(title="Embargoed", published_at=go_live, topics=[counted["trafficking"]])

    def public_count():
        return Release.objects.published().count()

    with time_machine.travel(go_live - timedelta(seconds=1), tick=False) as clock:

        def slow_count():
            n = public_count()
            clock.move_to(go_live + timedelta(milliseconds=200))  # the embargo lifts meanwhile
            return n

        during = caching.remember(("embargo-race",), slow_count)
        after = caching.remember(("embargo-race",), public_count)

    assert during == 4
    assert after == 5


# 5. Facets with more choices than they show


def _facet_html(response, legend):
    match = re.search(
        rf'<fieldset class="facet">\s*<legend>{legend}</legend>(.*?)</fieldset>',
        text(response),
        re.DOTALL,
    )
    assert match, f"no {legend} facet"
    return match[1]


BUSY = range(FACET_LIMIT)


@pytest.fixture
def crowded():
    """FACET_LIMIT busy topics and senators (2 releases each), and two quiet ones (1 each)."""
    topics = [TopicFactory(name=f"Busy topic {i:02d}", slug=f"busy-{i:02d}") for i in BUSY]
    senators = [SenatorFactory(last_name=f"Busy{i:02d}", slug=f"busy-{i:02d}") for i in BUSY]
    quiet_topics = [TopicFactory(name=f"Quiet topic {i}", slug=f"quiet-{i}") for i in range(2)]
    quiet_senators = [SenatorFactory(last_name=f"Quiet{i}", slug=f"quiet-{i}") for i in range(2)]
    with reindex_once():
        for i in range(2):
            ReleaseFactory(title=f"Everyone {i}", senators=senators, topics=topics)
        for i in range(2):
            ReleaseFactory(
                title=f"Quiet {i}", senators=[quiet_senators[i]], topics=[quiet_topics[i]]
            )
    return {"quiet_senators": quiet_senators}


def test_a_crowded_facet_shows_the_busiest_and_links_to_every_choice(client, crowded):
    response = get(client, "/releases/")

    topics = facet_counts(response, "topic")
    senators = facet_counts(response, "senator")
    assert topics == {f"busy-{i:02d}": 2 for i in BUSY}
    assert senators == {f"busy-{i:02d}": 2 for i in BUSY}
    assert 'href="/topics/"' in _facet_html(response, "Topic")
    assert 'href="/senators/"' in _facet_html(response, "Senator")
    # A facet with room for every choice links nowhere.
    assert "href=" not in _facet_html(response, "Year")


def test_a_chosen_choice_below_the_busiest_shows_ticked_with_its_real_count(client, crowded):
    response = get(client, "/releases/?topic=quiet-1&senator=quiet-0")

    # Each facet counts with the other facets' filters: Quiet topic 1 has no release by
    # Senator Quiet0 (0), and Quiet0 none on Quiet topic 1 (0).
    assert checked_choices(response) == {("topic", "quiet-1"), ("senator", "quiet-0")}
    assert facet_counts(response, "topic")["quiet-1"] == 0
    assert facet_counts(response, "senator")["quiet-0"] == 0

    alone = get(client, "/releases/?topic=quiet-1")
    assert checked_choices(alone) == {("topic", "quiet-1")}
    assert facet_counts(alone, "topic")["quiet-1"] == 1
    assert len(facet_counts(alone, "topic")) == FACET_LIMIT + 1  # the busiest, the chosen one
    assert listed_titles(alone) == ["Quiet 1"]
    senator = crowded["quiet_senators"][1]
    assert f"{senator.first_name} Quiet1" in _facet_html(alone, "Senator")

    by_senator = get(client, "/releases/?senator=quiet-0")
    assert checked_choices(by_senator) == {("senator", "quiet-0")}
    assert facet_counts(by_senator, "senator") == {
        **{f"busy-{i:02d}": 2 for i in BUSY},
        "quiet-0": 1,
    }


def test_year_counts_follow_eastern_time(client):
    # 03:00 UTC on January 1 is still New Year's Eve in Washington.
    ReleaseFactory(title="Eve", published_at=datetime(2019, 1, 1, 3, tzinfo=UTC))
    ReleaseFactory(title="Morning", published_at=datetime(2019, 1, 1, 6, tzinfo=UTC))

    assert facet_counts(get(client, "/releases/"), "year") == {"2019": 1, "2018": 1}


# 6. Related releases


def test_related_releases_rank_a_shared_bill_above_shared_topics_and_hide_drafts(
    client, klobuchar, heitkamp
):
    bill = LegislationFactory()
    topic, other_topic = TopicFactory(), TopicFactory()
    release = ReleaseFactory(
        title="This one", senators=[klobuchar], topics=[topic, other_topic], legislation=[bill],
        published_at=datetime(2020, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    day = timedelta(days=1)
    oldest = datetime(2019, 1, 1, tzinfo=UTC)
    ReleaseFactory(title="Same bill", legislation=[bill], published_at=oldest)  # 4
    ReleaseFactory(
        title="Topic and senator", topics=[topic], senators=[klobuchar], published_at=oldest + day
    )  # fmt: skip  (3)
    ReleaseFactory(
        title="One topic", topics=[other_topic], senators=[heitkamp], published_at=oldest + 2 * day
    )  # fmt: skip  (2, the newest)
    ReleaseFactory(title="Senator only", senators=[klobuchar], published_at=oldest + 3 * day)
    ReleaseFactory(title="Draft sharing everything", status=Release.Status.DRAFT,
                   published_at=oldest, legislation=[bill], topics=[topic, other_topic],
                   senators=[klobuchar])  # fmt: skip
    ReleaseFactory(title="Embargo sharing everything", published_at=timezone.now() + day,
                   legislation=[bill], topics=[topic, other_topic])  # fmt: skip

    related = get(client, release.get_absolute_url()).context["related"]

    # A release sharing only a senator is no candidate when there is a bill or topic.
    assert [r.title for r in related] == ["Same bill", "Topic and senator", "One topic"]
    assert [r.score for r in related] == [4, 3, 2]


def test_a_release_with_no_bill_or_topic_is_related_by_its_senators(client, klobuchar, heitkamp):
    release = ReleaseFactory(title="This one", senators=[klobuchar, heitkamp])
    ReleaseFactory(title="Both senators", senators=[heitkamp, klobuchar],
                   published_at=datetime(2019, 1, 1, tzinfo=UTC))  # fmt: skip
    ReleaseFactory(title="One senator", senators=[heitkamp])
    ReleaseFactory(title="Nobody shared", senators=[SenatorFactory()])
    ReleaseFactory(title="A draft of theirs", status=Release.Status.DRAFT, published_at=None,
                   senators=[klobuchar, heitkamp])  # fmt: skip

    related = get(client, release.get_absolute_url()).context["related"]

    assert [r.title for r in related] == ["Both senators", "One senator"]


# 7. The admin's year and month filters


CHANGELIST = "/admin/releases/release/"


@pytest.fixture
def staff_client(client, settings):
    client.force_login(UserFactory(username="editor", is_superuser=True))
    return client


@pytest.fixture
def around_2019():
    """Releases either side of 2019's two ends, in Eastern Time (UTC says otherwise)."""
    return {
        "2018 eve": ReleaseFactory(published_at=datetime(2018, 12, 31, 23, 30, tzinfo=EASTERN)),
        "2019 new year": ReleaseFactory(published_at=datetime(2019, 1, 1, 0, 30, tzinfo=EASTERN)),
        "2019 june": ReleaseFactory(published_at=datetime(2019, 6, 30, 23, 30, tzinfo=EASTERN)),
        "2019 eve": ReleaseFactory(published_at=datetime(2019, 12, 31, 23, 30, tzinfo=EASTERN)),
        "2020 new year": ReleaseFactory(published_at=datetime(2020, 1, 1, 0, 30, tzinfo=EASTERN)),
        "draft": ReleaseFactory(status=Release.Status.DRAFT, published_at=None),
    }


def changelist(client, query):
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200, query  # not a 500, nor the ?e=1 error redirect
    cl = response.context["cl"]
    titles = {spec.title for spec in cl.filter_specs}
    return set(cl.result_list), titles


def test_admin_year_filter_uses_eastern_time(staff_client, around_2019):
    found, filters = changelist(staff_client, "?year=2019")

    names = {k for k, r in around_2019.items() if r in found}
    assert names == {"2019 new year", "2019 june", "2019 eve"}
    assert "month" in filters


def test_admin_year_choices_span_the_first_to_the_last_release(staff_client, around_2019):
    response = staff_client.get(CHANGELIST)
    spec = next(s for s in response.context["cl"].filter_specs if s.title == "year")

    assert [value for value, _ in spec.lookup_choices] == ["2020", "2019", "2018"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?year=2019&month=1", {"2019 new year"}),
        ("?year=2019&month=6", {"2019 june"}),  # 11:30 p.m. June 30 ET is July in UTC
        ("?year=2019&month=12", {"2019 eve"}),
        ("?year=2018&month=12", {"2018 eve"}),
        ("?year=2020&month=1", {"2020 new year"}),
        ("?year=2019&month=7", set()),
    ],
)
def test_admin_month_filter_uses_eastern_time(staff_client, around_2019, query, names):
    found, _ = changelist(staff_client, query)

    assert {k for k, r in around_2019.items() if r in found} == names


def test_admin_month_filter_appears_only_with_a_year(staff_client, around_2019):
    _, without = changelist(staff_client, "")
    found, with_month_alone = changelist(staff_client, "?month=6")

    assert "year" in without and "month" not in without
    assert "month" not in with_month_alone
    assert found == set(around_2019.values())  # a month without a year filters nothing


@pytest.mark.parametrize(
    "query",
    [
        "?year=abc", "?year=-1", "?year=0", "?year=99999", "?year=1788", "?year=²",
        "?year=١٢٣٤", "?year=" + "9" * 400, "?year=2019&month=0", "?year=2019&month=13",
        "?year=2019&month=abc", "?year=2019&month=²", "?year=2019&month=-1",
        "?year=²&month=1", "?year=%00&month=%00", "?month=" + "9" * 400,
    ],
)  # fmt: skip
def test_admin_bogus_years_and_months_do_not_fail(staff_client, around_2019, query):
    found, _ = changelist(staff_client, query)

    # Either no release (a year outside any plausible one) or the filter left out.
    everything = set(around_2019.values())
    year_2019 = {around_2019[k] for k in ("2019 new year", "2019 june", "2019 eve")}
    assert found in (set(), everything, year_2019)


# Numbered pages of a short list.


@pytest.fixture
def many_releases():
    start = timezone.now() - timedelta(days=30)
    return [
        ReleaseFactory(title=f"Numbered release {n:02d}", published_at=start + timedelta(hours=n))
        for n in range(25)
    ]


def test_page_parameter(client, many_releases):
    first = listed_titles_of(client, "/releases/")
    second = listed_titles_of(client, "/releases/?page=2")

    assert first == [f"Numbered release {n:02d}" for n in range(24, 4, -1)]
    assert second == [f"Numbered release {n:02d}" for n in range(4, -1, -1)]


@pytest.mark.parametrize("page", ["999999", "-1", "3"])
def test_a_page_past_the_end_shows_the_last_page(client, many_releases, page):
    assert len(listed_titles_of(client, f"/releases/?page={page}")) == 5


def test_page_links_keep_the_filters(client, many_releases):
    html = text(client.get("/releases/?q=Numbered"))

    assert 'href="?q=Numbered&amp;page=2"' in html


def listed_titles_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return listed_titles(response)
