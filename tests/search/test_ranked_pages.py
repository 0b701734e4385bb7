"""Search results best first, read from the kept ranking (search/query.py `ranked_slice`).

A page inside the ranking of the best matches is that ranking's releases passing the other
filters, in its order; past it, or when the filters leave too few of them, the page comes
from every match. Both ways give what one ordered query over every match gives.
"""

from datetime import UTC, datetime, timedelta

import pytest

from releases.models import Release
from search import backend as search_backend
from search.query import ranked_ids, search
from tests.support.factories import ReleaseFactory, SenatorFactory
from tests.support.html_helpers import listed_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(settings):
    settings.RELEASES_PER_PAGE = 2
    smith, jones = SenatorFactory(slug="tina-smith"), SenatorFactory(slug="al-jones")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    # Titles with the word more or less often: a ranking that is not the order of dates.
    for n in range(7):
        ReleaseFactory(
            title=f"Harbor {'harbor ' * (n % 3)}report {n}",
            body="The harbor. " * (1 + n % 4),
            senators=[smith if n % 2 else jones],
            published_at=start + timedelta(days=n),
        )
    ReleaseFactory(title="Harbor harbor harbor draft", status=Release.Status.DRAFT,
                   senators=[smith])  # fmt: skip
    soon = datetime.now(UTC) + timedelta(days=1)
    ReleaseFactory(title="Harbor harbor harbor embargo", published_at=soon, senators=[smith])
    ReleaseFactory(title="Nothing to see", senators=[smith])
    return {"smith": smith}


def expected_pages(among=None, per_page=2):
    """The search's results in one ordered query (as the list filters them: after it)."""
    results = search(Release.objects.published(), "harbor")
    if among is not None:
        results = results.filter(pk__in=among)
    titles = list(results.values_list("title", flat=True))
    return [titles[i : i + per_page] for i in range(0, len(titles), per_page)]


def pages(client, query):
    return [
        listed_titles(client.get("/releases/", {**query, "page": n}))
        for n in range(1, 5)
    ]  # fmt: skip


@pytest.mark.parametrize("ranked", [1000, 3])  # all matches ranked; only the best three
def test_ranked_pages_are_the_pages_of_one_ordered_query(client, newsroom, monkeypatch, ranked):
    monkeypatch.setattr(search_backend, "RANKED", ranked)
    public = Release.objects.published()
    best = ranked_ids(public, "harbor")
    assert len(best) == min(ranked, 9)  # the draft and the embargo are in the index's list

    got = pages(client, {"q": "harbor"})

    want = expected_pages()
    assert got == [*want, *[[]] * (4 - len(want))][:4]
    assert sum(len(page) for page in got) == 7
    assert not any("draft" in t or "embargo" in t for page in got for t in page)


@pytest.mark.parametrize("ranked", [1000, 3])
def test_a_filter_narrows_the_ranking_and_the_pages_go_on_past_it(
    client, newsroom, monkeypatch, ranked
):
    monkeypatch.setattr(search_backend, "RANKED", ranked)
    mine = Release.objects.filter(releasesenator__senator=newsroom["smith"]).values("pk")

    got = pages(client, {"q": "harbor", "senator": "tina-smith"})

    want = expected_pages(mine)
    assert len(want) == 2  # three of the releases are hers
    assert got[:2] == want
    assert got[2] == got[3] == want[-1]  # a page past the end: the last one


def test_a_page_within_the_ranking_does_not_run_the_search_again(
    client, newsroom, django_assert_num_queries
):
    client.get("/releases/", {"q": "harbor"})  # counts, facets and the ranking kept
    # The page's ids from the ranking, its rows, their senators and topics, and the
    # heading's: none of them reads the search index.
    with django_assert_num_queries(4) as captured:
        assert client.get("/releases/", {"q": "harbor"}).status_code == 200
    assert not any("modelsearch" in q["sql"] for q in captured.captured_queries)


def test_a_first_page_checks_the_rankings_head_alone(client, newsroom, django_assert_num_queries):
    """A search alone passes every public match: page one is among the ranking's first
    2 x 2 ids, and only those go into the query (not the whole kept ranking)."""
    client.get("/releases/", {"q": "harbor"})
    best = ranked_ids(Release.objects.published(), "harbor")
    with django_assert_num_queries(4) as captured:
        got = listed_titles(client.get("/releases/", {"q": "harbor"}))
    first = captured.captured_queries[0]["sql"]
    assert got == expected_pages()[0]
    assert sum(str(pk) in first.split("IN (")[1].split(")")[0].split(", ") for pk in best) == 4
