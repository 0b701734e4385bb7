"""Reads that carry the press lists' rules: whose contacts staff see, who may send what to
whom, and what a send would do.

- Offices: staff keep and see the contacts and lists of the senators' offices they work in
  (people.models.OfficeMembership); newsroom admins, who see every office's releases, see
  every office's lists (releases/selectors.py `sees_all_offices`).
- Sending: a press secretary (who may publish, `releases.publish_release`, and send,
  `distribution.send_distribution`) sends a scheduled release of their office to their
  office's lists, before its embargo (`send_refusal` says why not).
- What a send does (`distribution_plan`): each contact on the chosen lists once; the
  unsubscribed are skipped; those already sent this release are not sent it again.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from core.eastern import eastern
from distribution.models import Distribution, PressContact, PressDelivery, PressList
from people.models import Senator
from releases.admin.previews import MAX_LIFETIME
from releases.models import PreviewLinkOpen
from releases.selectors import office_senators, releases_for, sees_all_offices, signoffs_holding

# A contact whose embargoed email is in one of these states has it, or will: a new send
# passes them by. One that failed or was not sent (the release was pulled) gets it again.
UNDER_WAY = [
    PressDelivery.State.PENDING,
    PressDelivery.State.SENDING,
    PressDelivery.State.RETRY,
    PressDelivery.State.SENT,
]
# How long a reporter's link works after the embargo lifts: it then leads to the public page.
LINK_AFTER_EMBARGO_DAYS = 7


# Offices.


def offices_for(user):
    """The senators whose offices' contacts and lists `user` keeps (every one for newsroom
    admins)."""
    if sees_all_offices(user):
        return Senator.objects.order_by("last_name", "first_name")
    return office_senators(user)


def contacts_for(user, queryset=None):
    queryset = PressContact.objects.all() if queryset is None else queryset
    if not (user.is_active and user.is_staff):
        return queryset.none()
    if sees_all_offices(user):
        return queryset
    return queryset.filter(office__office_memberships__user=user)


def lists_for(user, queryset=None):
    queryset = PressList.objects.all() if queryset is None else queryset
    if not (user.is_active and user.is_staff):
        return queryset.none()
    if sees_all_offices(user):
        return queryset
    return queryset.filter(office__office_memberships__user=user)


# Sending.


def may_send(user):
    """Whether `user` sends releases to press lists at all: a press secretary."""
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("releases.publish_release")
        and user.has_perm("distribution.send_distribution")
    )


def sending_offices(user, release):
    """The senators whose offices' lists `user` may send `release` to: its issuing senators
    that are of `user`'s offices (all of them, for a newsroom admin). Empty when `user` may
    not send it at all."""
    if not may_send(user) or not releases_for(user).filter(pk=release.pk).exists():
        return Senator.objects.none()
    issuing = Senator.objects.filter(releasesenator__release=release)
    if not sees_all_offices(user):
        issuing = issuing.filter(office_memberships__user=user)
    return issuing.distinct().order_by("last_name", "first_name")


def send_refusal(release, *, by):
    """Why `release` cannot go to press lists now, in words for the press secretary, or ""
    when it can: only a scheduled release, before its embargo, that nothing holds back."""
    if release.is_draft():
        return (
            f"“{release}” is a draft. Schedule it first (status Published, with a future "
            "publication time), then send it to the press before its embargo."
        )
    if release.is_public():
        return (
            f"“{release}” is already public: there is no embargo to send it under. Share "
            "its public address instead."
        )
    if holds := signoffs_holding(release, by=by):
        return "It can't go to the press yet. " + " ".join(hold.message for hold in holds)
    # How far off the embargo is (a length of time, not whether the release is public).
    time_left = release.published_at - timezone.now()
    if time_left > MAX_LIFETIME:
        return (
            f"The embargo ({eastern(release.published_at, 'embargo')}) is more than "
            f"{MAX_LIFETIME.days} days away, and preview links last at most that long: send "
            "it closer to the embargo."
        )
    return ""


def link_expiry(release, now=None):
    """When a reporter's preview link ends: a week after the embargo (it leads to the
    public page meanwhile), within the 30 days any preview link may last."""
    now = now or timezone.now()
    after = release.published_at + timedelta(days=LINK_AFTER_EMBARGO_DAYS)
    return min(after, now + MAX_LIFETIME).replace(microsecond=0)


@dataclass
class Plan:
    """What sending a release to some lists does, contact by contact."""

    to_send: list = field(default_factory=list)  # get it now
    again: set = field(default_factory=set)  # ids among them sent before, but it failed
    unsubscribed: list = field(default_factory=list)  # skipped
    already: list = field(default_factory=list)  # sent it before (or on its way)

    def __bool__(self):
        return bool(self.to_send)


def list_contacts(lists):
    """The contacts on `lists`, each once, by name: only each list's own office's."""
    return (
        PressContact.objects.filter(lists__in=lists, office=F("lists__office"))
        .select_related("office")
        .distinct()
        .order_by("name", "pk")
    )


def embargoed_deliveries(release, contacts=None):
    """The release's embargoed emails, by contact id."""
    rows = PressDelivery.objects.filter(release=release, kind=PressDelivery.Kind.EMBARGOED)
    if contacts is not None:
        rows = rows.filter(contact__in=contacts)
    return {row.contact_id: row for row in rows}


