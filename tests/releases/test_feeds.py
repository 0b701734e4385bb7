"""RSS and Atom feeds: the list's filters, full entries, stable ids, and links from pages.

Every feed is read with feedparser, as feed readers read it, and must parse cleanly.
"""

import html
from calendar import timegm
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from releases.models import Release
from tests.support import data
from tests.support.data import built_once
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    TopicFactory,
)
from tests.support.feeds import read_feed
from tests.support.html_helpers import listed_titles
from tests.support.page_head import feed_alternates, subscribe_links

pytestmark = pytest.mark.django_db

FEEDS = {"rss": "/releases/feed/rss/", "atom": "/releases/feed/atom/"}


def build_newsroom():
    """Three public releases, a draft and an embargoed one, about shared senators and topics:
    built once for the module (each test's changes roll back to it)."""
    amy, heidi = data.klobuchar(), data.heitkamp()
    trafficking = TopicFactory(name="Human trafficking", slug="human-trafficking")
    veterans = TopicFactory(name="Veterans", slug="veterans")
    bill = LegislationFactory(bill_type="s", number=1733, congress=113)
    job_corps = OrganizationFactory(name="Job Corps", slug="job-corps")
    joint = ReleaseFactory(
        title="Klobuchar, Heitkamp join advocates against trafficking",
        highlights="Safe Harbor laws protect children\nA second highlight",
        body="The senators **met** advocates.\n\nThe bill gives prosecutors tools.",
        published_at=datetime(2014, 5, 16, 16, 0, tzinfo=UTC),
        senators=[amy, heidi],
        topics=[trafficking, veterans],
        legislation=[bill],
        organizations=[job_corps],
    )
    QuoteFactory(release=joint, senator=amy, text="Girls sold for sex are victims.", order=0)
    QuoteFactory(
        release=joint, senator=None, speaker_name="Jane Advocate", speaker_title="Director",
        text="We are grateful.", order=1,
    )  # fmt: skip
    pensions = ReleaseFactory(
        title="Klobuchar presses for veterans' pensions",
        body="The senator asked about pension backlogs.",
        published_at=datetime(2015, 3, 2, 15, 0, tzinfo=UTC),
        senators=[amy],
        topics=[veterans],
    )
    heidi_only = ReleaseFactory(
        title="Heitkamp: tribal communities and trafficking",
        published_at=datetime(2016, 7, 1, 14, 0, tzinfo=UTC),
        senators=[heidi],
        topics=[trafficking],
    )
    ReleaseFactory(
        title="Draft about trafficking",
        status=Release.Status.DRAFT,
        published_at=None,
        senators=[amy],
        topics=[trafficking],
    )
    ReleaseFactory(
        title="Embargoed about trafficking",
        published_at=timezone.now() + timedelta(hours=2),
        senators=[amy],
        topics=[trafficking],
        legislation=[bill],
        organizations=[job_corps],
    )
    return {
        "amy": amy, "heidi": heidi, "trafficking": trafficking, "bill": bill,
        "joint": joint, "pensions": pensions, "heidi_only": heidi_only,
    }  # fmt: skip


newsroom = built_once(build_newsroom)


def titles(feed):
    return [entry.title for entry in feed.entries]


def listed(client, url):
    """The titles a list page shows, as text."""
    return [html.unescape(title) for title in listed_titles(client.get(url))]


JOINT = "Klobuchar, Heitkamp join advocates against trafficking"
PENSIONS = "Klobuchar presses for veterans' pensions"
HEIDI = "Heitkamp: tribal communities and trafficking"

FILTERS = {
    "no filter": ("", [HEIDI, PENSIONS, JOINT]),
    "senator": ("senator=amy-klobuchar", [PENSIONS, JOINT]),
    "either senator": ("senator=amy-klobuchar&senator=heidi-heitkamp", [HEIDI, PENSIONS, JOINT]),
    "topic": ("topic=human-trafficking", [HEIDI, JOINT]),
    "senator and topic": ("senator=amy-klobuchar&topic=human-trafficking", [JOINT]),
    "legislation": ("legislation=s1733-113", [JOINT]),
    "organization": ("organization=job-corps", [JOINT]),
    "year": ("year=2015", [PENSIONS]),
    "two years": ("year=2014&year=2016", [HEIDI, JOINT]),
    "search": ("q=pensions", [PENSIONS]),
    "search and senator": ("q=trafficking&senator=amy-klobuchar", [JOINT]),
}


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize(("query", "expected"), FILTERS.values(), ids=FILTERS.keys())
def test_each_filter_selects_the_same_releases_as_the_list(client, newsroom, kind, query, expected):
    feed = read_feed(client, f"{FEEDS[kind]}?{query}")

    assert titles(feed) == expected  # newest first
    # The same parameters on the list page list the same releases.
    assert sorted(listed(client, f"/releases/?{query}")) == sorted(expected)


