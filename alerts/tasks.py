"""The background work of alerts, on Django's tasks framework (database queue or RQ).

- `announce_release(release_id, published_at)`: queued when a release is saved public or
  scheduled (alerts/signals.py), to run at its publication time. At run time it checks the
  release is public (a draft, an unpublished release or one rescheduled later: nothing,
  the save that moved it queued a run for its new time), announces it once (the
  announcement and its deliveries, services.release_announce, under unique constraints)
  and sends them.
- `send_correction(correction_id)`, `send_digest(day, hour)`, `send_confirmation(id)`: the
  same for a correction note, a day's digest at an hour, a request to confirm.

Every sending run follows mailing/sending.py `send_due`: a watchdog set before it starts,
so that a worker that dies mid-batch is taken over; what is due drained; a come-back when
what is left is due; one come-back and one watchdog per batch (`SendingJob`), however many
runs there are.
"""

import time
from datetime import date

from django.tasks import task

from alerts.messages import (
    Bodies,
    alert_message,
    confirmation_message,
    correction_message,
    digest_message,
    release_context,
)
from alerts.models import AlertDelivery, Announcement, DigestItem, DigestRun
from alerts.selectors import release_for_matching
from alerts.services import correction_notes_make, digest_make, release_announce
from mailing.models import Delivery
from mailing.sending import run_started, run_watched, send_due
from releases.models import Correction, Release

# How often a batch asks again whether its release is still public (a release pulled while
# its alerts go out stops them within this many seconds).
RECHECK_SECONDS = 2.0


def _skip_unfinished(deliveries, reason):
    """Deliveries that can no longer go (their release was pulled): not sent, and said why."""
    unfinished = deliveries.filter(state__in=[Delivery.State.PENDING, Delivery.State.RETRY])
    return unfinished.update(state=Delivery.State.SKIPPED, last_error=reason)


PULLED = "The release was taken off the site before this went out."


class _StillPublic:
    """Whether a release is still public, asked again every RECHECK_SECONDS."""

    def __init__(self, release_id):
        self.release_id, self.asked, self.answer = release_id, 0.0, True

    def __call__(self):
        if time.monotonic() - self.asked > RECHECK_SECONDS:
            self.answer = Release.objects.published().filter(pk=self.release_id).exists()
            self.asked = time.monotonic()
        return self.answer


def _alert_builder(release):
    facts, public, bodies = release_context(release), _StillPublic(release.pk), Bodies()

    def build(delivery):
        subscription = delivery.subscription
        if not subscription.is_active():
            return "Unsubscribed before this alert went out."
        if not public():
            return PULLED
        return alert_message(subscription, facts, bodies)

    return build


@task
def announce_release(release_id, published_at):
    """Announce a release at its publication time, and send its alerts."""
    args, key = [release_id, published_at], f"alert:{release_id}"
    run_started(key)
    deliveries = AlertDelivery.objects.filter(
        kind=AlertDelivery.Kind.ALERT, release_id=release_id
    ).select_related("subscription")
    release = release_for_matching(release_id)
    announced = Announcement.objects.filter(release_id=release_id).exists()
    if release is None:  # a draft, not yet public, unpublished or deleted: nothing goes
        skipped = _skip_unfinished(deliveries, PULLED) if announced else 0
        return {"announced": announced, "skipped": skipped, "why": "not public"}
    if not announced:
        # Public now, whatever time it was queued for: a run queued for an earlier embargo
        # found it not yet public and did nothing; one for a time moved later, or backdated,
        # announces it once it is public (the time it was queued for is in `args`, for logs).
        run_watched(announce_release, args, key)  # before anything is written
        release_announce(release=release)
    return send_due(announce_release, args, key, deliveries, _alert_builder(release))


@task
def send_correction(correction_id):
    """A correction's note to the subscribers who were sent its release and want them."""
    args, key = [correction_id], f"correction:{correction_id}"
    correction = Correction.objects.filter(pk=correction_id).first()
    if correction is None:
        return {"why": "no such correction"}
    run_started(key)
    deliveries = AlertDelivery.objects.filter(
        kind=AlertDelivery.Kind.CORRECTION, correction_id=correction_id
    ).select_related("subscription")
    release = Release.objects.published().for_listing().filter(pk=correction.release_id).first()
    if release is None:
        return {"skipped": _skip_unfinished(deliveries, PULLED), "why": "not public"}
    if not deliveries.exists():
        run_watched(send_correction, args, key)
        correction_notes_make(correction=correction)
    facts, public, bodies = release_context(release), _StillPublic(release.pk), Bodies()

    def build(delivery):
        subscription = delivery.subscription
        if not subscription.is_active():
            return "Unsubscribed before this note went out."
        if not subscription.wants_corrections:
            return "Chose not to be sent corrections before this note went out."
        if not public():
            return PULLED
        return correction_message(subscription, facts, correction, bodies)

    return send_due(send_correction, args, key, deliveries, build)


def _digest_builder(run):
    loaded, bodies = {}, Bodies()

    def load():
        items = {}
        pairs = DigestItem.objects.filter(delivery__digest_run=run).order_by("pk")
        for delivery_id, release_id in pairs.values_list("delivery_id", "release_id"):
            items.setdefault(delivery_id, []).append(release_id)
        wanted = {r for ids in items.values() for r in ids}
        releases = Release.objects.published().for_listing().filter(pk__in=wanted)
        loaded["items"] = items
        loaded["facts"] = {release.pk: release_context(release) for release in releases}

    def build(delivery):
        if not loaded:
            load()
        subscription = delivery.subscription
        if not subscription.is_active():
            return "Unsubscribed before this digest went out."
        facts = loaded["facts"]
        shown = [facts[r] for r in loaded["items"].get(delivery.pk, []) if r in facts]
        if not shown:
            return "Every release in it was taken off the site before it went out."
        return digest_message(subscription, shown, run.day, bodies)

    return build


@task
def send_digest(day, hour):
    """The digests of one day at one hour (Eastern): made once, then sent."""
    run = DigestRun.objects.filter(day=date.fromisoformat(day), hour=hour).first()
    if run is None:
        return {"why": "no such run"}
    args, key = [day, hour], f"digest:{run.pk}"
    run_started(key)
    if run.started_at is None:
        run_watched(send_digest, args, key)
        digest_make(run=run)
    deliveries = run.deliveries.select_related("subscription")
    return send_due(send_digest, args, key, deliveries, _digest_builder(run))


@task
def send_confirmation(subscription_id):
    """The email asking an address to confirm (or saying it already has the alert)."""
    args, key = [subscription_id], f"confirm:{subscription_id}"
    run_started(key)
    deliveries = AlertDelivery.objects.filter(
        kind=AlertDelivery.Kind.CONFIRMATION, subscription_id=subscription_id
    ).select_related("subscription")

    def build(delivery):
        subscription = delivery.subscription
        if subscription.is_unsubscribed():
            return "Stopped before the confirmation went out."
        confirmed = subscription.confirmed_at
        if confirmed is not None and confirmed >= delivery.created_at:
            return "Confirmed before this email went out."
        return confirmation_message(subscription, already=confirmed is not None)

    return send_due(send_confirmation, args, key, deliveries, build)
