"""The index pages (/topics/, /organizations/, /legislation/, /senators/) at any size: a
page at a time, by letter, words, Congress, chamber, state and party; only the subjects
with public releases unless asked; a fixed number of queries and under 100 KB of HTML at
2,000 bills and 1,000 organizations."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from people.models import Organization, Senator
from releases.markdown import render_markdown
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from tests.support.data import built_once
from tests.support.html_helpers import text

pytestmark = pytest.mark.django_db

NEWEST = datetime(2024, 5, 30, 16, 0, tzinfo=UTC)
SIZES = {
    # bills, organizations, topics, senators in office, former senators, public releases
    "small": (12, 8, 6, 6, 2, 6),
    "large": (2000, 1000, 300, 100, 30, 200),
}
LONG_TITLE = (
    "A bill to amend title 18, United States Code, to ensure that victims of crime "
    "are not treated as criminals, to strengthen the services they are offered, and for "
    "other purposes."
)
# Names beginning with every letter, so the letter bar has 26 letters (and "#").
WORDS = [
    "Alliance", "Bureau", "Coalition", "Department", "Endowment", "Foundation", "Guild",
    "Harbor", "Institute", "Justice", "Kin", "League", "Mission", "Network", "Office",
    "Partnership", "Quorum", "Relief", "Society", "Trust", "Union", "Voices", "Works",
    "Xenia", "Youth", "Zenith",
]  # fmt: skip


def _bulk_release(n, status=Release.Status.PUBLISHED):
    body = "The senator announced a measure."
    return Release(
        title=f"Release {n}", slug=f"release-{n}", dateline="Washington, DC", body=body,
        body_html=render_markdown(body), status=status,
        published_at=NEWEST - timedelta(hours=n),
    )  # fmt: skip


def build_index_newsroom(size):
    """Bills, organizations, topics and senators in bulk, three in four with public releases
    (bulk-created rows: no signals, no search index), and the named ones the tests look for."""
    n_bills, n_orgs, n_topics, n_in_office, n_former, n_releases = SIZES[size]
    releases = Release.objects.bulk_create(_bulk_release(n) for n in range(n_releases))
    draft = Release.objects.bulk_create([_bulk_release(9999, Release.Status.DRAFT)])[0]

    senators = Senator.objects.bulk_create(
        Senator(
            bioguide_id=f"Z{n:06d}", first_name=f"First{n}", last_name=f"{WORDS[n % 26]}son",
            slug=f"senator-{n}", party="DRI"[n % 3], state=["MN", "ND", "CA", "TX", "NY"][n % 5],
            in_office=n < n_in_office,
        )
        for n in range(n_in_office + n_former)
    )  # fmt: skip
    klobuchar, heitkamp = Senator.objects.bulk_create([
        Senator(bioguide_id="K000367", first_name="Amy", last_name="Klobuchar",
                official_full_name="Amy Klobuchar", slug="amy-klobuchar", party="D", state="MN"),
        Senator(bioguide_id="H001069", first_name="Heidi", last_name="Heitkamp",
                official_full_name="Heidi Heitkamp", slug="heidi-heitkamp", party="D",
                state="ND", in_office=False),
    ])  # fmt: skip
    forgotten = Senator.objects.create(
        bioguide_id="F000001", first_name="Forgotten", last_name="Formerly", slug="forgotten",
        party="R", state="ND", in_office=False,
    )  # fmt: skip

    def bill(n):
        congress = 113 + n % 6
        kind = ["s", "hr", "sres", "hres"][n % 4]
        number = 3001 + n  # clear of the named bills' numbers
        return Legislation(
            bill_type=kind, number=number, congress=congress, bill_id=f"{kind}{number}-{congress}",
            short_title=f"{WORDS[n % 26]} Improvement Act of {n}" if n % 3 else "",
            official_title=f"A bill to improve {WORDS[n % 26].lower()} services, number {n}.",
        )  # fmt: skip

    bills = Legislation.objects.bulk_create(bill(n) for n in range(n_bills))
    s1733, s2000, hidden_bill = Legislation.objects.bulk_create([
        Legislation(bill_type="s", number=1733, congress=113, bill_id="s1733-113",
                    short_title="Stop Exploitation Through Trafficking Act", sponsor=klobuchar,
                    official_title="A bill to combat trafficking."),
        Legislation(bill_type="s", number=20000, congress=118, bill_id="s20000-118",
                    official_title=LONG_TITLE),
        Legislation(bill_type="s", number=30000, congress=118, bill_id="s30000-118",
                    short_title="Hidden Draft Act"),
    ])  # fmt: skip
    organizations = Organization.objects.bulk_create(
        Organization(name=f"{WORDS[n % 26]} Group {n:04d}", slug=f"group-{n}")
        for n in range(n_orgs)
    )
    four_h, hidden_org = Organization.objects.bulk_create([
        Organization(name="4-H Council", slug="4-h-council"),
        Organization(name="Hidden Draft Coalition", slug="hidden-draft-coalition"),
    ])  # fmt: skip
    topics = Topic.objects.bulk_create(
        Topic(name=f"{WORDS[n % 26]} policy {n}", slug=f"topic-{n}", description="On it.")
        for n in range(n_topics)
    )
    trafficking = Topic.objects.create(name="Human trafficking", slug="human-trafficking")

    def with_releases(objects):
        return [o for n, o in enumerate(objects) if n % 4 != 3]

    links = {
        "legislation": [*with_releases(bills), s1733, s2000],
        "organizations": [*with_releases(organizations), four_h],
        "topics": [*with_releases(topics), trafficking],
    }
    columns = {"legislation": "legislation_id", "organizations": "organization_id",
               "topics": "topic_id"}  # fmt: skip
    for name, objects in links.items():
        through, column = getattr(Release, name).through, columns[name]
        rows = [
            through(release_id=releases[n % len(releases)].pk, **{column: o.pk})
            for n, o in enumerate(objects)
        ]
        hidden = {"legislation": hidden_bill, "organizations": hidden_org}.get(name)
        if hidden:
            rows.append(through(release_id=draft.pk, **{column: hidden.pk}))
        through.objects.bulk_create(rows)
    speakers = [klobuchar, heitkamp, *with_releases(senators)]
    ReleaseSenator.objects.bulk_create(
        ReleaseSenator(
            release=releases[n % len(releases)],
            senator=s,
            order=n // len(releases),
            role="lead" if n < len(releases) else "joint",
        )
        for n, s in enumerate(speakers)
    )
    Quote.objects.bulk_create(
        Quote(release=releases[n % len(releases)], senator=s, text=f"Words {n}.")
        for n, s in enumerate(speakers)
    )
    return SimpleNamespace(
        size=size,
        s1733=s1733,
        s2000=s2000,
        hidden_bill=hidden_bill,
        hidden_org=hidden_org,
        four_h=four_h,
        klobuchar=klobuchar,
        heitkamp=heitkamp,
        forgotten=forgotten,
        counts=SIZES[size],
    )


newsroom = built_once(build_index_newsroom, params=["small", "large"])


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


# Size and queries.

# (address, queries with the counts worked out afresh, queries once they are kept): the
# same for 12 bills and for 2,000. Afresh: the public counts (2) and the next embargo's time
# (1), the letters or Congresses with the totals (1), the page's total, ids and rows (3).
QUERIES = {
    "/topics/": (7, 2),
    "/topics/?letter=H&page=2": (7, 2),
    "/organizations/": (7, 2),
    "/organizations/?q=group&all=1": (7, 2),
    "/legislation/": (7, 2),
    "/legislation/?congress=113&chamber=senate": (7, 2),
    "/legislation/?q=S.+1733": (7, 2),
    # the counts (2), the next embargo (1), the states (1); those in office, former (2)
    "/senators/": (6, 2),
    "/senators/?state=MN&party=D&all=1": (6, 2),
}


@pytest.mark.parametrize(("url", "cold", "warm"), [(u, *q) for u, q in QUERIES.items()],
                         ids=list(QUERIES))  # fmt: skip
def test_an_index_page_runs_the_same_queries_whatever_the_size(
    client, newsroom, django_assert_num_queries, url, cold, warm
):
    cache.clear()
    for expected in (cold, warm):
        with django_assert_num_queries(expected):
            get(client, url)


@pytest.mark.parametrize(
    "url",
    ["/topics/", "/organizations/", "/organizations/?all=1", "/legislation/",
     "/legislation/?all=1&page=5", "/senators/", "/senators/?all=1", "/quotes/"],
)  # fmt: skip
def test_every_index_page_is_under_100_kb_at_2000_bills_and_1000_organizations(
    client, newsroom, url
):
    if newsroom.size == "large":
        assert Legislation.objects.count() > 2000
        assert Organization.objects.count() > 1000
    response = get(client, url)

    assert len(response.content) < 100_000, f"{url}: {len(response.content):,} bytes"


def test_a_page_holds_100_and_the_last_page_the_rest(client, newsroom):
    if newsroom.size == "small":
        assert text(get(client, "/organizations/?all=1")).count('<th scope="row">') == 8 + 2
        return
    first = text(get(client, "/organizations/?all=1"))
    last = text(get(client, "/organizations/?all=1&page=11"))

    assert first.count('<th scope="row">') == 100
    assert "Page 1 of 11" in first
    assert last.count('<th scope="row">') == 1002 - 1000  # 1,000 groups, 4-H, hidden
    assert "Page 11 of 11" in last


# Letters, words and "all".


def test_the_letter_bar_lists_the_letters_there_are_and_narrows_to_one(client, newsroom):
    html = text(get(client, "/organizations/"))
    bar = html.split('class="letter-bar"', 1)[1].split("</nav>", 1)[0]
    by_b = text(get(client, "/organizations/?letter=b"))
    orgs = newsroom.counts[1]
    letters = {WORDS[n % 26][0] for n in range(orgs) if n % 4 != 3}

    assert bar.count("?letter=") == len(letters) + 1  # and "#", for 4-H Council
    assert 'aria-label="Digits and signs"' in bar
    assert "Bureau Group 0001" in by_b
    assert "Alliance Group 0000" not in by_b
    assert "beginning with B" in by_b
    assert "4-H Council" in text(get(client, "/organizations/?letter=%23"))


def test_words_narrow_the_list(client, newsroom):
    html = text(get(client, "/topics/?q=TRAFFICKING"))

    assert "Human trafficking" in html
    assert "policy" not in html
    assert "1 topic matching “TRAFFICKING” with public releases" in html


def test_only_subjects_with_public_releases_unless_all_are_asked_for(client, newsroom):
    default = text(get(client, "/organizations/?letter=H"))
    everything = text(get(client, "/organizations/?letter=H&all=1"))
    total = newsroom.counts[1] + 2  # and 4-H Council, Hidden Draft Coalition

    assert "Hidden Draft Coalition" not in default  # only a draft names it
    assert f"Show all {total:,}, with and without releases" in default
    assert "Hidden Draft Coalition" in everything
    assert _count_after(everything, "Hidden Draft Coalition") == "0"
    assert "Show only the" in everything
    assert "Hidden Draft Act" not in text(get(client, "/legislation/?q=hidden"))
    assert "Hidden Draft Act" in text(get(client, "/legislation/?q=hidden&all=1"))


def _count_after(html, marker):
    return html.split(marker, 1)[1].split('<td class="num">', 1)[1].split("<", 1)[0]


# Bills: by Congress, readable, searched by number or title.


def test_bills_come_newest_congress_first_under_headings(client, newsroom):
    html = text(get(client, "/legislation/?all=1"))
    headings = re.findall(r'<h2 id="congress-\d+">([^<]+)</h2>', html)
    newest = text(get(client, "/legislation/?congress=118&all=1"))
    first_row = newest.split("<tbody>", 1)[1].split("</tr>", 1)[0]

    assert headings[0] == "118th Congress (2023–2024)"
    assert headings == sorted(headings, reverse=True)  # the same number of digits
    assert "113th Congress (2013–2014)" in text(get(client, "/legislation/?congress=113"))
    assert '<span class="bill-cite">S. ' in first_row  # the Senate's bills first


def test_a_bill_reads_as_its_number_and_title(client, newsroom):
    by_number = text(get(client, "/legislation/?q=S.+1733"))
    official = text(get(client, "/legislation/?q=s20000"))

    assert '<span class="bill-cite">S. 1733</span> — Stop Exploitation Through Trafficking Act' in (
        by_number
    )
    assert "A bill to amend title 18, United States Code" in official
    assert LONG_TITLE not in official  # shortened
    assert "…" in official


@pytest.mark.parametrize("words", ["s 1733", "S. 1733", "S1733", "s1733-113", "trafficking"])
def test_bills_are_found_by_number_or_title(client, newsroom, words):
    html = text(client.get("/legislation/", {"q": words}))

    assert "Stop Exploitation Through Trafficking Act" in html
    assert html.count('<th scope="row">') == 1


def test_bills_are_filtered_by_congress_and_chamber(client, newsroom):
    html = text(get(client, "/legislation/?congress=113&chamber=senate&all=1"))
    rows = html.split("<tbody>", 1)[1]

    assert "113th Congress (2013–2014)" in html
    assert "114th Congress" not in rows
    assert "H.R." not in rows
    assert "S. 1733" in rows
    assert '<option value="113" selected>' in html


# Senators: in office by state, then former ones.


def test_senators_in_office_come_by_state_and_former_ones_after(client, newsroom):
    html = text(get(client, "/senators/"))
    former = html.split('id="former-heading"', 1)[1]

    assert '<h3 id="state-' in html
    assert html.index(">California</h3>") < html.index(">Minnesota</h3>")
    assert 'Amy Klobuchar</a> <span class="party-state"' in html
    assert "Heidi Heitkamp" in former
    assert "Amy Klobuchar" not in former
    assert "Forgotten" not in html  # a former senator with no public release
    assert "Forgotten" in text(get(client, "/senators/?all=1"))


def test_senators_are_filtered_by_state_party_and_name(client, newsroom):
    html = text(get(client, "/senators/?state=MN&party=D"))
    searched = text(get(client, "/senators/?q=klobu"))

    assert ">Minnesota</h3>" in html
    assert ">North Dakota</h3>" not in html
    assert "D-MN" in html
    assert "R-MN" not in html
    assert "Amy Klobuchar" in searched
    assert searched.count('class="senator-row"') == 1


# Bad parameters.

BAD = [
    "letter=!!", "letter=%00", "letter=AB", "page=999999", "page=-1", "page=x", "all=2",
    "q=" + "x" * 5000, "q=%00", "congress=abc", "congress=99999999999999999999",
    "chamber=moon", "state=ZZ", "party=Q", "letter=&q=&page=",
]  # fmt: skip


@pytest.mark.parametrize("query", BAD)
@pytest.mark.parametrize("path", ["/topics/", "/organizations/", "/legislation/", "/senators/"])
def test_bad_parameters_are_ignored(client, newsroom, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 200
    if query.startswith("q=x"):
        assert "first 100 characters" in text(response)


def test_a_kept_page_is_kept_per_letter(client, newsroom, settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    a = text(get(client, "/topics/?letter=A"))
    b = text(get(client, "/topics/?letter=B"))

    assert "Alliance policy" in a and "Alliance policy" not in b
    assert client.get("/topics/?letter=B")["X-Page-Cache"] == "hit"
