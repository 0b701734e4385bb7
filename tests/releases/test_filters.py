"""/releases/ filters, facet counts, chips, archives, bad input and unknown addresses."""

from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest

from tests.support.data import built_once
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
)
from tests.support.html_helpers import (
    checked_choices,
    chips,
    facet_counts,
    listed_titles,
    notices,
    text,
)

pytestmark = pytest.mark.django_db

JOINT = "Klobuchar and Heitkamp join to stop trafficking"
FARM = "Klobuchar praises farm bill conference"
VETERANS = "Heitkamp honors North Dakota veterans and farmers"
NETWORKS = "Cornyn bill targets trafficking networks"
JOBS = "Cornyn and Klobuchar back veterans jobs act"
ALL = {JOINT, FARM, VETERANS, NETWORKS, JOBS}


def build_newsroom():
    """Five releases, 2013 to 2015, with fixed dates (they are all long past): built once
    for the module, which only reads it."""
    klobuchar = SenatorFactory(
        first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar", state="MN"
    )
    heitkamp = SenatorFactory(
        first_name="Heidi", last_name="Heitkamp", slug="heidi-heitkamp", state="ND"
    )
    cornyn = SenatorFactory(
        first_name="John", last_name="Cornyn", slug="john-cornyn", party="R", state="TX"
    )
    trafficking = TopicFactory(name="Human trafficking", slug="trafficking")
    agriculture = TopicFactory(name="Agriculture", slug="agriculture")
    veterans = TopicFactory(name="Veterans", slug="veterans")
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113)
    hr3610 = LegislationFactory(bill_type="hr", number=3610, congress=113)
    s2599 = LegislationFactory(bill_type="s", number=2599, congress=113)
    polaris = OrganizationFactory(name="Polaris Project", slug="polaris")
    ncmec = OrganizationFactory(name="NCMEC", slug="ncmec")
    releases = SimpleNamespace(
        joint=ReleaseFactory(
            title=JOINT,
            slug="klobuchar-heitkamp-join",
            published_at=datetime(2014, 5, 16, 16, 0, tzinfo=UTC),
            body="The Stop Exploitation Through Trafficking Act is modeled after Safe Harbor.",
            senators=[klobuchar, heitkamp],
            topics=[trafficking],
            legislation=[s1733],
            organizations=[polaris, ncmec],
        ),
        # 02:00 UTC on June 1 is 10 p.m. on May 31 in Washington: a May release.
        farm=ReleaseFactory(
            title=FARM,
            slug="klobuchar-farm-bill",
            published_at=datetime(2014, 6, 1, 2, 0, tzinfo=UTC),
            senators=[klobuchar],
            topics=[agriculture],
        ),
        veterans=ReleaseFactory(
            title=VETERANS,
            slug="heitkamp-veterans",
            published_at=datetime(2014, 6, 15, 15, 0, tzinfo=UTC),
            senators=[heitkamp],
            topics=[veterans, agriculture],
        ),
        networks=ReleaseFactory(
            title=NETWORKS,
            slug="cornyn-networks",
            published_at=datetime(2015, 3, 10, 15, 0, tzinfo=UTC),
            senators=[cornyn],
            topics=[trafficking],
            legislation=[hr3610, s1733],
            organizations=[polaris],
        ),
        # 03:00 UTC on January 1, 2014 is still New Year's Eve, 2013, in Washington.
        jobs=ReleaseFactory(
            title=JOBS,
            slug="cornyn-klobuchar-jobs",
            published_at=datetime(2014, 1, 1, 3, 0, tzinfo=UTC),
            senators=[cornyn, klobuchar],
            topics=[veterans],
            legislation=[s2599],
        ),
    )
    return releases


newsroom = built_once(build_newsroom)


def titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return listed_titles(response)


