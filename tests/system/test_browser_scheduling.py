"""A press secretary schedules a release in Eastern Time; it is nowhere until that second,
then everywhere, with nothing run in between (no cron, no worker)."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.eastern import EASTERN
from releases.models import Release
from tests.support.factories import ReleaseFactory, SenatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"
# Long enough for the admin save and the "absent" checks on a slow machine.
LEAD_TIME = timedelta(seconds=10)


def test_a_scheduled_release_is_absent_then_present_after_its_time(live_server, browser_page):
    page = browser_page
    get_user_model().objects.create_superuser("secretary", "s@example.senate.gov", PASSWORD)
    senator = SenatorFactory(first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar")
    title = "Klobuchar Announces Farm Bill Deal"
    release = ReleaseFactory(
        title=title, slug="klobuchar-announces-farm-bill-deal", status=Release.Status.DRAFT,
        published_at=None, senators=[senator],
    )  # fmt: skip

    page.goto(f"{live_server.url}/admin/login/?next=/admin/releases/release/{release.pk}/change/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(rf"/admin/releases/release/{release.pk}/change/"))

    # Staff type Eastern Time, as the label says; whole seconds (the picker shows minutes,
    # and takes seconds typed in).
    go_live = (timezone.now() + LEAD_TIME).replace(microsecond=0)
    local = timezone.localtime(go_live, EASTERN)
    page.locator(".publish-panel__schedule > summary").click()
    assert "Eastern time (ET)" in page.inner_text(".publish-panel__picker label")
    page.fill("#id_schedule_at", local.strftime("%Y-%m-%dT%H:%M:%S"))
    page.locator(".publish-panel__picker button[value=schedule]").click()
    page.wait_for_selector(".messagelist .success")
    assert "Scheduled: goes public" in page.inner_text(".publish-panel__state")
    release.refresh_from_db()
    assert release.published_at == go_live

    public_url = f"{live_server.url}{release.get_absolute_url()}"
    assert timezone.now() < go_live, "the admin save took longer than the lead time"
    page.goto(f"{live_server.url}/releases/")
    assert page.get_by_role("link", name=title).count() == 0
    assert page.goto(public_url).status == 404
    assert title not in page.goto(f"{live_server.url}/releases/feed/atom/").text()
    page.goto(f"{live_server.url}/admin/releases/release/?state=scheduled")
    assert title in page.inner_text("#result_list")

    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 1)

    page.goto(f"{live_server.url}/releases/")
    assert page.get_by_role("link", name=title).is_visible()
    assert page.goto(public_url).status == 200
    assert page.locator("h1").inner_text() == title
    assert title in page.goto(f"{live_server.url}/releases/feed/atom/").text()
