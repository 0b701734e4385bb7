"""The press emails: a release under embargo, "now public", a correction note.

Each is built when it is sent (mailing/sending.py calls `build` for each delivery it has
claimed), so that what it says, and whether it goes at all, is decided then: a release
taken back to draft, or one whose embargo has already lifted, is not sent under embargo; a
contact who unsubscribed meanwhile gets nothing. Every email is plain text and HTML
(mailing/messages.py: headers, one-click unsubscribe), with no image and nothing fetched
from anywhere: the only record of reading is the reporter's own preview link, opened.
"""

import re

from core.eastern import eastern
from distribution.models import PressDelivery
from mailing.messages import absolute, newsroom_message, rendered
from releases.models import Release

TEMPLATES = {
    PressDelivery.Kind.EMBARGOED: "emails/press/embargoed",
    PressDelivery.Kind.NOW_PUBLIC: "emails/press/now_public",
    PressDelivery.Kind.CORRECTION: "emails/press/correction",
}
IMAGE = re.compile(r"<img\b[^>]*>", re.I)
ALT = re.compile(r'\balt="([^"]*)"', re.I)
SITE_LINK = re.compile(r'(\b(?:href|src)=")(/[^/"][^"]*|/)"')


def deliveries_to_build(queryset):
    """What `build` reads of each delivery, fetched with the batch (mailing's drain keeps
    this queryset's joins)."""
    return queryset.select_related(
        "contact__office", "preview_link", "correction", "distribution__sent_by"
    )


def email_body_html(release):
    """The release's body for an email: links made absolute, and images (which a mail
    program would fetch from us, as a tracking pixel would) replaced by their alt text."""

    def image(match):
        alt = ALT.search(match[0])
        return f"[Image: {alt[1]}]" if alt and alt[1] else ""

    def site_link(html):
        return SITE_LINK.sub(lambda m: f'{m[1]}{absolute(m[2])}"', html)

    return (
        site_link(IMAGE.sub(image, release.body_lead_html)),
        site_link(IMAGE.sub(image, release.body_rest_html)),
    )


def body_text(release):
    """The body's Markdown, the plain-text part's version: (first paragraph, the rest)."""
    lead, _, rest = release.body.replace("\r\n", "\n").strip().partition("\n\n")
    return lead, rest.strip()


def senators_line(release):
    """ "Amy Klobuchar (D-MN), Heidi Heitkamp (D-ND)": who issues it, lead first."""
    return ", ".join(str(issuer.senator) for issuer in release.issuers)


def office_contact(delivery):
    """Who to ask about the release: the press secretary who sent it."""
    user = delivery.distribution.sent_by
    if user is None:
        return None
    return {"name": user.get_full_name() or user.get_username(), "email": user.email}


def skip_reason(delivery, release):
    """Why this email is not to be sent now, or "" (the rules at the moment of sending)."""
    contact = delivery.contact
    if contact.is_unsubscribed():
        return f"Not sent: {contact.name} unsubscribed on {eastern(contact.unsubscribed_at)}."
    if delivery.kind == PressDelivery.Kind.EMBARGOED:
        if not Release.objects.scheduled().filter(pk=release.pk).exists():
            if Release.objects.published().filter(pk=release.pk).exists():
                return (
                    "Not sent: the embargo had lifted before it could go (the release is public)."
                )
            return "Not sent: the release was no longer scheduled (taken back to draft)."
        if delivery.preview_link is None or not delivery.preview_link.is_active():
            return "Not sent: their preview link was revoked before the email went out."
    public = Release.objects.published().filter(pk=release.pk)
    if delivery.kind == PressDelivery.Kind.NOW_PUBLIC and not public.exists():
        return "Not sent: the release is not public."
    return ""


class Builder:
    """`build(delivery)` for mailing.sending.drain: each delivery's email, or why not. The
    release is read once per run, with all a page of it shows."""

    def __init__(self):
        self.releases = {}

    def release(self, release_id):
        if release_id not in self.releases:
            self.releases[release_id] = Release.objects.for_display().get(pk=release_id)
        return self.releases[release_id]

    def __call__(self, delivery):
        release = self.release(delivery.release_id)
        if reason := skip_reason(delivery, release):
            return reason
        subject, text, html = rendered(TEMPLATES[delivery.kind], self.context(delivery, release))
        contact = delivery.contact
        headers = {}
        if (office := office_contact(delivery)) and office["email"]:
            headers["Reply-To"] = office["email"]
        return newsroom_message(
            to=delivery.to, subject=subject, text=text, html=html,
            unsubscribe_url=absolute(contact.unsubscribe_path()),
            list_id=f"press-{contact.office.slug}", headers=headers,
        )  # fmt: skip

    def own_link(self, delivery, release):
        """For a correction to a release still under embargo: the contact's own link."""
        if delivery.kind != PressDelivery.Kind.CORRECTION or not release.is_embargoed():
            return None
        embargoed = (
            PressDelivery.objects.filter(
                release=release, contact=delivery.contact_id, kind=PressDelivery.Kind.EMBARGOED
            )
            .select_related("preview_link")
            .first()
        )
        return embargoed.preview_link if embargoed else None

    def context(self, delivery, release):
        lead_html, rest_html = email_body_html(release)
        lead_text, rest_text = body_text(release)
        embargo = eastern(release.published_at, "embargo")
        link = delivery.preview_link or self.own_link(delivery, release)
        return {
            "delivery": delivery,
            "contact": delivery.contact,
            "office": delivery.contact.office,
            "release": release,
            "senators": senators_line(release),
            "embargo": embargo,
            "embargo_line": f"EMBARGOED until {embargo}",
            "still_embargoed": release.is_embargoed(),
            "preview_url": absolute(link.get_absolute_url()) if link else "",
            "link_expires": eastern(link.expires_at, "embargo") if link else "",
            "public_url": absolute(release.get_absolute_url()),
            "body_lead_html": lead_html,
            "body_rest_html": rest_html,
            "body_lead_text": lead_text,
            "body_rest_text": rest_text,
            "quotes": list(release.quotes.all()),
            "office_contact": office_contact(delivery),
            "correction": delivery.correction,
            "correction_time": eastern(delivery.correction.noted_at, "embargo")
            if delivery.correction
            else "",
            "unsubscribe_url": absolute(delivery.contact.unsubscribe_path()),
        }