# Filters one at a time, repeated (OR) and combined (AND).
FILTERS = [
    ("senator=amy-klobuchar", {JOINT, FARM, JOBS}),
    ("senator=heidi-heitkamp", {JOINT, VETERANS}),
    ("senator=john-cornyn", {NETWORKS, JOBS}),
    ("topic=trafficking", {JOINT, NETWORKS}),
    ("topic=agriculture", {FARM, VETERANS}),
    ("legislation=s1733-113", {JOINT, NETWORKS}),
    ("legislation=hr3610-113", {NETWORKS}),
    ("legislation=s2599-113", {JOBS}),
    ("organization=polaris", {JOINT, NETWORKS}),
    ("organization=ncmec", {JOINT}),
    ("year=2014", {JOINT, FARM, VETERANS}),
    ("year=2013", {JOBS}),
    ("year=2015", {NETWORKS}),
    ("q=exploitation", {JOINT}),
    ("q=FARM", {FARM}),  # full-text search matches words, not substrings of "farmers"
    ("q=farmers", {VETERANS}),
    ("q=trafficking+networks", {NETWORKS}),
    ("topic=trafficking&topic=veterans", {JOINT, NETWORKS, VETERANS, JOBS}),
    ("legislation=hr3610-113&legislation=s2599-113", {NETWORKS, JOBS}),
    ("organization=polaris&organization=ncmec", {JOINT, NETWORKS}),
    ("year=2014&year=2015", {JOINT, FARM, VETERANS, NETWORKS}),
    ("senator=amy-klobuchar&topic=veterans", {JOBS}),
    ("senator=heidi-heitkamp&topic=trafficking&topic=agriculture", {JOINT, VETERANS}),
    ("senator=amy-klobuchar&year=2014", {JOINT, FARM}),
    ("topic=trafficking&organization=ncmec", {JOINT}),
    ("senator=john-cornyn&topic=agriculture", set()),
    ("senator=amy-klobuchar&q=farm", {FARM}),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q for q, _ in FILTERS])
def test_filters(client, newsroom, query, expected):
    listed = titles(client, f"/releases/?{query}")

    assert sorted(listed) == sorted(expected)


def test_no_filter_lists_everything_newest_first(client, newsroom):
    assert titles(client, "/releases/") == [NETWORKS, VETERANS, FARM, JOINT, JOBS]


def test_joint_release_is_listed_under_each_senator(client, newsroom):
    assert JOINT in titles(client, "/releases/?senator=amy-klobuchar")
    assert JOINT in titles(client, "/releases/?senator=heidi-heitkamp")
    assert JOINT in titles(client, "/senators/amy-klobuchar/")
    assert JOINT in titles(client, "/senators/heidi-heitkamp/")


def test_joint_release_appears_once_when_filtering_by_both_senators(client, newsroom):
    response = client.get("/releases/?senator=amy-klobuchar&senator=heidi-heitkamp")

    listed = listed_titles(response)
    assert listed.count(JOINT) == 1
    assert sorted(listed) == sorted([JOINT, FARM, VETERANS, JOBS])
    assert response.context["page_obj"].paginator.count == 4


def test_joint_release_appears_once_when_filters_match_it_twice(client, newsroom):
    query = "topic=trafficking&organization=polaris&organization=ncmec&legislation=s1733-113"

    assert titles(client, f"/releases/?{query}") == [NETWORKS, JOINT]


ARCHIVES = [
    ("/releases/2014/", {JOINT, FARM, VETERANS}),
    ("/releases/2014/05/", {JOINT, FARM}),
    ("/releases/2014/06/", {VETERANS}),
    ("/releases/2013/", {JOBS}),
    ("/releases/2013/12/", {JOBS}),
    ("/releases/2014/01/", set()),
    ("/releases/2015/03/", {NETWORKS}),
    ("/releases/2014/?senator=amy-klobuchar", {JOINT, FARM}),
    ("/releases/2014/05/?topic=agriculture", {FARM}),
]


@pytest.mark.parametrize(("url", "expected"), ARCHIVES, ids=[u for u, _ in ARCHIVES])
def test_archives_use_eastern_time_dates(client, newsroom, url, expected):
    assert set(titles(client, url)) == expected


def test_archive_headings_name_the_period(client, newsroom):
    assert "Press releases from May 2014" in text(client.get("/releases/2014/05/"))
    assert "Press releases from 2014" in text(client.get("/releases/2014/"))


def test_year_facet_counts_eastern_years(client, newsroom):
    years = facet_counts(client.get("/releases/"), "year")

    assert years == {"2015": 1, "2014": 3, "2013": 1}


def test_facet_counts_without_filters(client, newsroom):
    assert facet_counts(client.get("/releases/")) == {
        ("senator", "amy-klobuchar"): 3,
        ("senator", "heidi-heitkamp"): 2,
        ("senator", "john-cornyn"): 2,
        ("type", "press-release"): 5,
        ("topic", "trafficking"): 2,
        ("topic", "agriculture"): 2,
        ("topic", "veterans"): 2,
        ("legislation", "s1733-113"): 2,
        ("legislation", "hr3610-113"): 1,
        ("legislation", "s2599-113"): 1,
        ("organization", "polaris"): 2,
        ("organization", "ncmec"): 1,
        ("year", "2015"): 1,
        ("year", "2014"): 3,
        ("year", "2013"): 1,
    }


