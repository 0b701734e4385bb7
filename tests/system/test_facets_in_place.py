"""Ticking a filter on a phone keeps the reader's place, in a real browser.

With JavaScript the new results are swapped in where the reader is: the filter panel stays
open, the page does not scroll, focus stays on the box just ticked. Without it, the Apply
button does the same work with a page load. The panel is folded on a phone by the
stylesheet alone, and the header takes one compact row.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import ReleaseFactory, SenatorFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def newsroom(db):
    """Eight senators (so the panel runs long) and three topics, 40 releases."""
    senators = [
        SenatorFactory(first_name=f"Senator{n}", last_name=f"Name{n}", slug=f"senator-{n}")
        for n in range(8)
    ]
    topics = [TopicFactory(name=f"Topic {n}", slug=f"topic-{n}") for n in range(3)]
    start = datetime(2024, 1, 8, 15, 0, tzinfo=UTC)
    for n in range(40):
        ReleaseFactory(
            title=f"Release number {n:02d}",
            published_at=start + timedelta(days=n),
            senators=[senators[n % 8]],
            topics=[topics[n % 3]],
        )
    return {"senators": senators, "topics": topics}


def titles(page):
    return page.locator(".release-item__title").all_inner_texts()


def open_context(browser_page, viewport, *, javascript=True):
    browser = browser_page.context.browser
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_ticking_a_box_on_a_phone_keeps_the_panel_the_place_and_the_focus(
    live_server, browser_page, newsroom
):
    expect = pytest.importorskip("playwright.sync_api").expect
    context, page = open_context(browser_page, PHONE)
    try:
        page.goto(f"{live_server.url}/releases/")
        panel = page.locator("details.filters-toggle")
        assert panel.evaluate("d => d.open") is False  # folded on a phone, as sent
        page.locator(".filters-toggle > summary").click()
        box = page.locator("input[name=topic][value=topic-2]")
        box.scroll_into_view_if_needed()
        before = titles(page)
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 0

        box.check()
        page.wait_for_url(re.compile(r"\?topic=topic-2$"))
        expect(page.locator("#list-count")).to_have_text("13 releases match your filters")
        expect(page.locator("body")).not_to_have_attribute("aria-busy", "true")

        assert titles(page) != before
        assert all(t in [f"Release number {n:02d}" for n in range(2, 40, 3)] for t in titles(page))
        assert panel.evaluate("d => d.open") is True
        assert abs(page.evaluate("window.scrollY") - scrolled) < 40
        assert page.evaluate("window.scrollY") > 0
        focused = page.evaluate(
            "[document.activeElement.name, document.activeElement.value,"
            " document.activeElement.checked]"
        )
        assert focused == ["topic", "topic-2", True]
        assert "Topic: Topic 2" in page.inner_text("#list-chips")
        assert page.inner_text("#list-heading") == "Releases on Topic 2"

        # The address is in the history: Back brings the whole list back, in place.
        page.go_back()
        page.wait_for_url(re.compile(r"/releases/$"))
        expect(page.locator("#list-count")).to_have_text("40 releases")
        assert titles(page) == before
    finally:
        context.close()


def test_without_javascript_the_apply_button_filters(live_server, browser_page, newsroom):
    for viewport in (PHONE, DESKTOP):
        context, page = open_context(browser_page, viewport, javascript=False)
        try:
            page.goto(f"{live_server.url}/releases/")
            form = page.locator("#filters")
            # The stylesheet alone folds the panel on a phone and shows it on a desktop.
            assert form.is_visible() is (viewport is DESKTOP)
            if viewport is PHONE:
                page.locator(".filters-toggle > summary").click()
            page.locator("input[name=senator][value=senator-3]").check()
            page.get_by_role("button", name="Apply filters").click()
            page.wait_for_url(re.compile(r"senator=senator-3"))

            assert titles(page) == [f"Release number {n:02d}" for n in range(35, 2, -8)]
        finally:
            context.close()


def test_the_phone_header_is_one_compact_row(live_server, browser_page, newsroom):
    context, page = open_context(browser_page, PHONE)
    try:
        page.goto(f"{live_server.url}/releases/")
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect()")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        search = page.locator(".site-search button").bounding_box()

        assert header["height"] < 120
        assert overflow <= PHONE["width"]  # nothing sticks out sideways
        assert search["x"] + search["width"] <= PHONE["width"]
        # Every section is still one tap (or a swipe) away.
        assert page.locator(".site-nav a").count() >= 6
    finally:
        context.close()


def test_the_desktop_panel_does_not_move_when_the_page_has_loaded(
    live_server, browser_page, newsroom
):
    context, page = open_context(browser_page, DESKTOP)
    try:
        page.goto(f"{live_server.url}/releases/", wait_until="commit")
        page.wait_for_selector(".results")
        first = page.locator(".results").bounding_box()
        page.wait_for_load_state("load")

        assert page.locator("#filters").is_visible()
        assert not page.locator(".filters-toggle > summary").is_visible()
        assert page.locator(".results").bounding_box()["y"] == first["y"]
    finally:
        context.close()
