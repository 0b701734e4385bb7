"""The alerts pages: the list links to them, the manage page changes and stops alerts, the
unsubscribe page asks before it acts (a POST acts at once), and none is ever kept by a cache
or indexed."""

import pytest
from django.test import Client

from alerts.models import MANAGE_SALT, UNSUBSCRIBE_SALT, Subscription
from tests.alerts.helpers import confirmed, sign_up
from tests.support.factories import ReleaseFactory, TopicFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

QUERY = "senator=amy-klobuchar"


def test_every_filtered_list_links_to_its_alert(client, klobuchar):
    TopicFactory(name="Human trafficking", slug="human-trafficking")
    ReleaseFactory(senators=[klobuchar])
    page = client.get("/releases/?topic=human-trafficking&senator=amy-klobuchar&page=1")
    assert 'href="/alerts/?senator=amy-klobuchar&amp;topic=human-trafficking"' in (
        page.content.decode())  # fmt: skip
    assert 'href="/alerts/"' in client.get("/releases/").content.decode()
    assert 'href="/alerts/?q=broadband"' in client.get("/releases/?q=broadband").content.decode()
    assert 'href="/alerts/?senator=amy-klobuchar"' in client.get(
        "/senators/amy-klobuchar/").content.decode()  # fmt: skip


@pytest.fixture
def two_alerts(client, smtp_server, klobuchar):
    TopicFactory(name="Farms", slug="farms")
    first = confirmed(client, smtp_server, QUERY, "reader@example.com")
    second = confirmed(client, smtp_server, "topic=farms", "reader@example.com")
    confirmed(client, smtp_server, QUERY, "someone-else@example.com")
    return first, second


def test_the_manage_page_lists_the_addresss_alerts_and_changes_one(client, two_alerts):
    first, second = two_alerts
    url = first.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Releases from Amy Klobuchar (D-MN)" in page and "Releases on Farms" in page
    assert "someone-else@example.com" not in page

    response = client.post(url, {"subscription": second.pk, "action": "save",
                                 f"alert-{second.pk}-frequency": "daily",
                                 f"alert-{second.pk}-digest_hour": "18"})  # fmt: skip
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.frequency, second.digest_hour, second.wants_corrections) == ("daily", 18, False)
    assert "Saved your changes." in client.get(url).content.decode()
    first.refresh_from_db()
    assert first.frequency == "instant"


def test_a_bad_change_on_the_manage_page_says_what_and_changes_nothing(client, two_alerts):
    first, _ = two_alerts
    prefix = f"alert-{first.pk}"
    response = client.post(first.get_absolute_url(), {
        "subscription": first.pk, "action": "save", f"{prefix}-frequency": "weekly",
        f"{prefix}-digest_hour": "7", f"{prefix}-wants_corrections": "on"})  # fmt: skip
    assert response.status_code == 400
    assert "Choose each release or a daily digest." in response.content.decode()
    first.refresh_from_db()
    assert first.frequency == "instant"


def test_the_manage_page_cannot_touch_another_addresss_alert(client, two_alerts):
    first, _ = two_alerts
    other = Subscription.objects.get(email="someone-else@example.com")
    client.post(first.get_absolute_url(), {"subscription": other.pk, "action": "unsubscribe"})
    other.refresh_from_db()
    assert other.is_active()


def test_the_manage_page_stops_one_alert_or_all(client, two_alerts):
    first, second = two_alerts
    url = first.get_absolute_url()
    client.post(url, {"subscription": second.pk, "action": "unsubscribe"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_unsubscribed() and second.unsubscribed_via == "manage"
    assert first.is_active()
    client.post(url, {"action": "unsubscribe-all"})
    assert not Subscription.objects.of_address("reader@example.com").live().exists()
    assert Subscription.objects.get(email="someone-else@example.com").is_active()
    assert "This address has no alerts" in client.get(url).content.decode()


def test_the_manage_page_refuses_a_post_from_elsewhere(two_alerts):
    first, _ = two_alerts
    forged = Client(enforce_csrf_checks=True).post(first.get_absolute_url(),
                                                   {"action": "unsubscribe-all"})  # fmt: skip
    assert forged.status_code == 403
    first.refresh_from_db()
    assert first.is_active()


def test_the_unsubscribe_link_asks_first_and_a_post_stops_at_once(client, two_alerts):
    first, second = two_alerts
    url = f"/alerts/unsubscribe/{first.token(UNSUBSCRIBE_SALT)}/"
    page = client.get(url)
    assert page.status_code == 200 and ">Unsubscribe</button>" in page.content.decode()
    first.refresh_from_db()
    assert first.is_active()  # a mail scanner opening the link stops nothing

    done = Client(enforce_csrf_checks=True).post(url)  # the page's own button: no token needed
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    first.refresh_from_db()
    assert first.is_unsubscribed() and first.unsubscribed_via == "link"
    second.refresh_from_db()
    assert second.is_active()
    again = client.post(url)  # a second click, or the provider repeating its POST
    assert again.status_code == 200


def test_alerts_pages_are_never_kept_or_indexed(client, two_alerts, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_HEADER = True
    first, _ = two_alerts
    for url in ["/alerts/?senator=amy-klobuchar", first.get_absolute_url(),
                f"/alerts/unsubscribe/{first.token(UNSUBSCRIBE_SALT)}/",
                f"/alerts/manage/{first.token(MANAGE_SALT)}/"]:  # fmt: skip
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert "no-store" in response["Cache-Control"]
            assert response["X-Robots-Tag"] == "noindex, nofollow"
            assert response.get("X-Page-Cache") != "hit"
            assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_confirmation_page_says_what_will_be_sent_and_how_often(client, smtp_server, klobuchar):
    sign_up(client, QUERY, "reader@example.com", frequency="daily", hour=18)
    run_tasks()
    subscription = Subscription.objects.get()
    from alerts.models import CONFIRM_SALT

    page = client.get(f"/alerts/confirm/{subscription.token(CONFIRM_SALT)}/").content.decode()
    assert "Releases from Amy Klobuchar (D-MN)" in page
    assert "A daily digest" in page and "6 p.m. Eastern" in page
