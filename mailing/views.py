"""/admin/outbox/: the mail a laptop's newsroom sent, for its staff to read (mailing/backends.py).

Only while the outbox is the mail backend; elsewhere these pages do not exist. A message's
HTML is served on an address of its own, under a policy that runs nothing it holds.
"""

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

NAME = re.compile(r"[0-9]{1,20}-[0-9a-f]{8}\.eml")
SHOWN = 200  # the newest messages listed


def _outbox():
    if settings.MAILERS["default"]["BACKEND"] != "mailing.backends.OutboxBackend":
        raise Http404("The outbox is the local mail backend's; mail is sent for real here.")
    return Path(settings.EMAIL_OUTBOX_DIR)


def _read(name):
    if not NAME.fullmatch(name):
        raise Http404("No such message.")
    path = _outbox() / name
    if not path.is_file():
        raise Http404("No such message.")
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def _part(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


def outbox(request):
    folder = _outbox()
    found = folder.glob("*.eml") if folder.is_dir() else []
    names = sorted((path.name for path in found), reverse=True)[:SHOWN]
    messages = []
    for name in names:
        headers = _read(name)
        messages.append({"name": name, "subject": headers["Subject"], "to": headers["To"],
                         "date": headers["Date"]})  # fmt: skip
    context = {**admin.site.each_context(request), "title": "Outbox", "messages": messages,
               "folder": folder}  # fmt: skip
    return TemplateResponse(request, "mailing/outbox.html", context)


def outbox_message(request, name):
    message = _read(name)
    context = {
        **admin.site.each_context(request),
        "title": message["Subject"],
        "name": name,
        "headers": list(message.items()),
        "text": _part(message, "plain"),
        "has_html": bool(_part(message, "html")),
    }
    return TemplateResponse(request, "mailing/outbox_message.html", context)


def outbox_message_html(request, name):
    response = HttpResponse(_part(_read(name), "html"), content_type="text/html; charset=utf-8")
    # As a mail program shows it: no scripts, no forms, nothing from elsewhere.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return response
