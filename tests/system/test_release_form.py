"""The release form in Chromium: a press secretary's release from login to embargo, counted
in actions; the publishing panel in view; keyboard and phone; axe-core on every role's form.

Set FORM_SHOTS=/some/dir to keep screenshots of the add and change forms, for each role, at
1366×900 and 390×844 (docs/release-form.md).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from core.eastern import EASTERN, eastern
from releases.models import Release
from staff.roles import PRESS_ASSISTANTS, PRESS_SECRETARIES
from tests.support.axe import axe_failures
from tests.support.factories import (
    LegislationFactory,
    QuoteFactory,
    ReleaseFactory,
    TopicFactory,
    staff_member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Actions the flow below took with the form before the publishing panel (docs/release-form.md
# says how it was counted); the form now must not need more than it takes today.
ACTIONS_BEFORE = 31
ACTIONS_NOW = 29


class Counted:
    """A Playwright page whose user actions (clicks, fills, key presses, selections) are
    counted; navigation and reading are not actions."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def click(self, selector_or_locator):
        self.actions += 1
        self._locator(selector_or_locator).click()

    def fill(self, selector, value):
        self.actions += 1
        self.page.locator(selector).fill(value)

    def press(self, selector, key):
        self.actions += 1
        self.page.locator(selector).press(key)

    def select(self, selector, value):
        self.actions += 1
        self.page.locator(selector).select_option(value)

    def pick(self, select_id, text):
        """A select2 autocomplete: open it, type, choose (three actions)."""
        self.click(f"#{select_id} + .select2")
        self.fill(".select2-container--open .select2-search__field", text)
        self.click(self.page.locator(".select2-results__option", has_text=text).first)

    def _locator(self, selector_or_locator):
        if isinstance(selector_or_locator, str):
            return self.page.locator(selector_or_locator)
        return selector_or_locator


def staff(username, group, senator, **fields):
    user = staff_member(username, group, [senator], is_staff=True, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def newsroom(klobuchar, heitkamp):
    secretary = staff("sam", PRESS_SECRETARIES, klobuchar, first_name="Sam", last_name="Ortiz")
    assistant = staff("alex", PRESS_ASSISTANTS, klobuchar, first_name="Alex", last_name="Kim")
    topic = TopicFactory(name="Human trafficking", slug="human-trafficking")
    bill = LegislationFactory(
        bill_type="s", number=1733, congress=119, sponsor=klobuchar,
        short_title="Stop Exploitation Through Trafficking Act",
    )  # fmt: skip
    draft = ReleaseFactory(
        title="Klobuchar, Heitkamp Join Local Advocates to Fight Sex Trafficking",
        slug="klobuchar-heitkamp-join-local-advocates", status=Release.Status.DRAFT,
        published_at=None, senators=[klobuchar, heitkamp], topics=[topic],
        legislation=[bill], dateline="Minneapolis, MN",
        highlights="Senators join advocates\nBill would treat victims as victims",
        body="U.S. Senators Amy Klobuchar and Heidi Heitkamp joined local advocates.\n\n"
        "## The bill\n\nThe bill, S. 1733, would help. The letter is [here](https://example.senate.gov/l).",
    )  # fmt: skip
    QuoteFactory(release=draft, senator=klobuchar, text="Minnesota is tackling the challenge.")
    return {"secretary": secretary, "assistant": assistant, "draft": draft, "bill": bill}


def log_in(page, live_server, user):
    """A session for `user`, set as the browser's cookie (the login form is the measured
    test's, and django-axes counts every try)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def in_view(page, selector):
    """Whether the element is wholly inside the viewport as the page is scrolled now."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_a_secretary_writes_and_schedules_a_joint_release(live_server, browser_page, newsroom,
                                                          klobuchar, heitkamp):  # fmt: skip
    page = browser_page
    page.set_viewport_size(DESKTOP)
    act = Counted(page)
    tomorrow_9 = (timezone.localtime(timezone.now(), EASTERN) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )

    # From the login page to the desk, and its "Write a release".
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    act.fill("#id_username", "sam")
    act.fill("#id_password", PASSWORD)
    act.click("input[type=submit]")
    page.wait_for_selector(".desk-actions")
    act.click(".desk-actions a:text-is('Write a release')")
    page.wait_for_url(re.compile(r"/admin/releases/release/add/"))
    # The panel is there from the start, without scrolling.
    assert in_view(page, ".publish-panel")

    act.fill("#id_title", "Klobuchar, Heitkamp Push Bill to Protect Trafficking Victims")
    act.pick("id_releasesenator_set-0-senator", "Klobuchar")
    act.click("#releasesenator_set-group .add-row a")
    act.pick("id_releasesenator_set-1-senator", "Heitkamp")
    # The added senator joins (release_form.js): no need to change the role.
    assert page.input_value("#id_releasesenator_set-1-role") == "joint"
    act.fill("#id_dateline", "Minneapolis, MN")
    act.fill("#id_highlights", "A bipartisan bill to protect victims of sex trafficking")
    act.fill("#id_body", "U.S. Senators Amy Klobuchar and Heidi Heitkamp pressed for S. 1733.")
    act.click("#quotes-group .add-row a")
    act.fill("#id_quotes-0-text", "No child should ever be bought or sold.")
    act.pick("id_quotes-0-senator", "Klobuchar")
    act.pick("id_topics", "Human trafficking")
    act.pick("id_legislation", "S. 1733")

    # Far down the form, the panel is still in view: no scrolling back to publish.
    assert page.evaluate("window.scrollY") > 300
    assert in_view(page, ".publish-panel")
    act.click(".publish-panel__schedule > summary")
    act.fill("#id_schedule_at", tomorrow_9.strftime("%Y-%m-%dT%H:%M"))
    act.click(".publish-panel__picker button[value=schedule]")

    page.wait_for_selector(".messagelist .success")
    said = page.inner_text(".messagelist")
    assert f"Scheduled: goes public {eastern(tomorrow_9, 'sentence')}" in said
    assert "at 9:00 a.m. E" in said
    assert page.locator(".messagelist").get_by_role("link", name="Staff preview").count() == 1
    release = Release.objects.get(title__startswith="Klobuchar, Heitkamp Push Bill")
    assert release.published_at == tomorrow_9 and release.is_embargoed()
    assert list(release.senators.order_by("releasesenator__order")) == [klobuchar, heitkamp]
    assert release.quotes.count() == 1 and release.topics.count() == 1
    assert list(release.legislation.all()) == [newsroom["bill"]]
    assert "Scheduled: goes public" in page.inner_text(".publish-panel__state")
    # On the desk's schedule, with its time and countdown; and on the list, scheduled.
    page.goto(f"{live_server.url}/admin/")
    scheduled = page.inner_text(".desk-section--scheduled")
    assert release.title in scheduled
    assert eastern(tomorrow_9, "embargo") in scheduled and "Goes public in " in scheduled
    page.goto(f"{live_server.url}/admin/releases/release/?state=scheduled")
    assert release.title in page.inner_text("#result_list")

    print(f"actions: {act.actions} (before the publishing panel: {ACTIONS_BEFORE})")
    assert act.actions == ACTIONS_NOW
    assert act.actions < ACTIONS_BEFORE


