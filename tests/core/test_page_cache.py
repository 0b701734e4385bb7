"""The page cache for anonymous readers, and conditional GET: fast, and never stale.

Kept pages end on any change, exactly at an embargo's time, and never hold a preview or a
staff member's page.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from core.caching import generation
from core.caching import new_generation as page_cache_clear
from releases.models import Release
from releases.services import preview_link_create, release_publish, release_unpublish
from tests.support.caches import use_redis_cache
from tests.support.factories import ReleaseFactory, UserFactory
from tests.support.html_helpers import listed_titles

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["local memory", "redis"])
def page_cache(request, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "page-cache-stamp")
    if request.param == "redis":
        use_redis_cache(settings, f"test-{tmp_path.name}")
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def release():
    return ReleaseFactory(title="Klobuchar backs rural broadband", slug="rural-broadband")


def test_a_second_anonymous_request_is_served_without_the_database(
    client, page_cache, release, django_assert_num_queries
):
    first = client.get("/releases/")

    with django_assert_num_queries(0):
        second = client.get("/releases/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert listed_titles(second) == [release.title]


@pytest.mark.parametrize("path", ["/", "/releases/", "/releases/feed/atom/", "/api/v1/releases/"])
def test_publishing_ends_kept_pages(client, page_cache, release, path, committed):
    draft = ReleaseFactory(title="Smith announces tribal grants", status=Release.Status.DRAFT)
    assert b"Smith announces tribal grants" not in client.get(path).content

    with committed():
        release_publish(release=draft, by=None)

    assert b"Smith announces tribal grants" in client.get(path).content


def test_an_edit_and_an_unpublish_end_kept_pages(client, page_cache, release, committed):
    client.get("/releases/")

    release.title = "Klobuchar backs rural broadband, again"
    with committed():
        release.save()
    assert listed_titles(client.get("/releases/")) == [release.title]

    with committed():
        release_unpublish(release=release, by=None)
    assert listed_titles(client.get("/releases/")) == []


def test_an_embargo_lifts_on_a_kept_page_at_its_second(client, page_cache, release):
    go_live = datetime(2031, 5, 20, 14, 0, tzinfo=UTC)
    ReleaseFactory(title="Embargoed farm bill deal", published_at=go_live)

    with time_machine.travel(go_live - timedelta(seconds=1), tick=False):
        before = client.get("/releases/")
        kept = client.get("/releases/")
    with time_machine.travel(go_live + timedelta(milliseconds=1), tick=False):
        after = client.get("/releases/")

    assert kept["X-Page-Cache"] == "hit"
    assert "Embargoed farm bill deal" not in listed_titles(before)
    assert "Embargoed farm bill deal" in listed_titles(after)


def test_staff_are_never_served_a_kept_page(client, page_cache, release):
    client.get("/releases/")
    client.force_login(UserFactory())

    response = client.get("/releases/")

    assert "X-Page-Cache" not in response


def test_a_preview_link_is_never_kept(client, page_cache, release):
    draft = ReleaseFactory(title="Draft under embargo", status=Release.Status.DRAFT)
    link = preview_link_create(
        release=draft, label="AP", expires_at=datetime.now(UTC) + timedelta(days=1), by=None
    )
    client.get(link.get_absolute_url())

    response = client.get(link.get_absolute_url())

    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    link.refresh_from_db()
    assert link.view_count == 2


def test_not_found_pages_and_other_query_strings_are_not_confused(client, page_cache, release):
    assert client.get("/releases/?q=broadband")["X-Page-Cache"] == "miss"
    assert client.get("/releases/?q=tribal")["X-Page-Cache"] == "miss"
    assert listed_titles(client.get("/releases/?q=tribal")) == []
    client.get("/releases/2014/05/no-such-release/")
    assert "X-Page-Cache" not in client.get("/releases/2014/05/no-such-release/")


def test_a_change_starts_a_new_generation(page_cache):
    before = generation()

    page_cache_clear()

    assert generation() != before


def test_pages_carry_an_etag_and_answer_304_until_they_change(
    client, page_cache, release, committed
):
    etag = client.get("/releases/")["ETag"]

    unchanged = client.get("/releases/", headers={"if-none-match": etag})
    release.title = "A corrected title"
    with committed():
        release.save()
    changed = client.get("/releases/", headers={"if-none-match": etag})

    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_conditional_get_without_the_page_cache(client, release):
    """ETags come from the page itself, so they need no cache and never outlive a change."""
    response = client.get(release.get_absolute_url())

    again = client.get(release.get_absolute_url(), headers={"if-none-match": response["ETag"]})

    assert "X-Page-Cache" not in response
    assert again.status_code == 304


# What a kept page stands for, and how much may be kept.


def test_reordered_repeated_and_junk_parameters_share_one_kept_page(client, page_cache, release):
    first = client.get("/releases/?topic=rural&senator=amy-klobuchar")

    again = client.get("/releases/?senator=amy-klobuchar&utm_source=x&topic=rural&topic=rural")

    assert first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit"


def test_a_hundred_junk_addresses_keep_one_page(client, release, settings, tmp_path):
    """In local memory, where the process's bytes are counted (Redis: its maxmemory)."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "page-cache-stamp")
    client.get("/releases/")
    held = cache.bytes_held()

    for n in range(100):
        assert client.get(f"/releases/?junk{n}={n}")["X-Page-Cache"] == "hit"

    assert cache.bytes_held() == held


def test_a_filter_takes_twenty_values_and_says_so_and_such_a_page_is_not_kept(
    client, page_cache, release
):
    years = "&".join(f"year={y}" for y in range(1790, 2090))  # 300 values

    response = client.get(f"/releases/?{years}")
    again = client.get(f"/releases/?{years}")

    assert response.status_code == 200
    assert "We used the first 20 of the 300 year values you gave" in response.content.decode()
    assert len(response.content) < 200_000  # every link repeats the query: 20, not 300
    assert "X-Page-Cache" not in again


def test_the_api_refuses_an_unknown_parameter_even_after_keeping_the_page(
    client, page_cache, release
):
    assert client.get("/api/v1/releases/").status_code == 200

    refused = client.get("/api/v1/releases/?senators=amy-klobuchar")  # misspelt

    assert refused.status_code == 400
    assert "X-Page-Cache" not in refused


def test_a_page_carrying_the_requests_nonce_is_never_kept(client, page_cache):
    first = client.get("/api/v1/redoc/")
    second = client.get("/api/v1/redoc/")

    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in second
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_a_page_bigger_than_the_limit_is_not_kept(client, page_cache, release, settings):
    settings.PAGE_CACHE_MAX_BYTES = 1000

    client.get("/releases/")

    assert "X-Page-Cache" not in client.get("/releases/")


def test_a_made_up_session_cookie_is_served_the_kept_page(client, page_cache, release):
    client.get("/releases/")
    client.cookies["sessionid"] = "not-a-session-of-this-site"

    assert client.get("/releases/")["X-Page-Cache"] == "hit"


def test_production_does_not_say_whether_a_page_was_kept(client, page_cache, release, settings):
    settings.PAGE_CACHE_HEADER = False
    client.get("/releases/?q=broadband")

    kept = client.get("/releases/?q=broadband")

    assert kept.status_code == 200
    assert "X-Page-Cache" not in kept