@pytest.mark.parametrize("kind", FEEDS)
def test_drafts_and_embargoed_releases_never_appear(client, newsroom, kind):
    for query in ["", "senator=amy-klobuchar", "topic=human-trafficking", "organization=job-corps"]:
        feed = read_feed(client, f"{FEEDS[kind]}?{query}")
        assert not {"Draft about trafficking", "Embargoed about trafficking"} & set(titles(feed))


@pytest.mark.parametrize("kind", FEEDS)
def test_an_embargoed_release_appears_once_its_time_has_come(client, newsroom, kind):
    embargoed = Release.objects.get(title="Embargoed about trafficking")
    assert "Embargoed about trafficking" not in titles(read_feed(client, FEEDS[kind]))

    Release.objects.filter(pk=embargoed.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )

    assert titles(read_feed(client, FEEDS[kind]))[0] == "Embargoed about trafficking"


@pytest.mark.parametrize("kind", FEEDS)
def test_the_feed_title_says_what_the_filters_chose(client, newsroom, kind):
    feed = read_feed(client, f"{FEEDS[kind]}?senator=amy-klobuchar&topic=human-trafficking")

    assert feed.feed.title == "Releases from Amy Klobuchar (D-MN) on Human trafficking · " + (
        "Senate Newsroom"
    )
    assert "from Amy Klobuchar (D-MN) on Human trafficking" in feed.feed.subtitle
    # The feed's page is the list with the same filters; its own address keeps them too.
    assert feed.feed.link == (
        "http://testserver/releases/?senator=amy-klobuchar&topic=human-trafficking"
    )
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == (
        f"http://testserver{FEEDS[kind]}?senator=amy-klobuchar&topic=human-trafficking"
    )


@pytest.mark.parametrize("kind", FEEDS)
def test_the_other_filters_are_named_in_the_title(client, newsroom, kind):
    feed = read_feed(
        client,
        f"{FEEDS[kind]}?legislation=s1733-113&organization=job-corps&year=2014&q=advocates",
    )

    assert feed.feed.title.startswith(
        "Releases about S. 1733 (113th Congress) naming Job Corps in 2014 matching “advocates”"
    )
    assert titles(feed) == [JOINT]


@pytest.mark.parametrize("kind", FEEDS)
def test_an_unfiltered_feed_is_titled_for_all_releases(client, newsroom, kind):
    feed = read_feed(client, FEEDS[kind])

    assert feed.feed.title == "Releases · Senate Newsroom"
    assert feed.feed.link == "http://testserver/releases/"


@pytest.mark.parametrize("kind", FEEDS)
def test_entries_carry_the_whole_release(client, newsroom, kind):
    entry = read_feed(client, f"{FEEDS[kind]}?legislation=s1733-113").entries[0]
    content = entry.content[0].value

    assert "Safe Harbor laws protect children" in content  # highlights
    assert "A second highlight" in content
    assert "<strong>met</strong>" in content  # the body, as HTML
    assert "The bill gives prosecutors tools." in content
    assert "Girls sold for sex are victims." in content  # quotes, with attribution
    assert "Amy Klobuchar (D-MN)" in content
    assert "Jane Advocate, Director" in content
    assert entry.summary == "Safe Harbor laws protect children"  # the first highlight
    assert entry.link == "http://testserver" + newsroom["joint"].get_absolute_url()


@pytest.mark.parametrize("kind", FEEDS)
def test_the_lead_image_is_in_the_content_at_an_absolute_address(client, newsroom, kind):
    Release.objects.filter(pk=newsroom["pensions"].pk).update(
        lead_image="releases/2015/03/hearing.jpg", lead_image_alt="The senator at a hearing"
    )

    content = read_feed(client, f"{FEEDS[kind]}?year=2015").entries[0].content[0].value

    assert 'src="http://testserver/media/releases/2015/03/hearing.jpg"' in content
    assert 'alt="The senator at a hearing"' in content


