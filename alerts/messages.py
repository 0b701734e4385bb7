"""The alert emails: a release, a day's digest, a correction note, a request to confirm.

Each is plain text and HTML (mailing.messages.rendered, templates/emails/alerts/), readable
without images and with no tracking pixel, with the site's name, the release's senators,
its date and time in Eastern and its highlights. Mail to the list carries RFC 8058's
one-click unsubscribe and a link to the manage page (mailing.messages.newsroom_message).
"""

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from alerts.models import CONFIRM_SALT, MANAGE_SALT, UNSUBSCRIBE_SALT, Subscription
from core.eastern import eastern
from mailing.messages import absolute, newsroom_message, rendered
from releases.seo import summary

LIST_ID = "alerts"
DIGEST_MOST_SHOWN = 50  # releases a digest lists; the rest are a link away


def links(subscription):
    """The subscriber's own links: manage, unsubscribe (one-click too), confirm."""
    return {
        "manage_url": absolute(
            reverse("alerts:manage", kwargs={"token": subscription.token(MANAGE_SALT)})
        ),
        "unsubscribe_url": absolute(
            reverse("alerts:unsubscribe", kwargs={"token": subscription.token(UNSUBSCRIBE_SALT)})
        ),
    }


def release_context(release):
    """What an email says of a release: read through ReleaseQuerySet.for_listing()."""
    senators = [issuer.senator for issuer in release.issuers]
    return {
        "title": release.title,
        "url": absolute(release.get_absolute_url()),
        "senators": [
            {"name": str(senator), "url": absolute(senator.get_absolute_url())}
            for senator in senators
        ],
        "senator_names": ", ".join(str(senator) for senator in senators),
        "when": eastern(release.published_at, "embargo"),
        "highlights": release.highlight_list,
        "summary": "" if release.highlight_list else summary(release),
        "dateline": release.dateline,
    }


# A subscriber's own parts of a list email (their links, the words of their filter) go into
# a body rendered once for everyone sent the same content: rendering the templates is most
# of the cost of building an email that is ours to lower. Random, so no text can hold one.
_SLOT = secrets.token_hex(8)
SLOTS = {name: f"x-alerts-{_SLOT}-{name}" for name in ("manage_url", "unsubscribe_url",
                                                       "following")}  # fmt: skip
MOST_KEPT = 2000  # distinct bodies one run keeps


class Bodies:
    """The list emails of one sending run: each distinct content rendered once, then each
    subscriber's parts put in (escaped for the HTML part)."""

    def __init__(self):
        self.kept = {}

    def message(self, subscription, template, context, key):
        daily = subscription.frequency == Subscription.Frequency.DAILY
        parts = self.kept.get((template, key, daily))
        if parts is None:
            if len(self.kept) >= MOST_KEPT:
                self.kept.clear()
            parts = rendered(template, {**context, **SLOTS, "daily": daily})
            self.kept[(template, key, daily)] = parts
        own = {**links(subscription), "following": subscription.consent_words}
        subject, text, html = parts
        for name, slot in SLOTS.items():
            subject = subject.replace(slot, own[name])
            text = text.replace(slot, own[name])
            html = html.replace(slot, escape(own[name]))
        return newsroom_message(
            to=subscription.email, subject=subject, text=text, html=html,
            unsubscribe_url=own["unsubscribe_url"], list_id=LIST_ID,
        )  # fmt: skip


def alert_message(subscription, release_facts, bodies=None):
    """A release, as it is published. `release_facts`: release_context(release)."""
    return (bodies or Bodies()).message(
        subscription, "emails/alerts/release", {"release": release_facts},
        key=release_facts["url"],
    )  # fmt: skip


def digest_message(subscription, releases_facts, day, bodies=None):
    shown = releases_facts[:DIGEST_MOST_SHOWN]
    return (bodies or Bodies()).message(
        subscription,
        "emails/alerts/digest",
        {"releases": shown, "more": len(releases_facts) - len(shown),
         "count": len(releases_facts), "day": day,
         "list_url": absolute(reverse("releases:list"))},
        key=(day, tuple(r["url"] for r in releases_facts)),
    )  # fmt: skip


def correction_message(subscription, release_facts, correction, bodies=None):
    return (bodies or Bodies()).message(
        subscription,
        "emails/alerts/correction",
        {"release": release_facts, "correction": correction.text,
         "noted": eastern(correction.noted_at, "embargo")},
        key=(release_facts["url"], correction.pk, correction.text),
    )  # fmt: skip


def confirmation_message(subscription, *, already):
    """The request to confirm, or, for an alert the address already has, a note saying so
    with the manage link. Not mail to the list: no unsubscribe header (nothing follows it
    unless they confirm)."""
    context = {
        "following": subscription.consent_words,
        "subscription": subscription,
        "already": already,
        "confirm_url": absolute(
            reverse("alerts:confirm", kwargs={"token": subscription.token(CONFIRM_SALT)})
        ),
        "manage_url": links(subscription)["manage_url"],
        "days": settings.ALERTS_CONFIRM_DAYS,
    }
    subject, text, html = rendered("emails/alerts/confirm", context)
    return newsroom_message(to=subscription.email, subject=subject, text=text, html=html)
