"""The details a reader notices: headings that say what is shown, senators named as they
were, the dateline where releases put it, honest update times, feeds named on every page,
and pages compressed without giving away a secret."""

import gzip
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from people.models import Senator
from releases.models import Correction, Release
from tests.support import data
from tests.support.data import built_once
from tests.support.factories import LegislationFactory, ReleaseFactory, TopicFactory
from tests.support.feeds import read_feed
from tests.support.html_helpers import text
from tests.support.page_head import feed_alternates, json_ld

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2014, 5, 16, 16, 0, tzinfo=UTC)
LATER = datetime(2020, 3, 2, 15, 0, tzinfo=UTC)


def build_newsroom():
    """The 2014 joint release (Heitkamp's term ended in January 2019), a 2020 release that
    names her after it, and a release no senator issued."""
    amy, heidi = data.klobuchar(), data.heitkamp()
    Senator.objects.filter(pk=heidi.pk).update(
        term_start=date(2013, 1, 3), term_end=date(2019, 1, 3)
    )
    heidi.refresh_from_db()
    trafficking = TopicFactory(name="Human trafficking", slug="human-trafficking")
    bill = LegislationFactory(bill_type="s", number=1733, congress=113)
    joint = ReleaseFactory(
        title="Klobuchar, Heitkamp join advocates against trafficking",
        dateline="Minneapolis, MN",
        body="U.S. Senators Amy Klobuchar and Heidi Heitkamp **today** joined advocates.\n\n"
        "The bill gives prosecutors tools.",
        published_at=PUBLISHED,
        senators=[amy, heidi],
        topics=[trafficking],
        legislation=[bill],
    )
    # Saved again years later (a retagging): the row's time moves, the release's does not.
    Release.objects.filter(pk=joint.pk).update(updated_at=datetime(2026, 11, 30, tzinfo=UTC))
    after_term = ReleaseFactory(
        title="Heitkamp looks back", published_at=LATER, senators=[heidi], topics=[trafficking]
    )
    unsigned = ReleaseFactory(title="A notice of the press gallery", senators=[])
    return {"amy": amy, "heidi": heidi, "joint": joint, "after_term": after_term,
            "unsigned": unsigned, "bill": bill}  # fmt: skip


newsroom = built_once(build_newsroom)


def stylesheet():
    return (settings.BASE_DIR / "static" / "css" / "site.css").read_text()


def heading(response):
    """The list's heading, as read (the markup that holds "(D-MN)" together left out)."""
    found = re.search(r'<h1 id="list-heading">(.*?)</h1>', text(response)).group(1)
    return re.sub(r"</?span[^>]*>", "", found)


# 2. The list says what it shows, in the feed's words


def test_a_filtered_list_is_headed_by_what_it_shows(client, newsroom):
    url = "/releases/?senator=amy-klobuchar&topic=human-trafficking"
    response = client.get(url)
    feed = read_feed(client, "/releases/feed/rss/?senator=amy-klobuchar&topic=human-trafficking")

    assert heading(response) == "Releases from Amy Klobuchar (D-MN) on Human trafficking"
    assert feed.feed.title == f"{heading(response)} · Senate Newsroom"
    assert '<span class="party">(D-MN)</span> on Human trafficking</h1>' in text(response)


def test_a_filtered_archive_names_its_period_too(client, newsroom):
    response = client.get("/releases/2014/05/?senator=heidi-heitkamp")

    assert heading(response) == "Releases from Heidi Heitkamp (D-ND), May 2014"
    assert heading(client.get("/releases/2014/05/")) == "Press releases from May 2014"


def test_a_value_that_names_nothing_stays_out_of_the_heading(client, newsroom):
    response = client.get("/releases/?senator=nobody&topic=human-trafficking")

    assert heading(response) == "Releases on Human trafficking"


# 6. Senators as they were when the release was issued


@pytest.mark.parametrize(
    ("on", "title"),
    [
        (date(2014, 5, 16), "Sen."),
        (date(2019, 1, 3), "Sen."),  # the last day of the term
        (date(2019, 1, 4), "Former Sen."),
        (datetime(2019, 1, 4, 3, 0, tzinfo=UTC), "Sen."),  # still January 3 in Washington
        (None, "Former Sen."),  # no day: as of now
    ],
)
def test_a_former_senator_is_titled_as_of_the_day(on, title):
    heitkamp = Senator(in_office=False, term_start=date(2013, 1, 3), term_end=date(2019, 1, 3))

    assert heitkamp.title_on(on) == title


def test_a_senator_in_office_or_with_no_recorded_term_is_sen():
    assert Senator(in_office=True, term_end=date(2001, 1, 3)).title_on(date(2014, 5, 16)) == "Sen."
    assert Senator(in_office=False).title_on(date(2014, 5, 16)) == "Sen."


