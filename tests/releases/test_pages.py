"""The pages a person reads: a release as it ran, a bill, a senator, and what every page shares."""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from people.models import Organization
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.html_helpers import listed_titles, text

pytestmark = pytest.mark.django_db

TITLE = "Klobuchar, Heitkamp Join with Local Advocates to Discuss Efforts to Combat Sex Trafficking"
BODY = (
    "U.S. Senators Amy Klobuchar and Heidi Heitkamp **today** joined with local advocates "
    "to discuss efforts to combat sex trafficking.\n\n"
    "Klobuchar and Heitkamp have worked together to fight sex trafficking."
)
HIGHLIGHTS = (
    "Klobuchar has authored anti-trafficking legislation that Heitkamp has cosponsored\n"
    "The Senators also highlighted the fight against international sex trafficking"
)


@pytest.fixture
def release():
    """The sample joint release of May 2014, with a quote from each senator and an advocate."""
    klobuchar = SenatorFactory(
        bioguide_id="K000367",
        first_name="Amy",
        last_name="Klobuchar",
        official_full_name="Amy Klobuchar",
        slug="amy-klobuchar",
        party="D",
        state="MN",
    )
    heitkamp = SenatorFactory(
        bioguide_id="H001069",
        first_name="Heidi",
        last_name="Heitkamp",
        official_full_name="Heidi Heitkamp",
        slug="heidi-heitkamp",
        party="D",
        state="ND",
        in_office=False,
    )
    bill = LegislationFactory(
        bill_type="s",
        number=1733,
        congress=113,
        short_title="Stop Exploitation Through Trafficking Act of 2013",
        sponsor=klobuchar,
    )
    bill.cosponsors.set([heitkamp])
    breaking_free = OrganizationFactory(name="Breaking Free", slug="breaking-free")
    release = ReleaseFactory(
        title=TITLE,
        slug="klobuchar-heitkamp-join",
        # 02:30 UTC on May 17 is 10:30 p.m. on Friday, May 16 in Washington.
        published_at=datetime(2014, 5, 17, 2, 30, tzinfo=UTC),
        dateline="Minneapolis, MN",
        highlights=HIGHLIGHTS,
        body=BODY,
        senators=[klobuchar, heitkamp],
        topics=[TopicFactory(name="Human trafficking", slug="human-trafficking")],
        legislation=[bill],
        organizations=[
            OrganizationFactory(
                name="Polaris Project",
                slug="polaris-project",
                kind=Organization.Kind.NONPROFIT,
            ),
            breaking_free,
        ],
    )
    QuoteFactory(
        release=release,
        senator=klobuchar,
        order=0,
        text="Minnesota is tackling the challenge of sex trafficking head on.",
    )
    QuoteFactory(
        release=release,
        senator=heitkamp,
        order=1,
        text="Senator Klobuchar and I have worked closely on this issue.\n\nToday I saw it.",
    )
    QuoteFactory(
        release=release,
        senator=None,
        speaker_name="Jane Doe",
        speaker_title="Director",
        speaker_organization=breaking_free,
        order=2,
        text="Survivors deserve services, not prosecution.",
    )
    return SimpleNamespace(
        release=release,
        klobuchar=klobuchar,
        heitkamp=heitkamp,
        bill=bill,
        breaking_free=breaking_free,
    )


