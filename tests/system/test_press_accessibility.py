"""Accessibility of the press lists' admin pages: axe-core in Chromium, as a press secretary.

The contact list and forms, the CSV import with its report, the send page, and the release's
page once it went to the press, with each recipient's openings: a secretary on deadline
reads them, often with a keyboard or a screen reader.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from distribution.models import PressContact, PressList
from distribution.services import distribution_create
from people.models import OfficeMembership
from releases.models import PreviewLinkOpen
from staff.roles import PRESS_SECRETARIES
from tests.support.axe import check
from tests.support.factories import ReleaseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "name,outlet,email,beats,lists\n"
    "Ana Ruiz,Star Tribune,ana@startribune.example,agriculture,Minnesota dailies\n"
    "No Address,Pioneer Press,,health,\n"
)


def test_press_pages_have_no_serious_accessibility_violations(live_server, browser_page,
                                                              klobuchar):  # fmt: skip
    secretary = UserFactory(username="jordan", first_name="Jordan", last_name="Ali")
    secretary.groups.add(Group.objects.get(name=PRESS_SECRETARIES))
    OfficeMembership.objects.create(user=secretary, senator=klobuchar)
    dailies = PressList.objects.create(office=klobuchar, name="Minnesota dailies")
    for name, email in [("Lee Park", "lee@news.example"), ("Max Olson", "max@news.example")]:
        dailies.contacts.add(PressContact.objects.create(office=klobuchar, name=name, email=email,
                                                         outlet="Star Tribune"))  # fmt: skip
    sent = ReleaseFactory(title="Klobuchar to hold hearing on drug prices", senators=[klobuchar],
                          published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    waiting = ReleaseFactory(title="Klobuchar bill on farm safety", senators=[klobuchar],
                             published_at=timezone.now() + timedelta(days=2))  # fmt: skip
    distribution, _ = distribution_create(release=sent, lists=[dailies], by=secretary)
    delivery = distribution.deliveries.order_by("pk").first()
    PreviewLinkOpen.objects.create(link=delivery.preview_link, client="Chrome on Windows")

    client = Client()
    client.force_login(secretary)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    failing = []
    for label, path in {
        "press contacts": "/admin/distribution/presscontact/",
        "press contact form": "/admin/distribution/presscontact/add/",
        "press list form": f"/admin/distribution/presslist/{dailies.pk}/change/",
        "contact import": "/admin/distribution/presscontact/import/",
        "send page": f"/admin/distribution/distribution/send/{waiting.pk}/",
        "release sent to the press": f"/admin/releases/release/{sent.pk}/change/",
    }.items():
        failing += check(browser_page, f"{live_server.url}{path}", label)
    # The release's page lists both recipients and the opening of one link.
    assert browser_page.get_by_text("lee@news.example").count() >= 1
    assert browser_page.get_by_text("Chrome on Windows").count() >= 1

    # The import's report: each row's outcome, the skipped one with its reason.
    browser_page.goto(f"{live_server.url}/admin/distribution/presscontact/import/")
    browser_page.set_input_files("input[type=file]", files=[
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    ])  # fmt: skip
    browser_page.locator("#content form [type=submit]").first.click()
    browser_page.wait_for_load_state()
    assert browser_page.locator(".press-report").count() == 1
    failing += check(browser_page, browser_page.url, "contact import report")

    # The send page's second step: what will go to whom.
    browser_page.goto(f"{live_server.url}/admin/distribution/distribution/send/{waiting.pk}/")
    browser_page.get_by_label("Minnesota dailies", exact=False).check()
    browser_page.locator("#content form [type=submit]").first.click()
    browser_page.wait_for_load_state()
    failing += check(browser_page, browser_page.url, "send page, the plan")
    # The good row was imported, the row without an address skipped.
    assert set(PressContact.objects.values_list("email", flat=True)) == {
        "lee@news.example", "max@news.example", "ana@startribune.example"}  # fmt: skip
    assert not failing, "\n".join(failing)
