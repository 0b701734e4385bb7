"""Alerts sent by the real worker processes, on the run's own database.

`manage.py db_worker` (the default queue) and RQ's worker on the machine's Redis
(`TASKS_BACKEND=rq`) each deliver an alert end to end: the release is published in another
process (`manage.py shell`), as the admin would, and the worker, in its own process, sends
the alert to a real SMTP server. Two workers side by side send each email once; a worker
killed mid-batch is taken over by its watchdog, run by a worker whose clock is past it, with
at most the one email it was sending twice.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from alerts.models import Subscription, SubscriptionTerm
from alerts.selectors import read_filter
from releases.models import Release
from tests.support.factories import ReleaseFactory
from tests.support.servers import ROOT, database_url_for_server, free_port, production_env
from tests.support.smtp import Mailbox
from tests.support.tasks import WorkerProcess, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/14"  # this suite's own Redis database, emptied around it
SUBJECT = "Klobuchar backs rural broadband"


def subscribers(count, query="senator=amy-klobuchar"):
    """`count` confirmed instant subscriptions to `query`, written as the service writes them."""
    from django.http import QueryDict

    reading = read_filter(QueryDict(query))
    made = Subscription.objects.bulk_create(
        Subscription(email=f"reader{n}@example.com", q="", filter_key=reading.alert_filter.key(),
                     consent_words=reading.words, confirmed_at=timezone.now())
        for n in range(count)
    )  # fmt: skip
    SubscriptionTerm.objects.bulk_create(
        SubscriptionTerm(subscription=s, parameter=p, value=v)
        for s in made for p, v in reading.alert_filter.terms
    )  # fmt: skip
    return made


def environment(database_url, smtp_server, **overrides):
    return production_env(
        database_url, free_port(), EMAIL_BACKEND="smtp", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port), EMAIL_TIMEOUT="10",
        NEWSROOM_SITE_URL="https://news.example", DJANGO_LOG_LEVEL="WARNING", **overrides,
    )  # fmt: skip


def shell(env, code):
    """Run `code` in `manage.py shell` with `env`: another process, on the same database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


PUBLISH = (
    "from releases.models import Release; from releases.services import release_publish; "
    "release_publish(release=Release.objects.get(slug='rural-broadband'), by=None)"
)
STATES = (
    "from alerts.models import AlertDelivery; "
    "print(sorted(AlertDelivery.objects.filter(kind='alert').values_list('state', flat=True)))"
)

RAN_BY = (
    "from django_tasks_db.models import DBTaskResult; "
    "runs = DBTaskResult.objects.filter(task_path='alerts.tasks.announce_release', "
    "status='SUCCESSFUL'); print(len({w for r in runs for w in r.worker_ids}))"
)


@pytest.fixture
def draft(klobuchar):
    return ReleaseFactory(title=SUBJECT, slug="rural-broadband", senators=[klobuchar],
                          status=Release.Status.DRAFT, published_at=None)  # fmt: skip


def test_a_real_worker_sends_the_alert_of_a_release_published_elsewhere(
    draft, smtp_server, tmp_path
):
    subscribers(3)
    env = environment(database_url_for_server(tmp_path), smtp_server)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        shell(env, PUBLISH)
        wait_for(lambda: len(smtp_server.messages) == 3, 60, "three alerts")
    finally:
        worker.stop()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"reader{n}@example.com" for n in range(3)]  # fmt: skip
    message = smtp_server.messages[0]
    assert message["Subject"] == SUBJECT
    assert message["List-Unsubscribe"].startswith("<https://news.example/alerts/unsubscribe/")
    assert shell(env, STATES) == "['sent', 'sent', 'sent']"


class SlowMailbox(Mailbox):
    """A server that takes its time over each message, so a batch is still going when the
    worker is killed."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_two_workers_side_by_side_send_each_email_once(draft, smtp_server, tmp_path):
    subscribers(60)
    env = environment(database_url_for_server(tmp_path), smtp_server)
    smtp_server.stop()
    smtp_server.mailbox = SlowMailbox()
    smtp_server.start()
    # Two runs of the announcement, so both workers are at it together.
    shell(env, PUBLISH + "; from alerts.tasks import announce_release; "
          "r = Release.objects.get(slug='rural-broadband'); "
          "announce_release.enqueue(r.pk, r.published_at.isoformat())")  # fmt: skip
    workers = [WorkerProcess(env, tmp_path / f"worker{n}.log") for n in range(2)]
    try:
        wait_for(lambda: len(smtp_server.messages) >= 60, 90, "sixty alerts")
        time.sleep(0.5)  # anything sent twice would arrive by now
    finally:
        for worker in workers:
            worker.stop()
    received = [m["To"] for m in smtp_server.messages]
    assert sorted(received) == sorted(f"reader{n}@example.com" for n in range(60))
    # Both workers ran an announcement run, at the same time as each other.
    assert shell(env, RAN_BY) == "2", [(tmp_path / f"worker{n}.log").read_text() for n in (0, 1)]


FUTURE_WORKER = """
import datetime, os, time_machine
time_machine.travel(datetime.timedelta(minutes={minutes}), tick=True).start()
import django
django.setup()
from django.core.management import call_command
call_command("db_worker", "--batch", "--interval", "0")
"""


def test_a_worker_killed_mid_batch_is_taken_over_where_it_stopped(draft, smtp_server, tmp_path):
    subscribers(40)
    env = environment(database_url_for_server(tmp_path), smtp_server)
    smtp_server.stop()
    smtp_server.mailbox = SlowMailbox()
    smtp_server.start()
    worker = WorkerProcess(env, tmp_path / "killed.log")
    try:
        shell(env, PUBLISH)
        wait_for(lambda: len(smtp_server.messages) >= 10, 60, "the batch under way")
        os.kill(worker.process.pid, signal.SIGKILL)  # no goodbye: a real death
        worker.process.wait(timeout=10)
    finally:
        worker.stop()
    before = len(smtp_server.messages)
    assert before < 40, "the batch was over before the worker was killed"

    # The watchdog the run set before it started, run by a worker whose clock has reached it
    # (and the claim the dead worker left behind has expired).
    later = subprocess.run(
        [sys.executable, "-c", FUTURE_WORKER.format(minutes=12)], cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert later.returncode == 0, later.stdout + later.stderr
    received = [m["To"] for m in smtp_server.messages]
    assert set(received) == {f"reader{n}@example.com" for n in range(40)}
    assert len(received) - 40 <= 1  # at most the one being sent at the moment of death
    assert shell(env, STATES) == str(["sent"] * 40)


def redis_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def redis_queue():
    if not redis_running():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI has it)")
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def test_the_rq_queue_on_redis_delivers_the_alert(draft, smtp_server, tmp_path, redis_queue):
    subscribers(2)
    env = environment(database_url_for_server(tmp_path), smtp_server, TASKS_BACKEND="rq",
                      TASKS_REDIS_URL=REDIS_URL)  # fmt: skip
    shell(env, PUBLISH)
    assert redis_queue.dbsize() > 0  # queued in Redis, not in the database
    worker = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler", "--burst",
         "--job-class", "django_tasks_rq.Job"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert sorted(m["To"] for m in smtp_server.messages) == ["reader0@example.com",
                                                             "reader1@example.com"]  # fmt: skip
    assert shell(env, STATES) == "['sent', 'sent']"
    # The watchdog waits in RQ's schedule, for its time.
    assert redis_queue.zcard("rq:scheduled:default") >= 1
