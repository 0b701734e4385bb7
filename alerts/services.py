"""What changes alerts: subscribers signing up, confirming, changing and stopping alerts, and
the newsroom announcing releases, corrections and digests (alerts/tasks.py runs those).

Each refusal is a ValidationError naming the field it is about, raised before anything is
stored (the cache counters of the flood limits aside).
"""

import hashlib
import ipaddress
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from alerts.models import (
    AlertDelivery,
    Announcement,
    DigestItem,
    DigestRun,
    Subscription,
    SubscriptionTerm,
)
from alerts.selectors import (
    digest_releases,
    live_count,
    matching_subscriptions,
    release_facts,
    release_words,
)
from core.eastern import EASTERN, eastern_date
from mailing.models import Delivery
from mailing.queueing import enqueue_with_commit
from releases.models import Release

# A digest is made a little after its hour, so that an announcement being written at the
# hour is either in it or in the next one, never in neither.
DIGEST_SETTLE = timedelta(seconds=30)
# The most a digest looks back (a subscriber's first, or after the worker was down for days).
DIGEST_MOST_DAYS = timedelta(days=7)
CONFIRMATION_WINDOW = timedelta(days=1)


def client_network(address):
    """The network a client address belongs to, coarsely: a /24 (IPv4) or /48 (IPv6). It is
    what the flood limit counts, and all the consent record keeps of where a request came
    from."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _within_limit(key, limit, seconds):
    """Count one more use of `key` (kept in the cache for `seconds` from its first use);
    False once the count passes `limit`."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def _address_key(email):
    return hashlib.sha256(email.encode()).hexdigest()[:32]  # no address in a cache key


def _flood_check(*, email, network):
    if network and not _within_limit(
        f"alerts:signups:network:{network}", settings.ALERTS_SIGNUPS_PER_CLIENT_HOUR, 3600
    ):
        raise ValidationError({"__all__": ValidationError(
            "Too many alert sign-ups have come from your network in the last hour. Nothing "
            "was saved; please try again later.", code="flood",
        )})  # fmt: skip
    if not _within_limit(
        f"alerts:signups:address:{_address_key(email)}",
        settings.ALERTS_SIGNUPS_PER_ADDRESS_DAY,
        24 * 3600,
    ):
        raise ValidationError({"email": ValidationError(
            "There have been too many sign-ups for this address today. Nothing was saved; "
            "please try again tomorrow.", code="flood",
        )})  # fmt: skip


def _confirmation_counted(subscription, now):
    """Count one more confirmation email for `subscription` in its day's window, or refuse."""
    start = subscription.confirmations_window_start
    if start is None or now - start >= CONFIRMATION_WINDOW:
        subscription.confirmations_window_start, subscription.confirmations_sent = now, 0
    if subscription.confirmations_sent >= settings.ALERTS_CONFIRMATIONS_PER_DAY:
        raise ValidationError({"email": ValidationError(
            f"We have already sent the email for this alert "
            f"{settings.ALERTS_CONFIRMATIONS_PER_DAY} times in the last day. Look for it in "
            "your inbox (and your spam folder), or try again tomorrow. Nothing was changed.",
            code="flood",
        )})  # fmt: skip
    subscription.confirmations_sent += 1


def normalized_email(email):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        message = "Enter a valid email address, like name@example.com."
        raise ValidationError({"email": message}) from None
    return email


