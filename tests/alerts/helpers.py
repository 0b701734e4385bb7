"""What the alerts tests share: signing up through the pages, reading the links in mail."""

import re
from urllib.parse import urlsplit

from django.test import Client

from alerts.models import Subscription
from tests.support.tasks import run_tasks

LINK = re.compile(r"https?://[^\s<>\"]+")


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def path_of(url):
    """The path (and query) of a link in an email, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(message, word):
    """The paths of the links in `message`'s text that contain `word` ("/alerts/confirm/")."""
    return [path_of(url) for url in LINK.findall(text_of(message)) if word in url]


def sign_up(client, query, email, frequency="instant", hour=7):
    """POST the sign-up form at /alerts/?query; the response."""
    return client.post(f"/alerts/?{query}", {"email": email, "frequency": frequency,
                                             "digest_hour": str(hour)})  # fmt: skip


def confirmed(client, smtp_server, query, email, frequency="instant", hour=7):
    """Sign up and confirm through the emails and pages, as a reader does; the subscription."""
    before = len(smtp_server.to(email))
    response = sign_up(client, query, email, frequency, hour)
    assert response.status_code == 200, response.content.decode()[:2000]
    run_tasks()
    mail = smtp_server.to(email)[before:]
    assert len(mail) == 1, [m["Subject"] for m in mail]
    [confirm] = links(mail[0], "/alerts/confirm/")
    assert client.post(confirm).status_code == 302
    subscription = Subscription.objects.get(email=email.lower(), unsubscribed_at__isnull=True,
                                            consent_query=query)  # fmt: skip
    assert subscription.is_active()
    return subscription


def one_click(url):
    """What a mail provider does with List-Unsubscribe-Post: a bare POST, no cookies, no CSRF
    token (RFC 8058)."""
    return Client(enforce_csrf_checks=True).post(
        path_of(url.strip("<>")), data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
