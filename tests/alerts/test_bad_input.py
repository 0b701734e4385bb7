"""Bad input gets a clear message naming what is wrong, and stores nothing: malformed
addresses, filters that name nothing, too many alerts, sign-up floods, the re-send limit,
and expired, tampered or revoked links."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts.models import (
    CONFIRM_SALT,
    MANAGE_SALT,
    UNSUBSCRIBE_SALT,
    AlertDelivery,
    Subscription,
    SubscriptionTerm,
)
from tests.alerts.helpers import confirmed, links, sign_up
from tests.support.factories import TopicFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

QUERY = "senator=amy-klobuchar"


def nothing_stored():
    return (
        not Subscription.objects.exists()
        and not SubscriptionTerm.objects.exists()
        and not AlertDelivery.objects.exists()
        and not DBTaskResult.objects.exists()
    )


@pytest.mark.parametrize(
    "address", ["not-an-address", "two@@example.com", "a@b", " ", "x" * 250 + "@example.com"]
)
def test_a_malformed_address_is_refused_by_name(client, klobuchar, address):
    response = sign_up(client, QUERY, address)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'id="id_email-error"' in page
    assert "email address" in page
    assert nothing_stored()


@pytest.mark.parametrize(
    "query, says",
    [
        ("topic=no-such-topic", "We ignored topic “no-such-topic”: no such topic."),
        ("senator=amy-klobuchar&topic=nope", "We ignored topic “nope”: no such topic."),
        ("year=1700", "We ignored year “1700”: no such year."),
        ("q=%21%21%21", "The search “!!!” has no words to look for."),
    ],
)
def test_a_filter_that_names_nothing_is_refused_and_nothing_is_stored(client, klobuchar, query,
                                                                      says):  # fmt: skip
    page = client.get(f"/alerts/?{query}")
    assert page.status_code == 400
    assert says in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]  # no sign-up form

    response = sign_up(client, query, "reader@example.com")
    assert response.status_code == 400
    assert says in response.content.decode()
    assert nothing_stored()


def test_the_part_of_a_filter_that_names_something_is_offered_instead(client, klobuchar):
    page = client.get("/alerts/?senator=amy-klobuchar&topic=nope").content.decode()
    assert 'href="/alerts/?senator=amy-klobuchar"' in page
    # A filter of which nothing names anything offers no alert (not "all releases").
    nothing = client.get("/alerts/?topic=nope").content.decode()
    assert 'href="/alerts/"' not in nothing
    assert "what we did find instead" not in nothing


def test_no_filter_at_all_follows_every_release(client, smtp_server):
    page = client.get("/alerts/")
    assert page.status_code == 200 and "All releases" in page.content.decode()


def test_more_than_the_most_alerts_for_one_address_is_refused(client, smtp_server, settings):
    settings.ALERTS_MAX_PER_ADDRESS = 2
    for slug in ("farms", "rail"):
        TopicFactory(name=slug.title(), slug=slug)
        assert sign_up(client, f"topic={slug}", "busy@example.com").status_code == 200
    TopicFactory(name="Ports", slug="ports")

    response = sign_up(client, "topic=ports", "BUSY@example.com")

    assert response.status_code == 400
    assert "already has 2 alerts, the most one address may have" in response.content.decode()
    assert Subscription.objects.count() == 2
    assert not Subscription.objects.filter(consent_query="topic=ports").exists()


def test_sign_ups_for_one_address_are_limited_per_day(client, settings):
    settings.ALERTS_SIGNUPS_PER_ADDRESS_DAY = 2
    for n in range(2):
        TopicFactory(name=f"Topic {n}", slug=f"topic-{n}")
        assert sign_up(client, f"topic=topic-{n}", "target@example.com").status_code == 200
    TopicFactory(name="Topic 9", slug="topic-9")

    response = sign_up(client, "topic=topic-9", "target@example.com")

    assert response.status_code == 429
    assert "too many sign-ups for this address today" in response.content.decode()
    assert Subscription.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        # The cache forgets the count after a day (its timeout, not the clock we travel):
        # said, not shown, since locmem's expiry reads time.time(), which this travels too.
        assert sign_up(client, "topic=topic-9", "target@example.com").status_code == 200


def test_sign_ups_from_one_network_are_limited_per_hour(client, klobuchar, settings):
    settings.ALERTS_SIGNUPS_PER_CLIENT_HOUR = 3
    for n in range(3):
        response = sign_up(
            client,
            QUERY,
            f"person{n}@example.com",
        )
        assert response.status_code == 200
    flood = client.post(f"/alerts/?{QUERY}", {"email": "person9@example.com",
                                               "frequency": "instant", "digest_hour": "7"},
                        REMOTE_ADDR="127.0.0.99")  # the same /24  # fmt: skip
    assert flood.status_code == 429
    assert "Too many alert sign-ups have come from your network" in flood.content.decode()
    assert not Subscription.objects.filter(email="person9@example.com").exists()
    elsewhere = client.post(f"/alerts/?{QUERY}", {"email": "person9@example.com",
                                                   "frequency": "instant", "digest_hour": "7"},
                            REMOTE_ADDR="192.0.2.7")  # fmt: skip
    assert elsewhere.status_code == 200


def test_a_confirmation_is_sent_at_most_three_times_a_day(client, smtp_server, klobuchar):
    for _ in range(3):
        assert sign_up(client, QUERY, "again@example.com").status_code == 200
    refused = sign_up(client, QUERY, "again@example.com")
    run_tasks()

    assert refused.status_code == 429
    assert "already sent the email for this alert 3 times in the last day" in (
        refused.content.decode())  # fmt: skip
    assert len(smtp_server.to("again@example.com")) == 3
    assert Subscription.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert sign_up(client, QUERY, "again@example.com").status_code == 200


def test_signing_up_again_for_an_alert_one_has_says_so_and_changes_nothing(
    client, smtp_server, klobuchar
):
    subscription = confirmed(client, smtp_server, QUERY, "reader@example.com")
    assert sign_up(client, QUERY, "reader@example.com", frequency="daily").status_code == 200
    run_tasks()

    notice = smtp_server.to("reader@example.com")[-1]
    assert notice["Subject"].startswith("You already have this alert")
    assert links(notice, "/alerts/manage/") and not links(notice, "/alerts/confirm/")
    subscription.refresh_from_db()
    assert subscription.frequency == "instant"
    assert Subscription.objects.count() == 1


def test_the_same_filter_written_differently_is_one_alert(client, smtp_server, klobuchar,
                                                           heitkamp):  # fmt: skip
    sign_up(client, "senator=amy-klobuchar&senator=heidi-heitkamp", "reader@example.com")
    sign_up(client, "senator=heidi-heitkamp&senator=amy-klobuchar&page=3", "reader@example.com")
    assert Subscription.objects.count() == 1


def test_a_bad_frequency_or_hour_is_refused_by_name(client, klobuchar):
    data = {"email": "reader@example.com", "frequency": "hourly", "digest_hour": "25"}
    response = client.post(f"/alerts/?{QUERY}", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose each release or a daily digest." in page
    assert "Choose an hour of the day for the digest." in page
    assert nothing_stored()


@pytest.fixture
def pending(client, smtp_server, klobuchar):
    sign_up(client, QUERY, "reader@example.com")
    run_tasks()
    return Subscription.objects.get()


@pytest.mark.parametrize("salt, prefix", [(CONFIRM_SALT, "confirm"), (MANAGE_SALT, "manage"),
                                          (UNSUBSCRIBE_SALT, "unsubscribe")])  # fmt: skip
def test_a_tampered_link_is_refused_and_changes_nothing(client, pending, salt, prefix):
    token = pending.token(salt)
    for bad in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense",
                pending.token(MANAGE_SALT if salt != MANAGE_SALT else CONFIRM_SALT)]:  # fmt: skip
        for method in (client.get, client.post):
            response = method(f"/alerts/{prefix}/{bad}/")
            assert response.status_code == 400, (bad, method)
            assert "This link does not work" in response.content.decode()
    pending.refresh_from_db()
    assert not pending.is_confirmed() and not pending.is_unsubscribed()


def test_an_expired_confirmation_link_is_gone_and_offers_a_new_sign_up(
    client, pending, smtp_server
):
    [confirm] = links(smtp_server.messages[0], "/alerts/confirm/")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(confirm)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This confirmation link has expired" in page
    assert f'href="/alerts/?{QUERY}"' in page
    pending.refresh_from_db()
    assert not pending.is_confirmed()


def test_a_new_key_ends_every_link_sent_so_far(client, smtp_server, klobuchar):
    subscription = confirmed(client, smtp_server, QUERY, "reader@example.com")
    old = subscription.token(UNSUBSCRIBE_SALT)
    subscription.key = "replaced"
    subscription.save()

    assert client.post(f"/alerts/unsubscribe/{old}/").status_code == 400
    subscription.refresh_from_db()
    assert subscription.is_active()


def test_an_old_confirmation_link_to_an_alert_confirmed_since_is_no_error(client, smtp_server,
                                                                         klobuchar):  # fmt: skip
    subscription = confirmed(client, smtp_server, QUERY, "reader@example.com")
    [confirm] = links(smtp_server.messages[0], "/alerts/confirm/")
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        response = client.get(confirm)
    assert response.status_code == 200
    assert "This alert is already confirmed" in response.content.decode()
    assert subscription.get_absolute_url() in response.content.decode()