@pytest.mark.parametrize("kind", FEEDS)
def test_entries_have_categories_authors_and_dates(client, newsroom, kind):
    entry = read_feed(client, f"{FEEDS[kind]}?legislation=s1733-113").entries[0]
    joint = Release.objects.get(pk=newsroom["joint"].pk)

    assert [tag.term for tag in entry.tags] == ["Press release", "Human trafficking", "Veterans"]
    assert timegm(entry.published_parsed) == int(joint.published_at.timestamp())
    # Never corrected: updated when published, not when the row was last saved.
    assert timegm(entry.updated_parsed) == int(joint.published_at.timestamp())
    assert entry.author == "Amy Klobuchar (D-MN), Heidi Heitkamp (D-ND)"  # lead senator first
    # The content links each senator's page.
    assert 'href="http://testserver/senators/heidi-heitkamp/"' in entry.content[0].value


@pytest.mark.parametrize("kind", FEEDS)
def test_a_title_with_markup_characters_reads_as_written(client, newsroom, kind):
    """Atom's titles are text; RSS readers take titles as HTML, so a "<b>" in one must
    arrive as the characters, never as markup (feedparser reads them as HTML too)."""
    title = "Veterans & families: <b>not bold</b>"
    Release.objects.filter(pk=newsroom["pensions"].pk).update(title=title)

    entry = read_feed(client, f"{FEEDS[kind]}?year=2015").entries[0]

    if entry.title_detail.type == "text/html":
        assert "<b>" not in entry.title
        assert html.unescape(entry.title) == title
    else:
        assert entry.title == title
    assert kind == "atom" or entry.title_detail.type == "text/html"


@pytest.mark.parametrize("kind", FEEDS)
def test_an_entry_keeps_its_id_when_its_title_slug_and_date_change(client, newsroom, kind):
    url = f"{FEEDS[kind]}?year=2015"
    before = read_feed(client, url).entries[0]
    release = Release.objects.get(pk=newsroom["pensions"].pk)
    release.title = "A corrected title"
    release.slug = "a-corrected-title"
    release.published_at += timedelta(hours=1)
    release.save()

    after = read_feed(client, url).entries[0]

    assert after.title == "A corrected title"
    assert after.link != before.link
    assert after.id == before.id
    assert after.id == f"tag:testserver,{timezone.localdate(release.created_at):%Y-%m-%d}:" + (
        f"release/{release.pk}"
    )


def test_rss_and_atom_give_an_entry_the_same_id_and_every_entry_its_own(client, newsroom):
    rss = read_feed(client, FEEDS["rss"]).entries
    atom = read_feed(client, FEEDS["atom"]).entries

    assert [e.id for e in rss] == [e.id for e in atom]
    assert len({e.id for e in rss}) == 3


