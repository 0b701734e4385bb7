"""The whole send with the real parts: gunicorn serving the admin (production settings), two
`manage.py db_worker` processes side by side, a real SMTP server, on the run's own database.

A press secretary signs in, sends a scheduled release to a press list; the workers mail each
reporter once, with their own link; a reporter opens the link (served by gunicorn); the
release's page shows who opened it, when and with what. And a worker killed mid-batch: its
watchdog, run by a worker whose clock has reached it, sends the rest.
"""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from tests.distribution.conftest import contact, press_list, staff
from tests.support.factories import ReleaseFactory
from tests.support.servers import (
    PLAIN_STATIC_STORAGE,
    ROOT,
    database_url_for_server,
    free_port,
    production_env,
    start_gunicorn,
)
from tests.support.smtp import Mailbox
from tests.support.tasks import WorkerProcess, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the processes must see it

PASSWORD = "a-long-secretary-password-1"
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


def words(markup):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup)).replace("&#x27;", "'")


@pytest.fixture
def newsroom(klobuchar):
    """A press secretary who can sign in to a server (a password its hasher knows), their
    list of three reporters (one unsubscribed, one whose email a dead worker had claimed),
    and a release scheduled for the day after tomorrow."""
    hasher = PBKDF2PasswordHasher()
    secretary = staff("jordan", "Press secretaries", [klobuchar], first_name="Jordan",
                      last_name="Ali", email="jordan@klobuchar.senate.gov")  # fmt: skip
    secretary.password = hasher.encode(PASSWORD, hasher.salt())
    secretary.save()
    reporters = [
        contact(klobuchar, "Jane Doe", "jane.doe@startribune.example", "Star Tribune"),
        contact(klobuchar, "Raj Patel", "raj@pioneerpress.example", "Pioneer Press"),
        contact(klobuchar, "Lee Moe", "lee@mpr.example", "MPR News",
                unsubscribed_at=timezone.now(), unsubscribed_via="link"),
    ]  # fmt: skip
    release = ReleaseFactory(
        title="Klobuchar Bill to Help Trafficking Victims Passes Committee",
        senators=[klobuchar], published_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    return {"release": release, "list": press_list(klobuchar, "Minnesota dailies", reporters)}


def test_a_secretary_sends_under_embargo_and_sees_who_opened_their_link(
    newsroom, smtp_server, tmp_path
):
    release, dailies = newsroom["release"], newsroom["list"]
    port = free_port()
    env = production_env(
        database_url_for_server(tmp_path), port, EMAIL_BACKEND="smtp", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port), EMAIL_TIMEOUT="10",
        NEWSROOM_SITE_URL=f"http://127.0.0.1:{port}", DJANGO_SECURE_COOKIES="0",
        DJANGO_STATICFILES_STORAGE=PLAIN_STATIC_STORAGE, MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_LOG_LEVEL="WARNING",
    )  # fmt: skip
    server = start_gunicorn(env, tmp_path / "gunicorn.log")
    workers = [WorkerProcess(env, tmp_path / f"worker{n}.log") for n in range(2)]
    try:
        session = requests.Session()
        login = f"{server.url}/admin/login/"
        token = session.get(login, timeout=10).cookies["csrftoken"]
        signed_in = session.post(login, timeout=10, data={
            "username": "jordan", "password": PASSWORD, "csrfmiddlewaretoken": token,
            "next": "/admin/",
        })  # fmt: skip
        assert signed_in.url.endswith("/admin/"), signed_in.text[:500]
        change = f"{server.url}/admin/releases/release/{release.pk}/change/"
        send = f"{server.url}/admin/distribution/distribution/send/{release.pk}/"
        assert send.removeprefix(server.url) in session.get(change, timeout=10).text  # the button

        sent = session.post(send, timeout=30, allow_redirects=False, data={
            "lists": [dailies.pk], "step": "send", "follow_up_when_public": "on",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        })  # fmt: skip
        assert sent.status_code == 302, sent.text[-2000:]
        wait_for(lambda: len(smtp_server.messages) >= 2, 60, "two embargoed emails")
        time.sleep(0.5)  # anything sent twice would have arrived by now

        received = sorted(m["To"] for m in smtp_server.messages)
        assert received == ["jane.doe@startribune.example", "raj@pioneerpress.example"]
        message = smtp_server.to("jane.doe@startribune.example")[0]
        assert message["Subject"].startswith("EMBARGOED until ")
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"http://127\.0\.0\.1:\d+/preview/[^/\s]+/", text)[0]

        opened = requests.get(link, headers={"User-Agent": CHROME_ON_WINDOWS}, timeout=10)
        assert opened.status_code == 200
        assert release.title in opened.text

        page = words(session.get(change, timeout=10).text)
        section = page[page.index("Sent to the press") :]
        assert "by Jordan Ali to “Minnesota dailies”" in section
        assert "1 of 3 opened their link" in section
        jane = section[section.index("Jane Doe") : section.index("Lee Moe")]
        assert re.search(r"Sent \w+ \d+, \d{4}, .* E[SD]T .* E[SD]T · Chrome on Windows", jane)
        assert "Not sent: Lee Moe unsubscribed on" in section
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
    logs = "".join(worker.log_path.read_text() for worker in workers)
    assert "Traceback" not in logs, logs


