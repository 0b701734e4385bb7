"""The local outbox: mail a laptop's newsroom sends is kept as files, not sent anywhere.

With DJANGO_DEBUG=1 and no EMAIL_BACKEND set (or EMAIL_BACKEND=outbox), every message the
worker sends is written to EMAIL_OUTBOX_DIR as an .eml file (what a mail server would have
received, headers and all); staff read them at /admin/outbox/ (mailing/views.py). A
newcomer completes the whole flow on their own machine: subscribe, confirm, publish, read
the alert.
"""

import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    _lock = threading.Lock()

    def __init__(self, *, folder=None, **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(folder or settings.EMAIL_OUTBOX_DIR)

    def send_messages(self, email_messages):
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
            built = message.message()  # email.message.EmailMessage (Django 6's modern API)
            data = built.as_bytes(policy=built.policy.clone(linesep="\r\n"))
            with self._lock:
                (folder / f".{name}").write_bytes(data)
                (folder / f".{name}").rename(folder / name)  # whole files only
            sent += 1
        return sent
