"""Sending deliveries over SMTP: one connection for a batch, each delivery once.

The mail server's answer decides what happens to a delivery: accepted, it is sent; refused
for good (a 5xx: no such mailbox), it has failed, with the server's words for staff; refused
for now (a 4xx, a dropped connection, a server that does not answer), it is tried again
later (mailing/models.py RETRY_DELAYS). A server that cannot be reached at all stops the
batch: nothing is claimed, and the caller tries the batch again later.

A sending task (alerts, press lists) names its batch with a key ("alert:42", "press:7") and
runs `send_due()`: it notes that its run has started (`run_started`), sets a watchdog (the
same task again at `watchdog_time()`: if its worker dies mid-batch, that run takes up what
is left; at most one email, the one being sent at the moment of death, goes twice), drains
what is due, and comes back when what is left is due (a retry, a claim a dead worker left,
a minute when the mail server was down). `SendingJob` keeps each batch to one come-back and
one watchdog, however many runs there are; runs that find nothing left end at once.
"""

import contextlib
import logging
import smtplib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import mailers
from django.db.models import Q
from django.utils import timezone

from mailing.models import CLAIM_TIMEOUT, SendingJob
from mailing.queueing import enqueue_with_commit

logger = logging.getLogger("mailing")


@dataclass
class BatchResult:
    counts: Counter = field(default_factory=Counter)  # sent, failed, retry, skipped, taken
    server_down: str = ""  # why the batch stopped early, if it did
    come_back: datetime | None = None  # when what is left is due (drain)

    def __getitem__(self, outcome):
        return self.counts[outcome]


# What the server says of one message (the connection is fine): the batch goes on.
MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException)


def _permanent(code):
    return code is not None and 500 <= code < 600


def _text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _refusal(error):
    """(permanent?, words) for an exception smtplib raised while sending one message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        words = "; ".join(
            f"{address}: {code} {_text(reply)}"
            for address, (code, reply) in error.recipients.items()
        )
        return all(_permanent(code) for code in codes), f"Refused by the mail server: {words}"
    if isinstance(error, smtplib.SMTPResponseException):
        return (
            _permanent(error.smtp_code),
            f"The mail server said {error.smtp_code} {_text(error.smtp_error)}",
        )
    return False, f"The mail server could not be reached: {error}"


def send_deliveries(deliveries, build, *, connection=None):
    """Send each delivery of `deliveries` that this worker can claim, over one connection.

    `build(delivery)` returns its EmailMessage (its Message-ID header set), or a string
    saying why it is not to be sent (an unsubscribed address), which skips it.
    """
    result = BatchResult()
    connection = connection or mailers.default
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        result.server_down = f"The mail server could not be reached: {error}"
        logger.warning("Mail server down; batch postponed: %s", error)
        return result
    deliveries = list(deliveries)
    groups = [deliveries[i : i + CLAIM_GROUP] for i in range(0, len(deliveries), CLAIM_GROUP)]
    try:
        for group in groups:
            mine = type(group[0]).claim_group(group)
            result.counts["taken"] += len(group) - len(mine)  # another worker's, or done
            if not _send_group(mine, build, connection, result):
                break
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()  # (a connection the server dropped may not close cleanly)
    return result


def _send_group(claimed, build, connection, result):
    """Send the deliveries this worker claimed; False when the connection went (those not
    tried yet are given back, to be sent when the server is back)."""
    for index, delivery in enumerate(claimed):
        message = build(delivery)
        if isinstance(message, str):
            delivery.mark_skipped(message)
            result.counts["skipped"] += 1
            continue
        try:
            connection.send_messages([message])
        except (OSError, smtplib.SMTPException) as error:
            permanent, words = _refusal(error)
            if permanent:
                delivery.mark_failed(words)
                result.counts["failed"] += 1
                continue
            delivery.mark_to_retry(words)
            result.counts["retry"] += 1
            if not isinstance(error, MESSAGE_REFUSALS):
                # The connection itself went: the rest of the batch waits too.
                result.server_down = words
                type(delivery).unclaim(claimed[index + 1 :])
                return False
            continue
        delivery.mark_sent(message.extra_headers.get("Message-ID", ""))
        result.counts["sent"] += 1
    return True


BATCH = 100  # deliveries sent over one connection at a time
# Deliveries claimed in one UPDATE. If the worker dies, up to this many wait CLAIM_TIMEOUT
# before another worker sends them (the one being sent may go twice, as with any claim).
CLAIM_GROUP = 10
SERVER_DOWN_WAIT = timedelta(minutes=1)
# How long after a sending task starts its watchdog runs: the same task again, which finds
# nothing to do unless the worker died meanwhile (its claims have then expired: taken again).
WATCHDOG = CLAIM_TIMEOUT + timedelta(minutes=1)


def drain(deliveries, build):
    """Send every due delivery of `deliveries` (a queryset), BATCH at a time over one
    connection each, and say when to come back (`.come_back`: the next retry, or a minute
    when the server was down; None when nothing is left to send)."""
    total = BatchResult()
    while True:
        batch = list(deliveries.due().order_by("pk")[:BATCH])
        if not batch:
            break
        result = send_deliveries(batch, build)
        total.counts.update(result.counts)
        if result.server_down:
            total.server_down = result.server_down
            total.come_back = timezone.now() + SERVER_DOWN_WAIT
            return total
        if result["taken"] == len(batch):
            break  # another worker is on these: it sees them through
    total.come_back = deliveries.next_retry_at()
    return total


def watchdog_time():
    return timezone.now() + WATCHDOG


# Runs of a sending task (the module's docstring).

# A come-back or watchdog mark this far past its time belongs to a run that was lost (its
# queue emptied, say): another may be set.
STALE = WATCHDOG


def _mark(key, field, at, *, earlier_wins):
    SendingJob.objects.get_or_create(key=key)
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": timezone.now() - STALE})
    if earlier_wins:
        free |= Q(**{f"{field}__gt": at})
    return bool(SendingJob.objects.filter(key=key).filter(free).update(**{field: at}))


def run_again(task, args, key, at):
    """Run `task(*args)` for the batch `key` at `at`, unless a run is already due by then.
    Queued with the current transaction (mailing/queueing.py)."""
    if _mark(key, "next_run_at", at, earlier_wins=True):
        enqueue_with_commit(task, *args, run_after=at)
        return True
    return False


def run_watched(task, args, key):
    """The watchdog: `task(*args)` again WATCHDOG from now, unless one is already set."""
    at = watchdog_time()
    if _mark(key, "watch_at", at, earlier_wins=False):
        enqueue_with_commit(task, *args, run_after=at)


def run_started(key):
    """A run of the batch `key` has begun: the marks it was queued under are used up."""
    now = timezone.now()
    SendingJob.objects.filter(key=key, next_run_at__lte=now).update(next_run_at=None)
    SendingJob.objects.filter(key=key, watch_at__lte=now).update(watch_at=None)


def send_due(task, args, key, deliveries, build):
    """Send what is due of `deliveries` under a watchdog, and come back for the rest."""
    if not deliveries.due().exists():
        if at := deliveries.next_due_at():
            run_again(task, args, key, at)
        return {"sent": 0}
    run_watched(task, args, key)
    result = drain(deliveries, build)
    at = deliveries.next_due_at()
    if result.server_down:
        logger.warning("%s: the mail server is down, back in a minute: %s", key,
                       result.server_down)  # fmt: skip
        at = min(at, result.come_back) if at else result.come_back
    if at:
        run_again(task, args, key, at)
    return dict(result.counts)
