"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), and what it was sent.

`smtp_server` starts one on a free port and points Django's SMTP backend at it. It keeps
every message it accepts (`.messages`, parsed), and can be told to refuse: a recipient for
good (550) or for now (451), or to stop listening altogether (`stop()`, `start()` again).
"""

from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from tests.support.servers import free_port


class Mailbox:
    """aiosmtpd's handler: accepts, refuses or keeps what arrives."""

    def __init__(self):
        self.messages = []
        self.refuse_for_good = set()  # addresses answered 550
        self.refuse_for_now = set()  # addresses answered 451

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse_for_good:
            return "550 5.1.1 No such mailbox here"
        if address in self.refuse_for_now:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    @property
    def messages(self):
        return self.mailbox.messages

    def mailer(self):
        """The MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
        }

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server, and Django's mail settings pointing at it."""
    server = SMTPServer().start()
    settings.MAILERS = {"default": server.mailer()}
    yield server
    server.stop()
