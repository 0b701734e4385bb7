"""On a laptop, with no mail server: the local outbox (mailing/backends.py) keeps each email
the worker sends as a file, and staff read it at /admin/outbox/. A newcomer completes the
whole flow there: sign up, confirm, publish, read the alert."""

from email import policy
from email.parser import BytesParser

import pytest

from tests.alerts.helpers import links, sign_up
from tests.support.factories import ReleaseFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db


def test_the_whole_flow_through_the_local_outbox(client, admin_client, settings, tmp_path,
                                                 klobuchar):  # fmt: skip
    folder = tmp_path / "outbox"
    settings.EMAIL_OUTBOX_DIR = folder
    settings.MAILERS = {"default": {"BACKEND": "mailing.backends.OutboxBackend",
                                    "OPTIONS": {"folder": str(folder)}}}  # fmt: skip

    def outbox():
        return [BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                for path in sorted(folder.glob("*.eml"))]  # fmt: skip

    sign_up(client, "senator=amy-klobuchar", "newcomer@example.com")
    run_tasks()
    [request] = outbox()
    [confirm] = links(request, "/alerts/confirm/")
    assert client.post(confirm).status_code == 302

    ReleaseFactory(title="Klobuchar backs rural broadband", senators=[klobuchar])
    run_tasks()
    request, alert = outbox()
    assert alert["Subject"] == "Klobuchar backs rural broadband"
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    listing = admin_client.get("/admin/outbox/").content.decode()
    assert "Klobuchar backs rural broadband" in listing and "newcomer@example.com" in listing
    name = sorted(folder.glob("*.eml"))[-1].name
    shown = admin_client.get(f"/admin/outbox/{name}/html/")
    assert "Klobuchar backs rural broadband" in shown.content.decode()
    assert "sandbox" in shown["Content-Security-Policy"]
