"""The daily digest: at the subscriber's hour (Eastern), once a day, with the releases made
public since their last one that match their filter; none, no email. Scheduled with no cron:
each day's run queues the next."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from alerts.models import AlertDelivery, DigestRun
from alerts.services import DIGEST_SETTLE, digest_moment
from core.eastern import EASTERN
from tests.alerts.helpers import confirmed, text_of
from tests.support.factories import ReleaseFactory, TopicFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 6, 0, tzinfo=EASTERN)  # a Monday, 6 a.m. Eastern
EIGHT = datetime(2025, 3, 3, 8, 0, tzinfo=EASTERN)


def digests(smtp_server, email="daily@example.com"):
    return [m for m in smtp_server.to(email) if "new release" in m["Subject"]]


@pytest.fixture
def daily(client, smtp_server, klobuchar):
    with time_machine.travel(START, tick=False):
        return confirmed(client, smtp_server, "senator=amy-klobuchar", "daily@example.com",
                         frequency="daily", hour=8)  # fmt: skip


def test_a_digest_goes_at_the_hour_with_what_was_published_since(daily, smtp_server, klobuchar,
                                                                 heitkamp):  # fmt: skip
    assert DigestRun.objects.get().day == date(2025, 3, 3)  # queued when confirmed
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        ReleaseFactory(title="Farm aid", senators=[klobuchar], published_at=timezone.now(),
                       highlights="Aid for farms")  # fmt: skip
        ReleaseFactory(title="Not hers", senators=[heitkamp], published_at=timezone.now())
        run_tasks()  # announced; no instant alert for a daily subscriber
    assert digests(smtp_server) == []
    with time_machine.travel(EIGHT - timedelta(seconds=1), tick=False):
        ReleaseFactory(title="Rail safety", senators=[klobuchar], published_at=timezone.now())
        run_tasks()
    assert digests(smtp_server) == []

    with time_machine.travel(EIGHT + DIGEST_SETTLE, tick=False):
        run_tasks()
    [digest] = digests(smtp_server)
    assert digest["Subject"] == "2 new releases: Releases from Amy Klobuchar (D-MN)"
    text = text_of(digest)
    assert text.index("Farm aid") < text.index("Rail safety") and "Not hers" not in text
    assert "Aid for farms" in text and "EST" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Tomorrow's run at the same hour is queued by today's.
    assert DigestRun.objects.filter(day=date(2025, 3, 4), hour=8).exists()

    # The next day: only what came since; a day with nothing sends nothing.
    with time_machine.travel(EIGHT + timedelta(hours=3), tick=False):
        ReleaseFactory(title="Ports", senators=[klobuchar], published_at=timezone.now())
        run_tasks()
    with time_machine.travel(EIGHT + timedelta(days=1) + DIGEST_SETTLE, tick=False):
        run_tasks()
    assert [d["Subject"] for d in digests(smtp_server)][1:] == [
        "1 new release: Releases from Amy Klobuchar (D-MN)"]  # fmt: skip
    with time_machine.travel(EIGHT + timedelta(days=2) + DIGEST_SETTLE, tick=False):
        run_tasks()
    assert len(digests(smtp_server)) == 2
    assert DigestRun.objects.filter(day=date(2025, 3, 5), digests=0).exists()


def test_each_days_digest_for_an_hour_runs_once(daily, smtp_server, klobuchar):
    from alerts.tasks import send_digest

    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        ReleaseFactory(title="Farm aid", senators=[klobuchar], published_at=timezone.now())
        run_tasks()
    with time_machine.travel(EIGHT + DIGEST_SETTLE, tick=False):
        send_digest.enqueue("2025-03-03", 8)  # a second run of the same day and hour
        run_tasks()
    assert len(digests(smtp_server)) == 1
    assert AlertDelivery.objects.filter(kind="digest").count() == 1


def test_switching_to_the_digest_does_not_send_again_what_came_as_alerts(
    client, smtp_server, klobuchar
):
    with time_machine.travel(START, tick=False):
        instant = confirmed(client, smtp_server, "senator=amy-klobuchar", "switch@example.com")
        ReleaseFactory(title="Farm aid", senators=[klobuchar], published_at=timezone.now())
        run_tasks()
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        from alerts.services import subscription_change

        subscription_change(subscription=instant, frequency="daily", digest_hour=8,
                            wants_corrections=True)  # fmt: skip
    with time_machine.travel(EIGHT + DIGEST_SETTLE, tick=False):
        run_tasks()
    assert [m["Subject"] for m in smtp_server.to("switch@example.com")][1:] == ["Farm aid"]


def test_the_digest_hour_is_eastern_across_the_clock_change():
    # 8 a.m. Eastern is 13:00 UTC in winter and 12:00 UTC in summer; on the day clocks spring
    # forward, the 2 a.m. digest (an hour that does not exist) goes at 3 a.m. EDT.
    assert digest_moment(date(2025, 1, 15), 8).hour == 13
    assert digest_moment(date(2025, 7, 15), 8).hour == 12
    assert timezone.localtime(digest_moment(date(2025, 7, 15), 8), EASTERN).hour == 8
    spring = digest_moment(date(2025, 3, 9), 2)
    assert timezone.localtime(spring, EASTERN).hour == 3


def test_a_digest_holds_only_matching_releases_and_words(client, smtp_server, klobuchar):
    farms = TopicFactory(name="Farms", slug="farms")
    with time_machine.travel(START, tick=False):
        confirmed(client, smtp_server, "topic=farms&q=drought", "words@example.com",
                  frequency="daily", hour=8)  # fmt: skip
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        ReleaseFactory(title="Drought relief for growers", senators=[klobuchar], topics=[farms],
                       published_at=timezone.now())  # fmt: skip
        ReleaseFactory(title="Farm exports", senators=[klobuchar], topics=[farms],
                       published_at=timezone.now())  # fmt: skip
        run_tasks()
    with time_machine.travel(EIGHT + DIGEST_SETTLE, tick=False):
        run_tasks()
    [digest] = digests(smtp_server, "words@example.com")
    assert "Drought relief" in text_of(digest) and "Farm exports" not in text_of(digest)