@transaction.atomic
def subscription_request(*, email, reading, frequency, digest_hour, network=""):
    """Someone asks for an alert on `reading`'s filter (alerts.selectors.FilterReading).

    A new filter for the address makes a subscription waiting for its confirmation; asking
    again for one still waiting updates it (the last request is what they confirm) and
    sends the confirmation again; one already confirmed is left as it is and the address is
    told it already has it, with the manage link. Either way one email goes, queued, within
    the limits. Returns the subscription."""
    email = normalized_email(email)
    if reading.problems:
        raise ValidationError({"filter": reading.problems})
    if frequency not in Subscription.Frequency.values:
        raise ValidationError({"frequency": "Choose each release or a daily digest."})
    if not (isinstance(digest_hour, int) and 0 <= digest_hour <= 23):
        raise ValidationError({"digest_hour": "Choose an hour of the day for the digest."})
    key = reading.alert_filter.key()
    existing = (
        Subscription.objects.select_for_update().live().filter(email=email, filter_key=key).first()
    )
    if existing is None and live_count(email) >= settings.ALERTS_MAX_PER_ADDRESS:
        raise ValidationError(
            {"email": f"This address already has {settings.ALERTS_MAX_PER_ADDRESS} alerts, the "
             "most one address may have. Stop one first: every alert email has a link to the "
             "page that lists them. Nothing was saved."}
        )  # fmt: skip
    _flood_check(email=email, network=network)
    now = timezone.now()
    subscription = existing
    if subscription is None:
        subscription = Subscription(email=email, filter_key=key, q=reading.alert_filter.q)
    if not subscription.is_confirmed():
        subscription.frequency, subscription.digest_hour = frequency, digest_hour
        subscription.consent_asked_at, subscription.consent_words = now, reading.words
        subscription.consent_query = reading.given[:2000]
        subscription.consent_network = network
    _confirmation_counted(subscription, now)
    if subscription.pk is None:
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError:  # the same request, a moment earlier, from another process
            raise ValidationError(
                {"email": "This request is already being handled; check your inbox."}
            ) from None
        SubscriptionTerm.objects.bulk_create(
            SubscriptionTerm(subscription=subscription, parameter=parameter, value=value)
            for parameter, value in reading.alert_filter.terms
        )
    else:
        subscription.save()
    AlertDelivery.objects.create(subscription=subscription, kind=AlertDelivery.Kind.CONFIRMATION)
    from alerts.tasks import send_confirmation  # (tasks import these services)

    enqueue_with_commit(send_confirmation, subscription.pk)
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription, network=""):
    """The address confirms (double opt-in): from now on alerts go to it. Returns
    (subscription, whether this confirmed it: False if it already was)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_unsubscribed():
        raise ValidationError(
            "This alert was stopped before it was confirmed. Sign up again to follow it."
        )
    if subscription.is_confirmed():
        return subscription, False
    now = timezone.now()
    subscription.confirmed_at, subscription.confirmed_network = now, network
    subscription.digest_through = now  # a first digest holds what is announced from now on
    subscription.save(update_fields=["confirmed_at", "confirmed_network", "digest_through"])
    if subscription.frequency == Subscription.Frequency.DAILY:
        digest_schedule(hour=subscription.digest_hour)
    return subscription, True


@transaction.atomic
def subscription_change(*, subscription, frequency, digest_hour, wants_corrections):
    """The subscriber changes how an alert comes. Switching to the digest starts it from
    now, so nothing already sent as an alert comes again in a digest."""
    if frequency not in Subscription.Frequency.values:
        raise ValidationError({"frequency": "Choose each release or a daily digest."})
    if not (isinstance(digest_hour, int) and 0 <= digest_hour <= 23):
        raise ValidationError({"digest_hour": "Choose an hour of the day for the digest."})
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_unsubscribed():
        raise ValidationError("This alert has been stopped; sign up again to follow it.")
    daily = Subscription.Frequency.DAILY
    if frequency == daily and subscription.frequency != daily:
        subscription.digest_through = timezone.now()
    subscription.frequency, subscription.digest_hour = frequency, digest_hour
    subscription.wants_corrections = bool(wants_corrections)
    subscription.save(
        update_fields=["frequency", "digest_hour", "wants_corrections", "digest_through"]
    )
    if subscription.is_confirmed() and frequency == daily:
        digest_schedule(hour=digest_hour)
    return subscription


def subscription_unsubscribe(*, subscription, via):
    """Stop one alert at once. True if this stopped it (False: it already was)."""
    stopped = Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now(), unsubscribed_via=via
    )
    return bool(stopped)


def subscriptions_unsubscribe_all(*, email, via):
    """Stop every alert of an address at once; how many were stopped."""
    return (
        Subscription.objects.of_address(email)
        .live()
        .update(unsubscribed_at=timezone.now(), unsubscribed_via=via)
    )


# Announcing: what the tasks write.


def announcement_queue(*, release):
    """Queue the announcement of `release` at its publication time (now, if that has come):
    a scheduled release is announced at its embargo second, with no cron."""
    from alerts.tasks import announce_release  # (tasks import these services)

    at = release.published_at
    run_after = at if release.is_embargoed() else None
    enqueue_with_commit(announce_release, release.pk, at.isoformat(), run_after=run_after)


@transaction.atomic
def release_announce(*, release):
    """Announce a public release (read through selectors.release_for_matching): the
    announcement and one alert delivery per matching instant subscription, together or not
    at all. Returns how many deliveries were made (0 if it was already announced)."""
    announcement, created = Announcement.objects.get_or_create(
        release=release, defaults={"published_at": release.published_at}
    )
    if not created:
        return 0
    pool = Subscription.objects.active().instant()
    facts = release_facts([release])[release.pk]
    ids = matching_subscriptions(release, pool, facts=facts, words=release_words(release))
    made = AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(subscription_id=pk, kind=AlertDelivery.Kind.ALERT, release=release)
            for pk in sorted(ids)
        ],
        batch_size=1000,
        ignore_conflicts=True,  # the unique constraint: a release is announced to each once
    )
    return len(made)


@transaction.atomic
def correction_notes_make(*, correction):
    """A correction to an announced, still public release: a short note to each subscriber
    who was sent the release (as an alert or in a digest) and wants corrections. How many."""
    release = Release.objects.published().filter(pk=correction.release_id).first()
    if release is None or not Announcement.objects.filter(release=release).exists():
        return 0
    sent = AlertDelivery.objects.filter(state=Delivery.State.SENT).filter(
        Q(kind=AlertDelivery.Kind.ALERT, release=release)
        | Q(kind=AlertDelivery.Kind.DIGEST, digestitem__release=release)
    )
    subscribers = (
        Subscription.objects.active()
        .filter(wants_corrections=True, pk__in=sent.values("subscription_id"))
        .values_list("pk", flat=True)
    )
    made = AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(
                subscription_id=pk,
                kind=AlertDelivery.Kind.CORRECTION,
                release=release,
                correction=correction,
            )
            for pk in subscribers
        ],  # fmt: skip
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(made)


# Digests.


def digest_moment(day, hour):
    """`hour`:00 Eastern on `day`, as an instant (UTC): on the day clocks spring forward, the
    2:00 that does not exist is 3:00 EDT; on the day they fall back, 1:00 is the first one."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=EASTERN).astimezone(UTC)


