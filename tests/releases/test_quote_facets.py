"""/quotes/' filter panel folds as the release list's does: each facet its busiest choices
with their counts of public quotes, the first few on show and the rest under "more", a
chosen value always; a fixed number of queries however many senators and topics there
are."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from people.models import Senator
from releases.browse.facets import FACET_LIMIT
from releases.markdown import render_markdown
from releases.models import Quote, Release, ReleaseSenator, Topic
from tests.support.data import built_once
from tests.support.html_helpers import text

pytestmark = pytest.mark.django_db

NEWEST = datetime(2024, 5, 30, 16, 0, tzinfo=UTC)
SIZES = {"small": (10, 6), "large": (150, 300)}  # senators, topics (the 400 checkboxes)


def build_quoted_newsroom(size):
    """Senator n speaks n + 1 times in their own public release, filed under topic n (of
    fewer topics, so some topics hold several senators' quotes); senator 0 also speaks 50
    times in a draft, which counts nowhere. Bulk-created: no signals, no search index."""
    n_senators, n_topics = SIZES[size]
    body = "Said today."
    releases = Release.objects.bulk_create(
        Release(
            title=f"Release {n}", slug=f"release-{n}", dateline="Washington, DC", body=body,
            body_html=render_markdown(body), status=Release.Status.PUBLISHED,
            published_at=NEWEST - timedelta(hours=n),
        )
        for n in range(n_senators + 1)
    )  # fmt: skip
    draft = releases[-1]
    Release.objects.filter(pk=draft.pk).update(status=Release.Status.DRAFT)
    senators = Senator.objects.bulk_create(
        Senator(bioguide_id=f"Q{n:06d}", first_name="Senator", last_name=f"Number{n:03d}",
                slug=f"senator-{n}", party="DRI"[n % 3], state="MN")
        for n in range(n_senators)
    )  # fmt: skip
    topics = Topic.objects.bulk_create(
        Topic(name=f"Topic {n:03d}", slug=f"topic-{n}") for n in range(n_topics)
    )
    ReleaseSenator.objects.bulk_create(
        ReleaseSenator(release=releases[n], senator=s, role="lead") for n, s in enumerate(senators)
    )
    ReleaseSenator.objects.create(release=draft, senator=senators[0], role="lead")
    Release.topics.through.objects.bulk_create(
        Release.topics.through(release_id=releases[n].pk, topic_id=topics[n % n_topics].pk)
        for n in range(n_senators)
    )
    quotes = [
        Quote(release=releases[n], senator=s, text=f"Quote {k}.", order=k)
        for n, s in enumerate(senators)
        for k in range(n + 1)
    ]
    quotes += [
        Quote(release=draft, senator=senators[0], text="Unsaid.", order=k) for k in range(50)
    ]
    Quote.objects.bulk_create(quotes)
    return SimpleNamespace(size=size, senators=senators, topics=topics)


newsroom = built_once(build_quoted_newsroom, params=["small", "large"])


def facet(html, legend):
    """{slug: count} of one facet, and the part of it folded under "more"."""
    part = html.split(f"<legend>{legend}</legend>", 1)[1].split("</fieldset>", 1)[0]
    choice = r'value="([^"]+)"[^>]*>.*?class="count" aria-label="[^"]*">([\d,]+)<'
    shown, _, folded = part.partition("<details")
    counts = {v: int(n.replace(",", "")) for v, n in re.findall(choice, part, re.DOTALL)}
    return counts, dict(re.findall(choice, folded, re.DOTALL)), shown


def test_the_senator_facet_lists_the_busiest_with_their_public_quotes(client, newsroom):
    html = text(client.get("/quotes/"))
    counts, folded, shown = facet(html, "Senator")
    n = len(newsroom.senators)
    busiest = newsroom.senators[-1]

    assert len(counts) == min(n, FACET_LIMIT)
    assert counts[busiest.slug] == n  # the last senator spoke n times
    assert counts.get("senator-0", 1) == 1  # the draft's 50 quotes count nowhere
    assert list(counts.values()) == sorted(counts.values(), reverse=True)
    assert len(counts) - len(folded) == min(n, 8)  # 8 on show, the rest folded
    if n > 8:
        assert f"<summary>{len(folded)} more</summary>" in html
    assert 'aria-label="1 quote"' in html or n > FACET_LIMIT


def test_the_topic_facet_counts_the_public_quotes_of_its_releases(client, newsroom):
    counts, _, _ = facet(text(client.get("/quotes/")), "Topic")
    n_senators, n_topics = len(newsroom.senators), len(newsroom.topics)
    expected = {}
    for n in range(n_senators):  # senator n's n + 1 quotes are filed under topic n % topics
        slug = newsroom.topics[n % n_topics].slug
        expected[slug] = expected.get(slug, 0) + n + 1
    busiest = sorted(expected.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT]

    assert counts == dict(busiest)


def test_a_chosen_senator_beyond_the_busiest_stays_listed_and_ticked(client, newsroom):
    quiet = newsroom.senators[0]  # one public quote: last of all
    html = text(client.get("/quotes/", {"senator": quiet.slug}))
    counts, _, _ = facet(html, "Senator")

    assert counts[quiet.slug] == 1
    assert f'value="{quiet.slug}" checked' in html
    assert "1 quote" in html


def test_counts_apply_every_filter_but_their_own(client, newsroom):
    busiest = newsroom.senators[-1]
    html = text(client.get("/quotes/", {"senator": busiest.slug}))
    senators, _, _ = facet(html, "Senator")
    topics, _, _ = facet(html, "Topic")
    n, n_topics = len(newsroom.senators), len(newsroom.topics)

    assert senators[newsroom.senators[-2].slug] == n - 1  # the senator filter leaves others
    assert topics == {newsroom.topics[(n - 1) % n_topics].slug: n}  # only their quotes


def test_the_panel_holds_at_most_the_busiest_choices(client, newsroom):
    html = text(client.get("/quotes/"))

    assert html.count('type="checkbox"') <= 2 * FACET_LIMIT
    assert len(html.encode()) < 100_000


@pytest.mark.parametrize(
    ("url", "cold", "warm"),
    [
        # the page's total, ids and rows; the next embargo; a grouped count per facet
        ("/quotes/", 6, 2),
        ("/quotes/?senator=senator-1&topic=topic-1", 8, 4),  # + the chosen ones
    ],
)
def test_the_quote_list_runs_the_same_queries_whatever_the_size(
    client, newsroom, django_assert_num_queries, url, cold, warm
):
    cache.clear()
    for expected in (cold, warm):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