def test_facet_counts_are_disjunctive_one_filter(client, newsroom):
    """A facet's own filter does not narrow its counts; every other facet's does."""
    response = client.get("/releases/?senator=amy-klobuchar")

    assert facet_counts(response, "senator") == {
        "amy-klobuchar": 3,
        "heidi-heitkamp": 2,
        "john-cornyn": 2,
    }
    assert facet_counts(response, "topic") == {"trafficking": 1, "agriculture": 1, "veterans": 1}
    assert facet_counts(response, "legislation") == {"s1733-113": 1, "s2599-113": 1}
    assert facet_counts(response, "organization") == {"polaris": 1, "ncmec": 1}
    assert facet_counts(response, "year") == {"2014": 2, "2013": 1}
    assert checked_choices(response) == {("senator", "amy-klobuchar")}


def test_facet_counts_are_disjunctive_two_filters(client, newsroom):
    response = client.get("/releases/?senator=amy-klobuchar&topic=veterans")

    assert listed_titles(response) == [JOBS]
    # Senators on veterans releases; topics of Klobuchar's releases.
    assert facet_counts(response, "senator") == {
        "amy-klobuchar": 1,
        "heidi-heitkamp": 1,
        "john-cornyn": 1,
    }
    assert facet_counts(response, "topic") == {"trafficking": 1, "agriculture": 1, "veterans": 1}
    assert facet_counts(response, "legislation") == {"s2599-113": 1}
    assert facet_counts(response, "organization") == {}
    assert facet_counts(response, "year") == {"2013": 1}
    assert checked_choices(response) == {("senator", "amy-klobuchar"), ("topic", "veterans")}


def test_facet_counts_with_a_repeated_parameter(client, newsroom):
    response = client.get("/releases/?topic=trafficking&topic=veterans")

    assert facet_counts(response, "topic") == {"trafficking": 2, "agriculture": 2, "veterans": 2}
    assert facet_counts(response, "senator") == {
        "amy-klobuchar": 2,
        "heidi-heitkamp": 2,
        "john-cornyn": 2,
    }
    assert facet_counts(response, "year") == {"2015": 1, "2014": 2, "2013": 1}


def test_facet_counts_in_an_archive(client, newsroom):
    response = client.get("/releases/2014/05/")

    assert facet_counts(response, "senator") == {"amy-klobuchar": 2, "heidi-heitkamp": 1}
    assert facet_counts(response, "year") == {"2014": 2}


def test_facet_count_markup_names_the_number(client, newsroom):
    html = text(client.get("/releases/"))

    assert (
        '<input type="checkbox" name="senator" value="amy-klobuchar"> '
        '<span class="facet__label">Amy Klobuchar <span class="party">(D-MN)</span></span> '
        '<span class="count" aria-label="3 releases">3</span>'
    ) in html


def _query(href):
    assert href.startswith("?")
    return parse_qs(href[1:])


def test_chips_remove_exactly_their_value(client, newsroom):
    response = client.get("/releases/?topic=trafficking&topic=veterans&senator=amy-klobuchar")

    by_label = {chip["label"]: _query(chip["href"]) for chip in chips(response)}
    assert by_label == {
        "Senator: Amy Klobuchar (D-MN)": {"topic": ["trafficking", "veterans"]},
        "Topic: Human trafficking": {"topic": ["veterans"], "senator": ["amy-klobuchar"]},
        "Topic: Veterans": {"topic": ["trafficking"], "senator": ["amy-klobuchar"]},
    }
    # Following a chip shows what the remaining filters select.
    veterans_chip = next(c for c in chips(response) if c["label"] == "Topic: Veterans")
    assert titles(client, "/releases/" + veterans_chip["href"]) == [JOINT]


def test_chips_drop_the_page_number(client, newsroom):
    response = client.get("/releases/?year=2014&page=1")

    assert [(c["label"], c["href"]) for c in chips(response)] == [("Year: 2014", "?")]


def test_search_chip_removes_the_search(client, newsroom):
    response = client.get("/releases/?q=+trafficking+&senator=john-cornyn")

    search = next(c for c in chips(response) if c["label"] == "Search: trafficking")
    assert _query(search["href"]) == {"senator": ["john-cornyn"]}


def test_every_active_filter_has_a_chip_even_with_no_results(client, newsroom):
    """No release is both Cornyn's and about agriculture: both filters stay removable."""
    response = client.get("/releases/?senator=john-cornyn&topic=agriculture")

    assert listed_titles(response) == []
    by_label = {chip["label"]: _query(chip["href"]) for chip in chips(response)}
    assert by_label == {
        "Senator: John Cornyn (R-TX)": {"topic": ["agriculture"]},
        "Topic: Agriculture": {"senator": ["john-cornyn"]},
    }
    assert checked_choices(response) == {("senator", "john-cornyn"), ("topic", "agriculture")}
    assert facet_counts(response, "senator")["john-cornyn"] == 0