class SlowMailbox(Mailbox):
    """A server that takes its time over each message, so a batch is still going when the
    worker is killed."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def shell(env, code):
    """Run `code` in `manage.py shell` with `env`: another process, on the same database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


SEND = """
from django.contrib.auth import get_user_model
from distribution.models import PressList
from distribution.services import distribution_create
from releases.models import Release
distribution_create(release=Release.objects.get(pk={release}),
                    lists=PressList.objects.filter(pk={press_list}),
                    by=get_user_model().objects.get(username="jordan"))
"""
STATES = (
    "from distribution.models import PressDelivery; "
    "print(sorted(set(PressDelivery.objects.values_list('state', flat=True))))"
)
FUTURE_WORKER = """
import datetime, time_machine
time_machine.travel(datetime.timedelta(minutes={minutes}), tick=True).start()
import django
django.setup()
from django.core.management import call_command
call_command("db_worker", "--batch", "--interval", "0")
"""


def test_a_worker_killed_mid_batch_is_taken_over_where_it_stopped(
    newsroom, smtp_server, tmp_path, klobuchar
):
    for n in range(40):
        newsroom["list"].contacts.add(contact(klobuchar, f"Reporter {n}", f"r{n}@example.com"))
    env = production_env(
        database_url_for_server(tmp_path), free_port(), EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_server.port), EMAIL_TIMEOUT="10",
        DJANGO_LOG_LEVEL="WARNING",
    )  # fmt: skip
    smtp_server.stop()
    smtp_server.mailbox = SlowMailbox()
    smtp_server.start()
    shell(env, SEND.format(release=newsroom["release"].pk, press_list=newsroom["list"].pk))
    worker = WorkerProcess(env, tmp_path / "killed.log")
    try:
        wait_for(lambda: len(smtp_server.messages) >= 10, 60, "the batch under way")
        os.kill(worker.process.pid, signal.SIGKILL)  # no goodbye: a real death
        worker.process.wait(timeout=10)
    finally:
        worker.stop()
    assert len(smtp_server.messages) < 42, "the batch was over before the worker was killed"

    later = subprocess.run(
        [sys.executable, "-c", FUTURE_WORKER.format(minutes=12)], cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert later.returncode == 0, later.stdout + later.stderr
    received = [m["To"] for m in smtp_server.messages]
    expected = {f"r{n}@example.com" for n in range(40)}
    expected |= {"jane.doe@startribune.example", "raj@pioneerpress.example"}
    assert set(received) == expected
    assert len(received) - len(expected) <= 1  # at most the one being sent at its death
    assert shell(env, STATES) == "['sent', 'skipped']"  # Lee Moe, unsubscribed