# Values that name nothing or cannot be read: the list leaves them out with a notice, which
# no feed reader would show, so a feed refuses them (a 400 in plain words), as the API does.
REFUSED = [
    ("senator=nobody", "senator “nobody”: no such senator"),
    ("topic=nope&topic=", "topic “nope”: no such topic"),
    ("legislation=not-a-bill", "bill “not-a-bill”"),
    ("organization=%00", "organization “\\x00”"),
    ("year=abc", "year “abc”"),
    ("year=99999", "year “99999”"),
    ("year=1700", "year “1700”"),
    ("q=" + "x" * 500, "search “xxx"),
    ("q=%00", "search “\\x00”"),
    ("senator=" + "a" * 500, "senator “aaa"),
]
# What is no filter at all stays ignored: readers and mailers add their own parameters.
IGNORED = ["q=", "topic=", "page=-1", "senator[]=amy-klobuchar", "utm_source=newsletter"]


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize(("query", "named"), REFUSED)
def test_a_value_that_names_nothing_is_refused_in_plain_words(client, newsroom, kind, query,
                                                               named):  # fmt: skip
    response = client.get(f"{FEEDS[kind]}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    assert message.startswith("Bad parameters. Cannot use ")
    assert named in message
    assert "\x00" not in message


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize("query", IGNORED)
def test_parameters_that_are_no_filter_are_ignored(client, newsroom, kind, query):
    feed = read_feed(client, f"{FEEDS[kind]}?{query}")

    assert titles(feed) == [HEIDI, PENSIONS, JOINT]
    assert feed.feed.title == "Releases · Senate Newsroom"


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize(
    "query",
    [
        "q=%22%27%3C%3E()*:OR+AND+NOT",
        "q=%E2%80%9C",
        "q=traffick*",
        "q=-",
        "q=AND",
        "q=%F0%9F%92%A9",
    ],
)
def test_a_garbage_search_gives_what_the_list_gives(client, newsroom, kind, query):
    feed = read_feed(client, f"{FEEDS[kind]}?{query}")

    assert sorted(titles(feed)) == sorted(listed(client, f"/releases/?{query}"))


@pytest.mark.parametrize("kind", FEEDS)
def test_a_bad_value_beside_good_ones_is_still_refused(client, newsroom, kind):
    """Half a subscription would look like a whole one: the reader is told, not narrowed."""
    response = client.get(f"{FEEDS[kind]}?senator=nobody&senator=amy-klobuchar&year=abc")

    assert response.status_code == 400
    message = response.content.decode()
    assert "senator “nobody”" in message and "year “abc”" in message
    assert "amy-klobuchar" not in message


# The page and the unknown senator are not carried into the feed's address; the filters are.
FILTERED_LIST = "/releases/?senator=amy-klobuchar&senator=nobody&topic=human-trafficking&page=2&q="

# Pages that link their feed: (address, the feed's parameters, titles the feed holds)
PAGES = {
    "home": (lambda n: "/", {}, [HEIDI, PENSIONS, JOINT]),
    "release list": (lambda n: "/releases/", {}, [HEIDI, PENSIONS, JOINT]),
    "filtered list": (
        lambda n: FILTERED_LIST,
        {"senator": ["amy-klobuchar"], "topic": ["human-trafficking"]},
        [JOINT],
    ),
    "search": (lambda n: "/releases/?q=pensions", {"q": ["pensions"]}, [PENSIONS]),
    "year archive": (lambda n: "/releases/2015/", {"year": ["2015"]}, [PENSIONS]),
    "month archive": (lambda n: "/releases/2014/05/", {"year": ["2014"]}, [JOINT]),
    "filtered archive": (
        lambda n: "/releases/2016/?topic=human-trafficking",
        {"topic": ["human-trafficking"], "year": ["2016"]},
        [HEIDI],
    ),
    "senator": (
        lambda n: n["amy"].get_absolute_url(),
        {"senator": ["amy-klobuchar"]},
        [PENSIONS, JOINT],
    ),
    "topic": (
        lambda n: n["trafficking"].get_absolute_url(),
        {"topic": ["human-trafficking"]},
        [HEIDI, JOINT],
    ),
    "legislation": (
        lambda n: n["bill"].get_absolute_url(),
        {"legislation": ["s1733-113"]},
        [JOINT],
    ),
    "organization": (
        lambda n: "/organizations/job-corps/",
        {"organization": ["job-corps"]},
        [JOINT],
    ),
}


@pytest.mark.parametrize(("page", "params", "expected"), PAGES.values(), ids=PAGES.keys())
def test_each_list_page_links_its_feeds(client, newsroom, page, params, expected):
    response = client.get(page(newsroom))
    assert response.status_code == 200

    alternates = feed_alternates(response)
    visible = subscribe_links(response)

    assert visible == alternates  # the <head> and the "Subscribe" line agree
    for kind, path in FEEDS.items():
        url = urlsplit(alternates[kind])
        assert url.path == path
        assert parse_qs(url.query) == params
        # Following the link gives the releases the page is about.
        assert titles(read_feed(client, alternates[kind])) == expected


def test_the_subscribe_line_is_visible_with_its_icon(client, newsroom):
    html = client.get("/senators/amy-klobuchar/").content.decode()

    assert 'class="feed-links"' in html
    assert 'class="feed-links__icon"' in html
    assert "Subscribe:" in html
    assert 'title="Releases from Amy Klobuchar (D-MN) (RSS)"' in html
