"""Building email as mail providers expect it from a newsroom's mailing list.

Plain text and HTML (readable without images: no tracking pixel, nothing fetched), with the
headers bulk mail should carry: a Message-ID of ours (kept on the delivery), Date,
`Auto-Submitted: auto-generated` and `Precedence: bulk` (no out-of-office replies), and for
mail to a list, RFC 8058's one-click unsubscribe: `List-Unsubscribe` with an HTTPS address
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, which providers POST to.
"""

import email.policy
from email.utils import make_msgid
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute(path):
    """`path` on the site, for a message read far from any request (NEWSROOM_SITE_URL)."""
    return urljoin(settings.NEWSROOM_SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def rendered(template, context):
    """(subject, text, html) from `<template>_subject.txt`, `.txt` and `.html`."""
    context = {"newsroom_name": settings.NEWSROOM_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


class NewsroomMessage(EmailMultiAlternatives):
    """Written out with header lines up to RFC 5322's 998 characters. Folded at 78, as the
    SMTP backend's policy would, a header holding a long address and no space (a
    List-Unsubscribe with its signed token) is turned into RFC 2047 encoded-words, which
    mail providers do not read as an address: their unsubscribe button would not work."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def newsroom_message(*, to, subject, text, html, unsubscribe_url="", list_id="", headers=None):
    """A multipart message from the newsroom to one address."""
    domain = settings.EMAIL_MESSAGE_ID_DOMAIN
    extra = {
        "Message-ID": make_msgid(idstring="newsroom", domain=domain),
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
        **(headers or {}),
    }
    if unsubscribe_url:
        extra["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        extra["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if list_id:
        extra["List-Id"] = f"{settings.NEWSROOM_NAME} <{list_id}.{domain}>"
    message = NewsroomMessage(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
        headers=extra,
    )  # fmt: skip
    message.attach_alternative(html, "text/html")
    return message
