"""The press lists' background work (Django's tasks framework; `manage.py db_worker` runs it).

- `send_press_mail(distribution_id)`: sends the distribution's emails that are due, as
  mailing/sending.py `send_due` does for every batch: each claimed once (two workers never
  send one twice), a watchdog set before it starts (if its worker dies mid-batch, that run
  takes up what is left), a come-back for retries, a server that was down and claims a dead
  worker left; one chain of runs per distribution, queued with the transaction that made
  the work (`press_mail_wake`).
- `send_now_public(distribution_id, expected)`: at the embargo second, the "now public"
  follow-up, if the release is public then and its time is still the one planned.

What each email says, and whether it still goes, is decided as it is sent
(distribution/messages.py): a release taken back to draft, or whose embargo lifted before
its mail could go, is not sent under embargo.
"""

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from distribution.messages import Builder, deliveries_to_build
from distribution.models import Distribution, PressDelivery
from mailing.queueing import enqueue_with_commit
from mailing.sending import run_again, run_started, send_due


def _key(distribution_id):
    return f"press:{distribution_id}"


def press_mail_wake(distribution_id, at):
    """Have `send_press_mail` run for the distribution at `at`, unless a run is already
    due by then (one chain of runs per distribution: mailing/sending.py)."""
    return run_again(send_press_mail, [distribution_id], _key(distribution_id), at)


@task
def send_press_mail(distribution_id):
    key = _key(distribution_id)
    run_started(key)
    deliveries = PressDelivery.objects.filter(distribution_id=distribution_id)
    if not deliveries.unfinished().exists():
        return {"done": True}
    return send_due(send_press_mail, [distribution_id], key, deliveries_to_build(deliveries),
                    Builder())  # fmt: skip


def now_public_enqueue(distribution_id, at):
    enqueue_with_commit(send_now_public, distribution_id, at.isoformat(), run_after=at)


@task
def send_now_public(distribution_id, expected):
    """The "now public" follow-up of a distribution, at the publication time `expected`
    (ISO 8601) it was planned for."""
    from distribution import services  # (services enqueue these tasks)

    distribution = Distribution.objects.select_related("release").filter(pk=distribution_id)
    distribution = distribution.first()
    if distribution is None or distribution.followed_up_at is not None:
        return "done"
    release = distribution.release
    if release.published_at != datetime.fromisoformat(expected):
        return "moved"  # planned again for its new time when it moved (distribution/signals.py)
    if not release.is_public():
        # Taken back to draft at its time: when it is scheduled again, its save plans this.
        Distribution.objects.filter(pk=distribution.pk).update(follow_up_for=None)
        return "not public"
    made = services.now_public_make(distribution=distribution)
    press_mail_wake(distribution.pk, timezone.now())
    return f"{made} to send"