def digest_schedule(*, hour, after=None):
    """Make sure the next digest at `hour` (Eastern) after `after` (now) is queued: one
    DigestRun per day and hour, however many subscribers or runs ask."""
    from alerts.tasks import send_digest  # (tasks import these services)

    after = after or timezone.now()
    day = eastern_date(after)
    if digest_moment(day, hour) <= after:
        day += timedelta(days=1)
    run, created = DigestRun.objects.get_or_create(day=day, hour=hour)
    if created:
        enqueue_with_commit(
            send_digest, day.isoformat(), hour, run_after=digest_moment(day, hour) + DIGEST_SETTLE
        )
    return run


@transaction.atomic
def digest_make(*, run):
    """Make the digests of `run`: for each confirmed daily subscriber at its hour who has had
    no digest that day, the public releases announced since their last digest that match
    their filter; none, no digest. Then queue tomorrow's run at that hour. Made once: the
    run is claimed in the same transaction. How many digests were made (None: already)."""
    now = timezone.now()
    if not DigestRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=now):
        return None
    at = digest_moment(run.day, run.hour)
    pool = Subscription.objects.active().daily_at(run.hour)
    had_one = AlertDelivery.objects.filter(
        subscription=OuterRef("pk"), kind=AlertDelivery.Kind.DIGEST, digest_day=run.day
    )
    floor = at - DIGEST_MOST_DAYS
    since = {
        pk: max(through or confirmed, confirmed, floor)
        for pk, through, confirmed in pool.filter(~Exists(had_one)).values_list(
            "pk", "digest_through", "confirmed_at"
        )
    }
    chosen = defaultdict(list)
    if since:
        releases = digest_releases(since=min(since.values()), until=at)
        facts = release_facts(releases)
        for release in releases:
            for pk in matching_subscriptions(
                release, pool, facts=facts[release.pk], words=release_words(release)
            ):
                if pk in since and release.announced_at > since[pk]:
                    chosen[pk].append(release.pk)
    deliveries = AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(
                subscription_id=pk,
                kind=AlertDelivery.Kind.DIGEST,
                digest_run=run,
                digest_day=run.day,
            )
            for pk in sorted(chosen)
        ],  # fmt: skip
        batch_size=1000,
    )
    DigestItem.objects.bulk_create(
        [
            DigestItem(delivery=delivery, release_id=release_id)
            for delivery in deliveries
            for release_id in chosen[delivery.subscription_id]
        ],
        batch_size=2000,
    )
    ids = list(since)
    for start in range(0, len(ids), 1000):
        Subscription.objects.filter(pk__in=ids[start : start + 1000]).update(digest_through=at)
    run.digests = len(deliveries)
    run.started_at = now
    run.save(update_fields=["digests", "started_at"])
    if pool.exists():
        digest_schedule(hour=run.hour, after=max(now, at))
    return len(deliveries)