def distribution_plan(release, lists):
    """Who sending `release` to `lists` reaches, who is skipped and why."""
    plan = Plan()
    contacts = list(list_contacts(lists))
    existing = embargoed_deliveries(release, [c.pk for c in contacts])
    for contact in contacts:
        earlier = existing.get(contact.pk)
        if contact.is_unsubscribed():
            plan.unsubscribed.append(contact)
        elif earlier is not None and earlier.state in UNDER_WAY:
            plan.already.append(contact)
        else:
            plan.to_send.append(contact)
            if earlier is not None:
                plan.again.add(contact.pk)
    return plan


def sendable_lists(user, release):
    """The lists `user` may send `release` to, each with its contacts (by name) and how
    many of them are unsubscribed or already have the release; a fixed number of queries."""
    lists = list(
        lists_for(user)
        .filter(office__in=sending_offices(user, release))
        .select_related("office")
        .prefetch_related(
            Prefetch("contacts", queryset=PressContact.objects.order_by("name", "pk"))
        )
        .order_by("office__last_name", "name")
    )
    existing = embargoed_deliveries(release)
    for press_list in lists:
        own = [c for c in press_list.contacts.all() if c.office_id == press_list.office_id]
        press_list.members = own
        press_list.unsubscribed_members = [c for c in own if c.is_unsubscribed()]
        press_list.already_sent = sum(
            1
            for c in own
            if not c.is_unsubscribed() and c.pk in existing and existing[c.pk].state in UNDER_WAY
        )
    return lists


# The release's page.


@dataclass
class Recipient:
    """A contact a release was sent to, with each email of it and the openings of their link."""

    contact: PressContact
    embargoed: PressDelivery | None = None
    follow_ups: list = field(default_factory=list)  # now public, corrections

    @property
    def link(self):
        return self.embargoed.preview_link if self.embargoed else None

    @property
    def opens(self):
        return list(self.link.opens.all()) if self.link else []


def release_recipients(release):
    """Everyone `release` was sent to, by name, with their emails and openings (a fixed
    number of queries, however many recipients)."""
    deliveries = (
        PressDelivery.objects.filter(release=release)
        .select_related("contact", "preview_link", "correction")
        .prefetch_related(
            Prefetch(
                "preview_link__opens",
                queryset=PreviewLinkOpen.objects.order_by("-opened_at", "-id"),
            )
        )
        .order_by("pk")
    )
    recipients = {}
    for delivery in deliveries:
        row = recipients.setdefault(delivery.contact_id, Recipient(contact=delivery.contact))
        if delivery.kind == PressDelivery.Kind.EMBARGOED:
            row.embargoed = delivery
        else:
            row.follow_ups.append(delivery)
    return sorted(recipients.values(), key=lambda row: (row.contact.name.lower(), row.contact.pk))


def release_distributions(release):
    """The sends of `release`, newest first, with their lists and counts by state."""
    return list(
        Distribution.objects.filter(release=release)
        .select_related("sent_by")
        .prefetch_related(Prefetch("lists", queryset=PressList.objects.order_by("name")))
        .annotate(
            emails=Count("deliveries", filter=Q(deliveries__kind=PressDelivery.Kind.EMBARGOED)),
        )
    )