def test_schedule_and_publish_with_the_keyboard(live_server, browser_page, newsroom):
    page = browser_page
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, newsroom["secretary"])
    draft = newsroom["draft"]
    page.goto(f"{live_server.url}/admin/releases/release/{draft.pk}/change/")

    # The draft has a warning ("here"): the panel says so and asks before publishing.
    assert "A link reads “here”" in page.inner_text(".publish-checks")
    page.locator("#id_title").focus()
    page.keyboard.press("Shift+Tab")  # back into the panel, which comes first
    assert page.evaluate("document.activeElement.closest('.publish-side') !== null")
    page.locator("#id_publish_anyway").focus()
    page.keyboard.press("Space")
    page.locator(".publish-panel__schedule > summary").focus()
    page.keyboard.press("Enter")  # opens the picker, and puts the cursor in it
    page.wait_for_function("document.activeElement.id === 'id_schedule_at'")
    when = (timezone.localtime(timezone.now(), EASTERN) + timedelta(days=2)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    page.locator("#id_schedule_at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.keyboard.press("Enter")  # in the picker: schedules (release_form.js), not "Save draft"
    page.wait_for_selector(".messagelist .success")
    assert f"Scheduled: goes public {eastern(when, 'sentence')}" in page.inner_text(".messagelist")
    draft.refresh_from_db()
    assert draft.published_at == when


def test_publish_and_unpublish_on_a_phone(live_server, browser_page, newsroom):
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, live_server, newsroom["secretary"])
    draft = newsroom["draft"]
    Release.objects.filter(pk=draft.pk).update(body="Senators joined local advocates.")
    page.goto(f"{live_server.url}/admin/releases/release/{draft.pk}/change/")

    assert in_view(page, ".publish-panel")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Kept at the top while the form scrolls under it.
    publish = page.get_by_role("button", name="Publish now")
    assert in_view(page, ".publish-panel__actions")
    assert in_view(page, ".publish-panel")
    publish.click()
    page.wait_for_selector(".messagelist .success")
    assert "Published: now public at" in page.inner_text(".messagelist")
    assert Release.objects.get(pk=draft.pk).is_public()

    page.get_by_role("button", name="Move back to draft").click()
    page.wait_for_selector(".messagelist .success")
    assert "Moved back to draft" in page.inner_text(".messagelist")
    assert Release.objects.get(pk=draft.pk).is_draft()


def test_the_form_has_no_serious_accessibility_violations(live_server, browser_page, newsroom):
    """axe-core on the add and change forms, as a secretary and as an assistant, on a laptop
    and a phone (and screenshots of each, with FORM_SHOTS set)."""
    page = browser_page
    shots = os.environ.get("FORM_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    draft = newsroom["draft"]
    failing = []
    for role in ("secretary", "assistant"):
        page.context.clear_cookies()
        log_in(page, live_server, newsroom[role])
        for form, path in [
            ("add", "/admin/releases/release/add/"),
            ("change", f"/admin/releases/release/{draft.pk}/change/"),
        ]:
            for screen, size in [("1366x900", DESKTOP), ("390x844", PHONE)]:
                page.set_viewport_size(size)
                page.goto(f"{live_server.url}{path}")
                page.wait_for_selector(".select2-selection--single[data-named]", state="attached")
                assert page.locator(".publish-panel").is_visible()
                label = f"{role} {form} {screen}"
                failing += axe_failures(page, label)
                if shots:
                    page.screenshot(path=f"{shots}/{form}-{role}-{screen}.png")
                    page.screenshot(path=f"{shots}/{form}-{role}-{screen}-full.png",
                                    full_page=True)  # fmt: skip
        # An assistant is offered no publishing button; a secretary is.
        buttons = page.locator(".publish-panel button").all_inner_texts()
        assert ("Publish now" in buttons) is (role == "secretary")
        assert ("Ready for review" in buttons) is (role == "assistant")
    assert not failing, "\n".join(failing)