def strip_tags(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_release_page_shows_title_and_eastern_date(client, release):
    response = client.get("/releases/2014/05/klobuchar-heitkamp-join/")

    html = text(response)
    assert response.status_code == 200
    assert f'<h1 id="release-title">{TITLE}</h1>' in html
    assert "Friday, May 16, 2014" in html
    assert "May 17" not in html
    assert 'datetime="2014-05-16T22:30:00-04:00"' in html


def test_release_page_shows_dateline_highlights_and_body(client, release):
    html = text(client.get(release.release.get_absolute_url()))

    assert "Minneapolis, MN" in html
    assert (
        "<li>Klobuchar has authored anti-trafficking legislation that Heitkamp has cosponsored</li>"
    ) in html
    assert (
        "<li>The Senators also highlighted the fight against international sex trafficking</li>"
        in html
    )
    assert "<strong>today</strong>" in html
    assert "**today**" not in html
    assert "<p>Klobuchar and Heitkamp have worked together to fight sex trafficking.</p>" in html
    # The dateline leads the body.
    assert html.index("Minneapolis, MN") < html.index("<strong>today</strong>")


def test_release_page_shows_quotes_with_attribution(client, release):
    html = text(client.get(release.release.get_absolute_url()))

    quotes = re.findall(
        r"<blockquote>(.*?)</blockquote>\s*<figcaption>(.*?)</figcaption>", html, re.DOTALL
    )
    assert [(strip_tags(said), strip_tags(by)) for said, by in quotes] == [
        (
            "Minnesota is tackling the challenge of sex trafficking head on.",
            "— Amy Klobuchar (D-MN)",
        ),
        (
            "Senator Klobuchar and I have worked closely on this issue. Today I saw it.",
            "— Heidi Heitkamp (D-ND)",
        ),
        ("Survivors deserve services, not prosecution.", "— Jane Doe, Director, Breaking Free"),
    ]
    # A quote of two paragraphs keeps them.
    assert (
        "<p>Senator Klobuchar and I have worked closely on this issue.</p><p>Today I saw it.</p>"
        in html
    )
    assert (
        '<a href="/senators/amy-klobuchar/">Amy Klobuchar <span class="party">(D-MN)</span></a>'
        in html
    )


def test_release_page_names_issuing_senators_with_party_and_state(client, release):
    html = text(client.get(release.release.get_absolute_url()))

    party = '<span class="party">({})</span>'
    assert (
        f'<a href="/senators/amy-klobuchar/">Sen. Amy Klobuchar {party.format("D-MN")}</a>' in html
    )
    # Senator Heitkamp has left office since, but this release was issued while she served.
    assert (
        f'<a href="/senators/heidi-heitkamp/">Sen. Heidi Heitkamp {party.format("D-ND")}</a>'
    ) in html
    # The name and the party stand apart: a line of their own, and a comma for a reader.
    detail = '</a><span class="people__detail muted"><span class="visually-hidden">, </span>'
    assert f"Amy Klobuchar{detail}Democrat, Minnesota · lead senator</span>" in html
    assert f"Heidi Heitkamp{detail}Democrat, North Dakota</span>" in html


def test_release_page_links_bills_topics_and_organizations(client, release):
    html = text(client.get(release.release.get_absolute_url()))

    assert '<a href="/legislation/s1733-113/">S. 1733 (113th Congress)</a>' in html
    assert "Stop Exploitation Through Trafficking Act of 2013" in html
    assert '<a href="/topics/human-trafficking/">Human trafficking</a>' in html
    assert '<a href="/organizations/polaris-project/">Polaris Project</a>' in html
    assert '<a href="/organizations/breaking-free/">Breaking Free</a>' in html


def test_release_page_names_its_canonical_address(client, release):
    html = text(client.get(release.release.get_absolute_url()))

    assert (
        '<link rel="canonical" href="http://testserver/releases/2014/05/klobuchar-heitkamp-join/">'
    ) in html


def test_bill_page_shows_sponsor_cosponsors_and_congress_gov(client, release):
    response = client.get("/legislation/s1733-113/")

    html = text(response)
    assert response.status_code == 200
    assert "<h1>S. 1733 (113th Congress)</h1>" in html
    facts = strip_tags(html.split('id="facts-heading"', 1)[1])
    assert "Sponsor Amy Klobuchar (D-MN)" in facts
    assert "Cosponsors Heidi Heitkamp (D-ND)" in facts
    party = '<span class="party">({})</span>'
    assert f'<a href="/senators/amy-klobuchar/">Amy Klobuchar {party.format("D-MN")}</a>' in html
    assert f'<a href="/senators/heidi-heitkamp/">Heidi Heitkamp {party.format("D-ND")}</a>' in html
    assert 'href="https://www.congress.gov/bill/113th-congress/senate-bill/1733"' in html
    assert listed_titles(response) == [TITLE]


@pytest.mark.parametrize(
    ("bill_type", "number", "congress", "url"),
    [
        ("hr", 3610, 113, "https://www.congress.gov/bill/113th-congress/house-bill/3610"),
        ("sres", 12, 111, "https://www.congress.gov/bill/111th-congress/senate-resolution/12"),
        (
            "hjres",
            7,
            112,
            "https://www.congress.gov/bill/112th-congress/house-joint-resolution/7",
        ),
        (
            "sconres",
            3,
            101,
            "https://www.congress.gov/bill/101st-congress/senate-concurrent-resolution/3",
        ),
    ],
)
def test_bill_page_links_congress_gov_for_every_bill_type(client, bill_type, number, congress, url):
    bill = LegislationFactory(bill_type=bill_type, number=number, congress=congress)

    html = text(client.get(bill.get_absolute_url()))

    assert f'href="{url}"' in html
    assert "Cosponsors</dt><dd>None" in html


@pytest.mark.parametrize("senator", ["klobuchar", "heitkamp"])
def test_senator_page_lists_joint_releases_once(client, release, senator):
    senator = getattr(release, senator)

    response = client.get(senator.get_absolute_url())

    html = text(response)
    assert f'<h1>{senator.name} <span class="muted">({senator.party_state})</span></h1>' in html
    assert listed_titles(response) == [TITLE]
    assert re.search(r'id="releases-heading">Releases <span class="muted">\(1\)</span>', html)


def test_senator_page_shows_their_quotes_and_bills(client, release):
    heitkamp = text(client.get("/senators/heidi-heitkamp/"))
    klobuchar = text(client.get("/senators/amy-klobuchar/"))

    assert "Senator Klobuchar and I have worked closely on this issue." in heitkamp
    assert "Minnesota is tackling the challenge" not in heitkamp
    assert "Former U.S. Senator for North Dakota" in heitkamp
    assert "Cosponsor" in strip_tags(heitkamp.split('id="bills-heading"', 1)[1])
    assert "Sponsor" in strip_tags(klobuchar.split('id="bills-heading"', 1)[1])
    assert "U.S. Senator for Minnesota" in klobuchar


def test_organization_page_lists_releases_naming_it(client, release):
    response = client.get("/organizations/breaking-free/")

    assert "<h1>Breaking Free</h1>" in text(response)
    assert listed_titles(response) == [TITLE]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Outline(HTMLParser):
    """The page's skeleton: <html> attributes, what sits directly in <body>, every <h1>."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.html_attrs = {}
        self.body_children = []  # (tag, attrs)
        self.h1_count = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag == "h1":
            self.h1_count += 1
        if self.stack and self.stack[-1] == "body":
            self.body_children.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def outline(response):
    parser = Outline()
    parser.feed(text(response))
    return parser


PAGES = {
    "home": lambda r: "/",
    "release list": lambda r: "/releases/",
    "filtered list": lambda r: "/releases/?senator=amy-klobuchar&senator=nope&q=trafficking",
    "year archive": lambda r: "/releases/2014/",
    "month archive": lambda r: "/releases/2014/05/",
    "release": lambda r: r.release.get_absolute_url(),
    "senators": lambda r: "/senators/",
    "senator": lambda r: r.klobuchar.get_absolute_url(),
    "topics": lambda r: "/topics/",
    "topic": lambda r: "/topics/human-trafficking/",
    "legislation": lambda r: "/legislation/",
    "bill": lambda r: r.bill.get_absolute_url(),
    "organizations": lambda r: "/organizations/",
    "organization": lambda r: r.breaking_free.get_absolute_url(),
    "not found": lambda r: "/senators/nope/",
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_every_page_has_landmarks_one_h1_and_a_skip_link(client, release, page):
    response = client.get(page(release))

    assert response.status_code in (200, 404)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = outline(response)
    assert page.html_attrs.get("lang") == "en"
    assert page.h1_count == 1
    # The skip link comes first, then the site's header, main content and footer.
    skip_tag, skip = page.body_children[0]
    assert skip_tag == "a"
    assert skip["href"] == "#main"
    landmarks = [(tag, a.get("id")) for tag, a in page.body_children if tag != "script"]
    assert landmarks[1:] == [("header", None), ("main", "main"), ("footer", None)]
    assert "<nav" in text(response).split("<main", 1)[0]


def test_not_found_page_is_the_newsroom_page(client, release):
    response = client.get("/topics/nope/")

    assert response.status_code == 404
    assert "We couldn’t find that page" in text(response)


def test_robots_txt_is_plain_text(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert body.startswith("User-agent: *")
    assert "Disallow: /admin/" in body
    assert "<" not in body