def test_unknown_values_are_reported_and_ignored(client, newsroom):
    response = client.get("/releases/?senator=nope&topic=trafficking")

    assert response.status_code == 200
    assert sorted(listed_titles(response)) == sorted([JOINT, NETWORKS])
    assert len(notices(response)) == 1
    assert "senator" in notices(response)[0]
    assert "nope" in notices(response)[0]


def test_a_bad_value_does_not_drop_the_good_ones_beside_it(client, newsroom):
    response = client.get("/releases/?topic=agriculture&topic=nope")

    assert sorted(listed_titles(response)) == sorted([FARM, VETERANS])
    assert [chip["label"] for chip in chips(response)] == ["Topic: Agriculture"]
    assert len(notices(response)) == 1
    assert "“nope”" in notices(response)[0]
    assert "agriculture" not in notices(response)[0]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("legislation=not-a-bill", "not-a-bill"),
        ("legislation=s9999-113", "s9999-113"),
        ("organization=nope", "nope"),
        ("year=99999", "99999"),
        ("year=abc", "abc"),
        ("year=1066", "1066"),
        ("senator=%C3%BCnic%C3%B6de", "ünicöde"),
    ],
)
def test_malformed_values_are_reported_and_ignored(client, newsroom, query, named):
    response = client.get(f"/releases/?{query}")

    assert response.status_code == 200
    assert set(listed_titles(response)) == ALL
    assert any(named in notice for notice in notices(response))


GARBAGE = [
    "page=abc",
    "page=999999",
    "page=-1",
    "page=0",
    "page=1.5",
    "year=99999",
    "year=abc",
    "year=",
    "senator=nope",
    "senator=",
    "legislation=not-a-bill",
    "legislation=S1733-113",
    "topic=",
    "topic=%00",
    "organization=%00",
    "q=" + "trafficking" * 1000,
    "q=%00",
    "q=%E2%80%9CSafe+Harbor%E2%80%9D",
    "q=%E4%BA%BA%E8%BA%AB%E5%A3%B2%E8%B2%B7",
    "q=%F0%9F%90%A2",
    "q=%25_%5C",
    "q=%FF%FE",
    "senator[]=x",
    "%00=%00",
]


@pytest.mark.parametrize("query", GARBAGE)
@pytest.mark.parametrize("path", ["/releases/", "/releases/2014/", "/releases/2014/05/"])
def test_garbage_never_breaks_the_list(client, newsroom, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 200
    assert "release" in text(response)


@pytest.mark.parametrize("page", ["abc", "", "0.5"])
def test_a_garbage_page_number_shows_the_first_page(client, newsroom, page):
    assert titles(client, f"/releases/?page={page}") == [NETWORKS, VETERANS, FARM, JOINT, JOBS]


def test_a_long_search_is_reported_and_ignored(client, newsroom):
    response = client.get("/releases/?q=" + "x" * 5000)

    assert set(listed_titles(response)) == ALL
    assert any("search" in notice for notice in notices(response))


NOT_FOUND = [
    "/senators/nope/",
    "/topics/nope/",
    "/legislation/s99999-999/",
    "/legislation/nope/",
    "/organizations/nope/",
    "/releases/2014/05/nope/",
    "/releases/2014/13/",
    "/releases/2014/00/",
    "/releases/1066/",
    "/releases/9999/",
    "/releases/2014/5/",
    "/releases/14/",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_unknown_addresses_are_not_found(client, newsroom, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "wrong",
    [
        "/releases/2014/06/klobuchar-farm-bill/",  # the UTC month
        "/releases/2015/05/klobuchar-farm-bill/",
        "/releases/2014/12/klobuchar-farm-bill/",
    ],
)
def test_a_release_under_the_wrong_date_redirects_permanently(client, newsroom, wrong):
    response = client.get(wrong)

    assert response.status_code == 301
    assert response["Location"] == "/releases/2014/05/klobuchar-farm-bill/"
    assert client.get(response["Location"]).status_code == 200


def test_a_release_at_its_address_is_served(client, newsroom):
    response = client.get("/releases/2014/05/klobuchar-farm-bill/")

    assert response.status_code == 200
    assert FARM in text(response)


def test_bill_ids_redirect_to_lowercase(client, newsroom):
    response = client.get("/legislation/S1733-113/")

    assert response.status_code == 301
    assert response["Location"] == "/legislation/s1733-113/"
    assert client.get("/legislation/s1733-113/").status_code == 200
