"""Nothing lost, nothing twice, against a real SMTP server.

A server that refuses for now gets retries with backoff, shown to staff; one that refuses for
good fails the delivery, with its words; one that is down loses nothing: the batch comes back
and is sent when the server returns. Two workers never send one email twice; a worker that
dies mid-batch is taken over by the watchdog, where it stopped."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from alerts import tasks
from alerts.models import AlertDelivery, Subscription
from mailing.models import CLAIM_TIMEOUT, SendingJob
from mailing.sending import WATCHDOG
from tests.alerts.helpers import confirmed
from tests.support.factories import ReleaseFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

QUERY = "senator=amy-klobuchar"


def alert_deliveries():
    return AlertDelivery.objects.filter(kind="alert")


@pytest.fixture
def readers(client, smtp_server, klobuchar):
    return [confirmed(client, smtp_server, QUERY, f"reader{n}@example.com") for n in range(3)]


def alerts_received(smtp_server):
    return sorted(m["To"] for m in smtp_server.messages if m["Subject"] == "Broadband")


def test_a_refusal_for_now_is_retried_later_and_shown_to_staff(client, smtp_server, klobuchar,
                                                                readers, admin_client):  # fmt: skip
    smtp_server.mailbox.refuse_for_now.add("reader1@example.com")
    ReleaseFactory(title="Broadband", senators=[klobuchar])
    run_tasks()

    assert alerts_received(smtp_server) == ["reader0@example.com", "reader2@example.com"]
    busy = alert_deliveries().get(subscription__email="reader1@example.com")
    assert busy.state == "retry" and "451" in busy.last_error
    page = admin_client.get("/admin/alerts/alertdelivery/?state__exact=retry").content.decode()
    assert "reader1@example.com" in page and "451" in page

    smtp_server.mailbox.refuse_for_now.clear()
    with time_machine.travel(busy.next_attempt_at + timedelta(seconds=1)):
        run_tasks()  # the run that came back for it
    assert alerts_received(smtp_server) == [f"reader{n}@example.com" for n in range(3)]
    busy.refresh_from_db()
    assert busy.state == "sent" and busy.attempts == 2


def test_a_refusal_for_good_fails_with_the_servers_words(client, smtp_server, klobuchar, readers,
                                                          admin_client):  # fmt: skip
    smtp_server.mailbox.refuse_for_good.add("reader2@example.com")
    ReleaseFactory(title="Broadband", senators=[klobuchar])
    run_tasks()

    gone = alert_deliveries().get(subscription__email="reader2@example.com")
    assert gone.state == "failed" and "550" in gone.last_error
    assert "No such mailbox" in admin_client.get(
        f"/admin/alerts/alertdelivery/{gone.pk}/change/").content.decode()  # fmt: skip
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        run_tasks()
    assert alerts_received(smtp_server) == ["reader0@example.com", "reader1@example.com"]


def test_a_server_that_is_down_loses_nothing_and_sends_when_it_returns(
    client, smtp_server, klobuchar, readers
):
    smtp_server.stop()
    ReleaseFactory(title="Broadband", senators=[klobuchar])
    run_tasks()
    assert set(alert_deliveries().values_list("state", flat=True)) == {"pending"}

    later = timezone.now() + timedelta(minutes=1, seconds=1)
    with time_machine.travel(later):
        run_tasks()  # still down: comes back again, one chain
    assert set(alert_deliveries().values_list("state", flat=True)) == {"pending"}
    smtp_server.start()
    with time_machine.travel(later + timedelta(minutes=1, seconds=1)):
        run_tasks()
    assert alerts_received(smtp_server) == [f"reader{n}@example.com" for n in range(3)]
    with time_machine.travel(later + WATCHDOG + timedelta(minutes=5)):
        run_tasks()  # the watchdogs find nothing to do
    assert len(alerts_received(smtp_server)) == 3


def test_an_outage_keeps_one_come_back_chain(client, smtp_server, klobuchar, readers):
    from django_tasks_db.models import DBTaskResult

    smtp_server.stop()
    ReleaseFactory(title="Broadband", senators=[klobuchar])
    now = timezone.now()
    for minute in range(0, 30):
        with time_machine.travel(now + timedelta(minutes=minute, seconds=1)):
            run_tasks()
    waiting = DBTaskResult.objects.filter(status="READY").count()
    assert waiting <= 3  # the next come-back and the watchdog, not one more per run
    smtp_server.start()
    with time_machine.travel(now + timedelta(minutes=31)):
        run_tasks()
    assert len(alerts_received(smtp_server)) == 3


def test_two_workers_running_the_same_announcement_send_each_email_once(
    client, smtp_server, klobuchar, readers
):
    release = ReleaseFactory(title="Broadband", senators=[klobuchar])
    # A second queued run for the same release, as two saves or a duplicate job would make.
    tasks.announce_release.enqueue(release.pk, release.published_at.isoformat())
    tasks.announce_release.enqueue(release.pk, release.published_at.isoformat())
    run_tasks()
    run_tasks()  # a second pass, as a second worker would
    assert alerts_received(smtp_server) == [f"reader{n}@example.com" for n in range(3)]


def test_a_worker_that_dies_mid_batch_is_taken_over_where_it_stopped(
    client, smtp_server, klobuchar, readers, monkeypatch
):
    ReleaseFactory(title="Broadband", senators=[klobuchar])
    built = []
    real = tasks.alert_message

    def dies_on_the_second(subscription, *args):
        if len(built) == 1:
            raise SystemExit("killed")  # what a worker's death looks like to the batch
        built.append(subscription.email)
        return real(subscription, *args)

    monkeypatch.setattr(tasks, "alert_message", dies_on_the_second)
    run_tasks()  # the worker's run fails; its watchdog is queued
    monkeypatch.setattr(tasks, "alert_message", real)
    assert len(alerts_received(smtp_server)) == 1
    # The one it was making and the rest of its claim (mailing/sending.py CLAIM_GROUP) are
    # left claimed, never finished: nobody else sends them until the claim expires.
    stuck = alert_deliveries().filter(state="sending")
    assert stuck.count() == 2
    stuck = stuck.first()

    with time_machine.travel(timezone.now() + WATCHDOG + timedelta(seconds=1)):
        run_tasks()
    with time_machine.travel(stuck.claimed_at + CLAIM_TIMEOUT + WATCHDOG):
        run_tasks()
    assert alerts_received(smtp_server) == [f"reader{n}@example.com" for n in range(3)]
    assert set(alert_deliveries().values_list("state", flat=True)) == {"sent"}


def test_a_subscriber_who_unsubscribes_while_it_waits_is_skipped_with_the_reason(
    client, smtp_server, klobuchar, readers
):
    smtp_server.stop()
    ReleaseFactory(title="Broadband", senators=[klobuchar])
    run_tasks()
    Subscription.objects.filter(email="reader0@example.com").update(
        unsubscribed_at=timezone.now(), unsubscribed_via="link")  # fmt: skip
    smtp_server.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_tasks()
    left = alert_deliveries().get(subscription__email="reader0@example.com")
    assert left.state == "skipped" and "Unsubscribed" in left.last_error
    assert alerts_received(smtp_server) == ["reader1@example.com", "reader2@example.com"]


def test_a_release_pulled_while_its_alerts_wait_sends_none_of_them(
    client, smtp_server, klobuchar, readers
):
    smtp_server.stop()
    release = ReleaseFactory(title="Broadband", senators=[klobuchar])
    run_tasks()
    from releases.services import release_unpublish

    release_unpublish(release=release, by=None)
    smtp_server.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_tasks()
    assert alerts_received(smtp_server) == []
    assert set(alert_deliveries().values_list("state", flat=True)) == {"skipped"}


def test_staff_read_deliveries_and_subscriptions_but_change_nothing(client, smtp_server, klobuchar,
                                                                     readers):  # fmt: skip
    from staff.roles import NEWSROOM_ADMINS

    admin = get_user_model().objects.create_user("admin", password="x", is_staff=True)
    admin.groups.add(__import__("django.contrib.auth.models").contrib.auth.models.Group.objects.get(
        name=NEWSROOM_ADMINS))  # fmt: skip
    client.force_login(admin)
    subscription = readers[0]
    page = client.get(f"/admin/alerts/subscription/{subscription.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Consent record" in body and subscription.consent_words in body
    assert 'name="_save"' not in body  # read-only
    assert client.post(f"/admin/alerts/subscription/{subscription.pk}/change/",
                       {"email": "x@example.com"}).status_code == 403  # fmt: skip
    assert client.get("/admin/alerts/subscription/add/").status_code == 403
    assert client.get("/admin/alerts/alertdelivery/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.email == "reader0@example.com"
    assert SendingJob.objects.exists()  # (the confirmations' jobs)