def test_the_release_page_names_senators_as_they_were(client, newsroom):
    then = text(client.get(newsroom["joint"].get_absolute_url()))
    since = text(client.get(newsroom["after_term"].get_absolute_url()))

    assert '>Sen. Heidi Heitkamp <span class="party">(D-ND)</span></a>' in then
    assert "Former Sen." not in then
    assert '>Former Sen. Heidi Heitkamp <span class="party">(D-ND)</span></a>' in since


def test_the_feed_names_senators_as_they_were(client, newsroom):
    entries = {e.title: e for e in read_feed(client, "/releases/feed/atom/").entries}

    joint = entries["Klobuchar, Heitkamp join advocates against trafficking"].content[0].value
    after = entries["Heitkamp looks back"].content[0].value
    assert ">Sen. Heidi Heitkamp (D-ND)</a>" in joint
    assert ">Former Sen. Heidi Heitkamp (D-ND)</a>" in after


# 5. Labels that hold together, the dateline where releases put it


def test_party_and_state_labels_are_marked_to_hold_together(client, newsroom):
    listed = text(client.get("/releases/"))
    page = text(client.get(newsroom["joint"].get_absolute_url()))
    css = stylesheet()

    assert '<span class="party party--D">(D-MN)</span>' in listed
    assert '<span class="party">(D-MN)</span>' in page
    assert ".party { white-space: nowrap; }" in css


def test_the_dateline_runs_into_the_first_paragraph_on_the_page_and_in_feeds(client, newsroom):
    lead = (
        '<p><strong class="dateline">MINNEAPOLIS, MN</strong> — U.S. Senators Amy Klobuchar '
        "and Heidi Heitkamp <strong>today</strong> joined advocates.</p>"
    )
    page = text(client.get(newsroom["joint"].get_absolute_url()))
    entry = read_feed(client, "/releases/feed/rss/?senator=amy-klobuchar").entries[0]

    assert lead in page
    assert lead in entry.content[0].value
    assert "<p>The bill gives prosecutors tools.</p>" in page


def test_a_body_that_opens_with_no_paragraph_keeps_the_dateline_on_its_own():
    release = Release(dateline="Washington, DC", body_html="<ul><li>One</li></ul>")

    assert release.body_lead_with_dateline_html.startswith(
        '<p><strong class="dateline">WASHINGTON, DC</strong> —</p><ul>'
    )
    assert Release(dateline="", body_html="<p>Text</p>").body_lead_with_dateline_html == (
        "<p>Text</p>"
    )


def test_the_dateline_is_escaped(client):
    release = Release(dateline="<b>Fargo</b>, ND", body_html="<p>Text</p>")

    assert "&lt;B&gt;FARGO&lt;/B&gt;, ND" in release.body_lead_with_dateline_html


# 7. The bill page, the 404 page, the footer


def test_the_bill_page_names_the_bill_once(client, newsroom):
    html = text(client.get(newsroom["bill"].get_absolute_url()))

    assert "S. 1733, S. 1733" not in html
    assert "<dt>Bill</dt><dd>S. 1733 (113th Congress)</dd>" in html


def test_the_not_found_page_has_a_styled_search_form(client, newsroom):
    response = client.get("/no-such-page/")
    css = stylesheet()

    assert response.status_code == 404
    assert 'class="inline-search"' in text(response)
    assert ".inline-search input" in css and ".inline-search button" in css


def test_the_footer_reaches_the_bottom_of_short_pages(client):
    css = stylesheet()

    assert "body { min-height: 100vh; display: flex; flex-direction: column; }" in css
    assert "body > main { flex: 1 0 auto;" in css


# 8. Updated when it changed for readers; a misspelt feed is refused


def test_feeds_and_json_ld_say_updated_at_publication_not_at_the_last_save(client, newsroom):
    joint = newsroom["joint"]
    rss = read_feed(client, "/releases/feed/rss/?senator=amy-klobuchar").entries[0]
    atom = read_feed(client, "/releases/feed/atom/?senator=amy-klobuchar").entries[0]
    article = json_ld(client.get(joint.get_absolute_url()))[0]

    assert datetime(*rss.updated_parsed[:6], tzinfo=UTC) == PUBLISHED
    assert datetime(*atom.updated_parsed[:6], tzinfo=UTC) == PUBLISHED
    assert datetime.fromisoformat(article["dateModified"]) == PUBLISHED


