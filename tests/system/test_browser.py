"""A press secretary's morning, in a real browser: write, quote, publish, find."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.support.factories import SenatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"


def pick_autocomplete(page, select_id, text):
    """Choose `text` in one of the admin's select2 autocomplete widgets."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_staff_write_quote_publish_and_find_it_filtered_by_senator(live_server, browser_page):
    page = browser_page
    get_user_model().objects.create_superuser("press", "press@example.senate.gov", PASSWORD)
    senator = SenatorFactory(
        first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar", bioguide_id="K000367"
    )
    other = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/releases/release/add/")
    page.fill("#id_username", "press")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/releases/release/add/"))

    title = "Klobuchar Presses for Rural Broadband Funding"
    page.fill("#id_title", title)
    page.locator("#id_slug").click()  # the admin prepopulates the slug from the title
    assert page.input_value("#id_slug") == "klobuchar-presses-for-rural-broadband-funding"
    page.fill("#id_dateline", "Washington, DC")
    page.fill("#id_highlights", "Broadband for every farm and small town")
    page.fill("#id_body", "Senator Klobuchar **today** pressed for rural broadband.")
    # markdownx shows the sanitized preview rendered by the staff-only endpoint.
    page.wait_for_selector(".markdownx-preview strong")

    pick_autocomplete(page, "id_releasesenator_set-0-senator", "Klobuchar")
    page.locator("#quotes-group .add-row a").click()
    page.fill("#id_quotes-0-text", "Every family deserves a fast connection.")
    pick_autocomplete(page, "id_quotes-0-senator", "Klobuchar")

    page.get_by_role("button", name="Publish now").click()
    page.wait_for_selector(".messagelist .success")
    assert "Published: now public at" in page.inner_text(".messagelist")

    page.goto(f"{live_server.url}/releases/?senator={senator.slug}")
    assert page.get_by_role("link", name=title).is_visible()
    assert "Senator: " in page.inner_text(".chips")

    page.get_by_role("link", name=title).click()
    assert page.locator("h1").inner_text() == title
    assert "Every family deserves a fast connection." in page.inner_text("blockquote")
    assert "(D-MN)" in page.inner_text("figure.quote figcaption")

    page.goto(f"{live_server.url}/releases/?senator={other.slug}")
    assert page.get_by_role("link", name=title).count() == 0


def test_reader_searches_filters_and_follows_the_feed_link(live_server, browser_page):
    import feedparser

    from tests.support.factories import ReleaseFactory

    page = browser_page
    amy = SenatorFactory(first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar")
    tina = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")
    ReleaseFactory(title="Klobuchar backs rural broadband", body="Broadband for farms.",
                   senators=[amy])  # fmt: skip
    ReleaseFactory(title="Smith backs broadband for tribes", body="Broadband on reservations.",
                   senators=[tina])  # fmt: skip
    ReleaseFactory(title="Smith honors veterans", body="Medals.", senators=[tina])

    page.goto(live_server.url + "/")
    page.fill("#site-search-q", "broadband")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/releases/\?q=broadband"))
    titles = page.locator(".release-item__title").all_inner_texts()
    assert sorted(titles) == ["Klobuchar backs rural broadband", "Smith backs broadband for tribes"]
    assert page.locator(".release-item__summary mark").count() >= 2

    # Ticking a senator applies the filter at once (progressive enhancement).
    page.locator("input[name=senator][value=tina-smith]").check()
    page.wait_for_url(re.compile(r"senator=tina-smith"))
    assert page.locator(".release-item__title").all_inner_texts() == [
        "Smith backs broadband for tribes"
    ]

    rss = page.locator('.feed-links a[type="application/rss+xml"]')
    href = rss.get_attribute("href")
    assert "q=broadband" in href and "senator=tina-smith" in href
    response = page.request.get(live_server.url + href if href.startswith("/") else href)
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["Smith backs broadband for tribes"]
