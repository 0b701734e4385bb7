"""Accessibility of the press desk (/admin/) and the release list: axe-core in Chromium.

As tests/system/test_accessibility.py does for the public pages: axe runs in the real page
after its styles and scripts (select2 built, newsroom_admin/a11y.js having named it), a
"serious" or "critical" violation fails the test, the lesser ones are printed. A press
secretary with every section of the desk filled, at a laptop's width and a phone's.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from people.models import OfficeMembership
from releases.models import Release, SignOff
from staff.roles import PRESS_SECRETARIES
from tests.support.axe import check
from tests.support.factories import ReleaseFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def secretary(klobuchar, heitkamp):
    """Klobuchar's press secretary, with something in every section of the desk."""
    user = UserFactory(username="press", first_name="Sam", last_name="Reyes")
    user.groups.add(Group.objects.get(name=PRESS_SECRETARIES))
    OfficeMembership.objects.create(user=user, senator=klobuchar)
    now = timezone.now()
    topic = TopicFactory(name="Rural health", slug="rural-health")
    ReleaseFactory(title="Klobuchar bill on rural hospitals", senators=[klobuchar],
                   topics=[topic], published_at=now + timedelta(hours=3))  # fmt: skip
    ReleaseFactory(title="Klobuchar statement this morning", senators=[klobuchar],
                   published_at=now - timedelta(minutes=5))  # fmt: skip
    ReleaseFactory(title="Draft on farm safety", senators=[klobuchar],
                   status=Release.Status.DRAFT, published_at=None)  # fmt: skip
    ReleaseFactory(title="Draft ready for a look", senators=[klobuchar],
                   status=Release.Status.DRAFT, published_at=None, review_requested_at=now,
                   review_requested_by=user)  # fmt: skip
    joint = ReleaseFactory(title="Heitkamp and Klobuchar on trafficking",
                           senators=[heitkamp, klobuchar], status=Release.Status.DRAFT,
                           published_at=None)  # fmt: skip
    SignOff.objects.create(release=joint, senator=klobuchar)
    return user


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_desk_and_the_release_list_have_no_serious_accessibility_violations(
    live_server, browser_page, secretary
):
    log_in(browser_page, live_server, secretary)
    failing = []
    for width, height in [(1366, 900), (390, 844)]:
        browser_page.set_viewport_size({"width": width, "height": height})
        failing += check(browser_page, f"{live_server.url}/admin/", f"desk at {width}px")
        # Logged in for real: the desk was checked, not the login page.
        assert browser_page.get_by_role("heading", name="Scheduled").count() == 1
        assert browser_page.locator("time[data-countdown]").count() == 1
        for label, query in [("release list", ""), ("release list, searched", "?q=health")]:
            ready = ".select2-selection--single[data-named]"
            url = f"{live_server.url}/admin/releases/release/{query}"
            failing += check(browser_page, url, f"{label} at {width}px", ready)
    # The searchable filters are named for screen readers by their field.
    assert browser_page.get_by_role("combobox", name="Senator").count() == 1
    assert not failing, "\n".join(failing)