def test_a_correction_is_the_update(client, newsroom):
    corrected = datetime(2014, 6, 2, 13, 0, tzinfo=UTC)
    Correction.objects.create(release=newsroom["joint"], text="The bill is S. 1733.",
                              noted_at=corrected)  # fmt: skip

    atom = read_feed(client, "/releases/feed/atom/?senator=amy-klobuchar").entries[0]
    article = json_ld(client.get(newsroom["joint"].get_absolute_url()))[0]

    assert datetime(*atom.updated_parsed[:6], tzinfo=UTC) == corrected
    assert datetime.fromisoformat(article["dateModified"]) == corrected


def test_a_misspelt_feed_filter_is_a_plain_400(client, newsroom):
    response = client.get("/releases/feed/atom/?senator=amy-klobucha")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Bad parameters. Cannot use senator “amy-klobucha”: no such senator. The feed takes "
        "the filters of /releases/: leave the value out or use one the list offers.\n"
    )


# 9. Every page names the feed of what it shows


def test_a_release_page_names_its_lead_senators_feed(client, newsroom):
    alternates = feed_alternates(client.get(newsroom["joint"].get_absolute_url()))

    assert alternates == {
        "rss": "/releases/feed/rss/?senator=amy-klobuchar",
        "atom": "/releases/feed/atom/?senator=amy-klobuchar",
    }


def test_a_release_no_senator_issued_names_the_sites_feed(client, newsroom):
    alternates = feed_alternates(client.get(newsroom["unsigned"].get_absolute_url()))

    assert alternates == {"rss": "/releases/feed/rss/", "atom": "/releases/feed/atom/"}


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("/", "/releases/feed/rss/"),
        ("/releases/?topic=human-trafficking", "/releases/feed/rss/?topic=human-trafficking"),
        ("/topics/human-trafficking/", "/releases/feed/rss/?topic=human-trafficking"),
        ("/senators/heidi-heitkamp/", "/releases/feed/rss/?senator=heidi-heitkamp"),
        ("/legislation/s1733-113/", "/releases/feed/rss/?legislation=s1733-113"),
    ],
)
def test_every_page_names_the_feed_of_what_it_shows(client, newsroom, url, feed):
    assert feed_alternates(client.get(url))["rss"] == feed


# 10. Compressed, but never beside a secret


def get(client, url, **headers):
    return client.get(url, headers={"accept-encoding": "gzip, deflate, br", **headers})


def test_a_public_page_is_gzipped_for_a_client_that_accepts_it(client, newsroom):
    response = get(client, "/releases/")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"Press releases" in gzip.decompress(response.content)


def test_a_feed_is_gzipped_and_a_kept_page_too(client, newsroom, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_HEADER = True
    first, second = get(client, "/releases/feed/atom/"), get(client, "/releases/feed/atom/")
    plain = client.get("/releases/feed/atom/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"], plain["X-Page-Cache"]) == (
        "miss", "hit", "hit"
    )  # fmt: skip
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert gzip.decompress(second.content) == plain.content
    assert not plain.has_header("Content-Encoding")  # the kept copy is kept uncompressed


def test_a_client_that_does_not_accept_gzip_gets_it_plain(client, newsroom):
    response = client.get("/releases/")

    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]


def test_the_admin_login_carries_a_csrf_token_and_is_not_compressed(client, newsroom):
    response = get(client, "/admin/login/")

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_a_public_form_with_a_csrf_token_is_not_compressed(client, newsroom):
    response = get(client, "/alerts/?topic=human-trafficking")

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_pages_for_logged_in_staff_are_not_compressed(client, newsroom):
    staff = get_user_model().objects.create_superuser("press", "press@example.senate.gov", "x")
    client.force_login(staff)

    assert not get(client, "/admin/").has_header("Content-Encoding")
    assert not get(client, "/releases/").has_header("Content-Encoding")


# Fixed queries for the pages changed here


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/releases/", 21),  # unfiltered: counts less the hidden releases' (one per facet)
        ("/releases/?senator=amy-klobuchar&topic=human-trafficking", 18),
        ("/releases/2014/05/?senator=heidi-heitkamp", 17),
    ],
)
def test_a_list_page_runs_a_fixed_number_of_queries(
    client, newsroom, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_release_page_runs_a_fixed_number_of_queries(client, newsroom,
                                                         django_assert_num_queries):  # fmt: skip
    url = newsroom["joint"].get_absolute_url()
    # Of the 13: the related releases' scores (kept after) and when kept values must end.
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_old_releases_stay_after_the_term(newsroom):
    """The data this module relies on: Heitkamp's term ended between the two releases."""
    heidi = Senator.objects.get(pk=newsroom["heidi"].pk)
    assert heidi.term_end < LATER.date() and heidi.term_end > PUBLISHED.date() + timedelta(1)
