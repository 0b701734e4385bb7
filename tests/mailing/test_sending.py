"""Deliveries over a real SMTP server: sent once, refused for good, tried again later.

The deliveries are rows of a small model built on mailing.models.Delivery, made for these
tests (the alerts and press lists have their own, tested with them).
"""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import timezone

from mailing.messages import newsroom_message
from mailing.models import CLAIM_TIMEOUT, RETRY_DELAYS, Delivery
from mailing.sending import send_deliveries

pytestmark = pytest.mark.django_db(transaction=True)  # a table of its own, made and dropped


@pytest.fixture
def Note():  # noqa: N802 (a model)
    with isolate_apps("mailing"):

        class Note(Delivery):
            address = models.EmailField()

            class Meta:
                app_label = "mailing"

    with connection.schema_editor() as editor:
        editor.create_model(Note)
    yield Note
    with connection.schema_editor() as editor:
        editor.delete_model(Note)


def build(note):
    return newsroom_message(
        to=note.address, subject="Klobuchar backs rural broadband", text="The release.",
        html="<p>The release.</p>", unsubscribe_url="https://news.example/alerts/unsubscribe/x/",
        list_id="alerts",
    )  # fmt: skip


def test_each_delivery_is_sent_once_with_the_headers_bulk_mail_carries(Note, smtp_server):
    notes = [Note.objects.create(address=f"reporter{n}@example.com") for n in range(3)]

    first = send_deliveries(Note.objects.due(), build)
    again = send_deliveries(Note.objects.all(), build)

    assert first["sent"] == 3 and again["sent"] == 0 and again["taken"] == 3
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(n.address for n in notes)
    message = smtp_server.messages[0]
    assert message["List-Unsubscribe"] == "<https://news.example/alerts/unsubscribe/x/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Precedence"] == "bulk"
    assert message["Date"] and message["Message-ID"]
    assert {part.get_content_type() for part in message.iter_parts()} == {
        "text/plain", "text/html"
    }  # fmt: skip
    stored = Note.objects.get(address=message["To"])
    assert stored.state == Delivery.State.SENT
    assert stored.message_id == message["Message-ID"]


def test_a_mailbox_refused_for_good_fails_with_the_servers_words(Note, smtp_server):
    smtp_server.mailbox.refuse_for_good.add("gone@example.com")
    Note.objects.create(address="gone@example.com")
    Note.objects.create(address="here@example.com")

    result = send_deliveries(Note.objects.due().order_by("pk"), build)

    gone = Note.objects.get(address="gone@example.com")
    assert result["failed"] == 1 and result["sent"] == 1
    assert gone.state == Delivery.State.FAILED
    assert "550" in gone.last_error and "No such mailbox" in gone.last_error


def test_a_refusal_for_now_is_tried_again_later_and_then_given_up(Note, smtp_server):
    smtp_server.mailbox.refuse_for_now.add("busy@example.com")
    note = Note.objects.create(address="busy@example.com")

    send_deliveries(Note.objects.due(), build)
    note.refresh_from_db()
    assert note.state == Delivery.State.RETRY and "451" in note.last_error
    assert not Note.objects.due().exists()  # not before its time
    with time_machine.travel(note.next_attempt_at + timedelta(seconds=1)):
        assert Note.objects.due().exists()

    tries = 1
    while note.state == Delivery.State.RETRY and tries < 10:
        with time_machine.travel(note.next_attempt_at + timedelta(seconds=1)):
            send_deliveries(Note.objects.due(), build)
        note.refresh_from_db()
        tries += 1
    assert tries == len(RETRY_DELAYS) + 1  # each delay waited once, then given up
    assert note.state == Delivery.State.FAILED
    assert "gave up after" in note.last_error
    assert smtp_server.messages == []


def test_a_server_that_is_down_claims_nothing_and_nothing_is_lost(Note, smtp_server):
    Note.objects.create(address="reporter@example.com")
    smtp_server.stop()

    down = send_deliveries(Note.objects.due(), build)

    assert down.server_down and "could not be reached" in down.server_down
    assert Note.objects.get().state == Delivery.State.PENDING
    smtp_server.start()
    assert send_deliveries(Note.objects.due(), build)["sent"] == 1


def test_a_claim_is_won_once_and_a_dead_workers_claim_expires(Note):
    note = Note.objects.create(address="reporter@example.com")
    same = Note.objects.get(pk=note.pk)  # what a second worker read

    assert note.claim() is True
    assert same.claim() is False  # two workers never both send it
    with time_machine.travel(timezone.now() + CLAIM_TIMEOUT + timedelta(seconds=1)):
        assert Note.objects.get(pk=note.pk).claim() is True  # its worker died: taken again


def test_a_message_the_builder_will_not_send_is_skipped_with_its_reason(Note, smtp_server):
    Note.objects.create(address="left@example.com")

    result = send_deliveries(Note.objects.due(), lambda note: "They unsubscribed.")

    assert result["skipped"] == 1
    assert Note.objects.get().last_error == "They unsubscribed."
    assert smtp_server.messages == []


def test_smtp_errors_are_smtplib_ones():
    # What the classification above relies on: a 4xx or 5xx on one message is one of these.
    assert issubclass(smtplib.SMTPDataError, smtplib.SMTPResponseException)


def test_workers_claiming_the_same_deliveries_at_once_each_win_different_ones(Note):
    notes = [Note.objects.create(address=f"reporter{n}@example.com") for n in range(6)]
    second_worker = list(Note.objects.filter(pk__in=[n.pk for n in notes[2:]]))

    first = Note.claim_group(notes[:4])
    second = Note.claim_group(second_worker)

    assert [n.pk for n in first] == [n.pk for n in notes[:4]]
    assert [n.pk for n in second] == [n.pk for n in notes[4:]]  # what the first had is not
    assert set(Note.objects.values_list("state", flat=True)) == {Delivery.State.SENDING}
    assert len(set(Note.objects.values_list("claim_token", flat=True))) == 2


def test_a_server_lost_mid_group_gives_back_what_it_was_not_sent(Note, smtp_server):
    notes = [Note.objects.create(address=f"reporter{n}@example.com") for n in range(5)]

    def server_goes_on_the_second(note):
        if note.pk == notes[1].pk:
            smtp_server.stop()  # the real server goes away, its connection with it
        return build(note)

    result = send_deliveries(Note.objects.due().order_by("pk"), server_goes_on_the_second)

    assert result["sent"] == 1 and result["retry"] == 1 and result.server_down
    states = dict(Note.objects.values_list("pk", "state"))
    assert states[notes[1].pk] == Delivery.State.RETRY
    # Claimed with them but never tried: due again at once, not after a claim's expiry.
    assert {states[n.pk] for n in notes[2:]} == {Delivery.State.PENDING}
    assert set(Note.objects.filter(pk__in=[n.pk for n in notes[2:]])
               .values_list("attempts", flat=True)) == {0}  # fmt: skip
    smtp_server.start()
    assert send_deliveries(Note.objects.due(), build)["sent"] == 3
