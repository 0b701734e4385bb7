"""Sending a release to press lists, and what became of it, in the admin.

- "Send to press lists", a button on a scheduled release's page for a press secretary of
  an office issuing it: pick the office's lists and the follow-ups, review who gets it (and
  who is skipped, and why), send. distribution/services.py `distribution_create` does it.
- The release's page then shows, per recipient, when their email went, each time their
  personal link was opened (Eastern time, and the kind of program), and a button that ends
  their link alone (`PressSection`, added to ReleaseAdmin.page_parts: releases knows
  nothing of press lists).
- *Press lists → Sends*: every send, read-only.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.eastern import eastern
from distribution.forms import SendForm
from distribution.models import Distribution, PressDelivery
from distribution.selectors import (
    distribution_plan,
    link_expiry,
    may_send,
    offices_for,
    release_distributions,
    release_recipients,
    send_refusal,
    sendable_lists,
    sending_offices,
)
from distribution.services import distribution_create, press_link_revoke
from releases.admin.previews import PreviewLinkInline, opens_summary
from releases.admin.releases import ReleaseAdmin
from releases.models import PreviewLinkOpen, Release
from releases.selectors import releases_for


def _release_url(release):
    return reverse("admin:releases_release_change", args=[release.pk]) + "#press"


def delivery_state(delivery):
    """What became of one email, in words for staff."""
    match delivery.state:
        case PressDelivery.State.SENT:
            return f"Sent {eastern(delivery.sent_at)}"
        case PressDelivery.State.RETRY:
            return (
                f"Not sent yet, trying again {eastern(delivery.next_attempt_at)}. "
                f"{delivery.last_error}"
            )
        case PressDelivery.State.FAILED:
            return f"Failed: {delivery.last_error}"
        case PressDelivery.State.SKIPPED:
            return delivery.last_error or "Not sent"
    return delivery.get_state_display()


def link_state(link):
    if link is None:
        return "No link"
    if link.revoked_at is not None:
        return f"Revoked {eastern(link.revoked_at)}"
    if not link.is_active():
        return f"Expired {eastern(link.expires_at)}"
    return f"Works until {eastern(link.expires_at)}"


class PressSection:
    """The release page's part: the "Send to press lists" button and the sent section."""

    def tools(self, request, release):
        if not release.is_embargoed() or not sending_offices(request.user, release).exists():
            return []
        return [("Send to press lists", reverse("admin:distribution_send", args=[release.pk]))]

    def section(self, request, release):
        if not request.user.has_perm("distribution.view_distribution"):
            return None
        distributions = release_distributions(release)
        if not distributions:
            return None
        offices = {senator.pk for senator in offices_for(request.user)}
        may_revoke = may_send(request.user)
        rows, counts = [], {"sent": 0, "waiting": 0, "failed": 0, "skipped": 0, "opened": 0}
        for recipient in release_recipients(release):
            embargoed, link = recipient.embargoed, recipient.link
            opens = recipient.opens
            readers = [o for o in opens if o.outcome != PreviewLinkOpen.Outcome.ENDED]
            counts["opened"] += bool(readers)
            if embargoed is not None:
                key = {
                    PressDelivery.State.SENT: "sent",
                    PressDelivery.State.FAILED: "failed",
                    PressDelivery.State.SKIPPED: "skipped",
                }.get(embargoed.state, "waiting")
                counts[key] += 1
            rows.append(
                {
                    "contact": recipient.contact,
                    "email": delivery_state(embargoed) if embargoed else "—",
                    "state": embargoed.state if embargoed else "",
                    "follow_ups": [
                        (d.get_kind_display(), delivery_state(d)) for d in recipient.follow_ups
                    ],
                    "opens": opens_summary(opens, shown=10) if link else "",
                    "opened": bool(readers),
                    "link": link_state(link),
                    "revoke_url": reverse("admin:distribution_revoke", args=[embargoed.pk])
                    if may_revoke
                    and link is not None
                    and link.is_active()
                    and recipient.contact.office_id in offices
                    else "",
                }
            )
        return {
            "template": "admin/distribution/release_section.html",
            "distributions": [
                {
                    "distribution": d,
                    "lists": ", ".join(f"“{pl.name}”" for pl in d.lists.all()),
                    "by": (d.sent_by.get_full_name() or d.sent_by.get_username())
                    if d.sent_by
                    else "someone since removed",
                    "when": eastern(d.created_at),
                    "embargo": eastern(d.embargo_at, "embargo"),
                }
                for d in distributions
            ],
            "rows": rows,
            "counts": counts,
        }


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    """Every send of a release to press lists, read-only (a send is made on the release's
    page), and the views the release page's buttons lead to."""

    list_display = ["release", "sent_to", "sent_by", "sent_at", "emails"]
    list_select_related = ["release", "sent_by"]
    search_fields = ["release__title"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("lists")
        return queryset.filter(release__in=releases_for(request.user))

    def has_add_permission(self, request):
        return False  # from the release's page: "Send to press lists"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Lists")
    def sent_to(self, distribution):
        return ", ".join(pl.name for pl in distribution.lists.all())

    @admin.display(description="Sent (ET)", ordering="created_at")
    def sent_at(self, distribution):
        return eastern(distribution.created_at)

    @admin.display(description="Recipients")
    def emails(self, distribution):
        return format_html(
            '<a href="{}">See who got it and opened it</a>', _release_url(distribution.release)
        )

    def get_urls(self):
        return [
            path(
                "send/<int:release_id>/",
                self.admin_site.admin_view(self.send_view),
                name="distribution_send",
            ),
            path(
                "revoke/<int:delivery_id>/",
                self.admin_site.admin_view(self.revoke_view),
                name="distribution_revoke",
            ),
        ] + super().get_urls()

    def _release(self, request, release_id):
        release = releases_for(request.user).filter(pk=release_id).first()
        if release is None:
            raise PermissionDenied  # another office's, or none: nothing to learn here
        return release

    def send_view(self, request, release_id):
        release = self._release(request, release_id)
        if not may_send(request.user) or not sending_offices(request.user, release).exists():
            raise PermissionDenied
        refusal = send_refusal(release, by=request.user)
        lists = sendable_lists(request.user, release)
        form = SendForm(request.POST or None, lists=lists)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "release_opts": Release._meta,
            "title": "Send to press lists",
            "release": release,
            "release_url": _release_url(release),
            "senators": ", ".join(
                str(s) for s in release.senators.order_by("releasesenator__order")
            ),
            "embargo": eastern(release.published_at, "embargo"),
            "link_expires": "" if refusal else eastern(link_expiry(release), "embargo"),
            "refusal": refusal,
            "lists": lists,
            "several_offices": len({pl.office_id for pl in lists}) > 1,
            "form": form,
            "plan": None,
        }
        if refusal or request.method != "POST" or not form.is_valid():
            return TemplateResponse(request, "admin/distribution/send.html", context)
        chosen = form.cleaned_data["lists"]
        if request.POST.get("step") != "send":
            context["plan"] = distribution_plan(release, chosen)
            return TemplateResponse(request, "admin/distribution/send.html", context)
        try:
            _, plan = distribution_create(
                release=release, lists=chosen, by=request.user,
                follow_up_when_public=form.cleaned_data["follow_up_when_public"],
                send_corrections=form.cleaned_data["send_corrections"],
            )  # fmt: skip
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return TemplateResponse(request, "admin/distribution/send.html", context)
        except IntegrityError:
            self.message_user(
                request,
                "Someone sent this release to some of these contacts at the same moment. "
                "Nothing was sent from here: look at who has it below, and send again.",
                messages.ERROR,
            )
            return redirect(_release_url(release))
        skipped = f" {len(plan.unsubscribed)} unsubscribed: skipped." if plan.unsubscribed else ""
        already = f" {len(plan.already)} already had it." if plan.already else ""
        self.message_user(
            request,
            f"Sending “{release}” under embargo to {len(plan.to_send)} reporter(s) now; each "
            f"gets a link of their own.{skipped}{already}",
            messages.SUCCESS,
        )
        return redirect(_release_url(release))

    def revoke_view(self, request, delivery_id):
        """POST: end one recipient's preview link (the others go on working)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        delivery = (
            PressDelivery.objects.select_related("release", "contact", "preview_link")
            .filter(pk=delivery_id, release__in=releases_for(request.user))
            .first()
        )
        offices = {senator.pk for senator in offices_for(request.user)}
        if (
            delivery is None
            or not may_send(request.user)
            or delivery.contact.office_id not in offices
        ):
            raise PermissionDenied
        try:
            press_link_revoke(delivery=delivery, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                f"{delivery.contact}'s link is revoked: it shows them nothing from now on. "
                "Everyone else's still works.",
                messages.SUCCESS,
            )
        return redirect(_release_url(delivery.release))


# The release's page shows the sends, and the preview links inline leaves out the links made
# for press recipients (they are listed with their emails instead).
ReleaseAdmin.page_parts.append(PressSection())
PreviewLinkInline.hidden_links.append(lambda links: links.filter(press_delivery__isnull=True))
