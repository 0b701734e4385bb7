"""The release form's publishing panel: where the release stands, in words, and the
actions the user's role allows, as buttons; and the form laid out in the order an office
works, the inlines among the fieldsets.

The buttons post `_action` (releases/admin/forms.py `Action`), which only sets the form's
status and publication time or the review fields: every check on a save that publishes
stays where it was (the permission, releases/admin/offices.py; sign-offs,
releases/admin/signoffs.py; the checks before publishing, releases/checks.py).
"""

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.eastern import eastern
from releases.admin.forms import Action, posted_action
from releases.models import Release

# The fieldset whose fields (status, publication time) the panel holds, not the form's column.
PANEL_FIELDSET = "Publication"


def state_in_words(release):
    """(kind, words): where a release stands, as a press office says it."""
    if release is None or release.pk is None:
        return "new", "New draft: not saved yet"
    if release.is_embargoed():
        return "scheduled", f"Scheduled: goes public {eastern(release.published_at, 'sentence')}"
    if release.is_public():
        return "published", f"Published {eastern(release.published_at, 'sentence')}"
    return "draft", "Draft: not public"


def review_in_words(release):
    """The review request in words ("Ready for review since … (marked by …)"), or None."""
    if release is None or release.review_requested_at is None:
        return None
    who = release.review_requested_by
    by = f" (marked by {who.get_full_name() or who.get_username()})" if who else ""
    return f"Ready for review since {eastern(release.review_requested_at, 'sentence')}{by}"


class PublishingPanelMixin:
    """For ReleaseAdmin: the panel, the layout, and what each button does after the save."""

    # Where each inline goes: after the fieldset at that index (ReleaseAdmin sets it). An
    # inline not named here (another app's) goes at the end.
    inlines_after = {}

    # The page.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["form_layout"] = self.form_layout(
            context["adminform"], context["inline_admin_formsets"]
        )
        context["publishing_panel"] = self.publishing_panel(request, obj, form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def form_layout(self, adminform, inline_admin_formsets):
        """The fieldsets and inline formsets in the order the page shows them."""
        after = {}
        for inline in inline_admin_formsets:
            after.setdefault(self.inlines_after.get(inline.opts.model), []).append(inline)
        parts = []
        for index, fieldset in enumerate(adminform):
            if fieldset.name == PANEL_FIELDSET:
                continue
            parts.append({"fieldset": fieldset, "index": index})
            parts += [{"inline": inline} for inline in after.pop(index, [])]
        parts += [{"inline": inline} for rest in after.values() for inline in rest]
        return parts

    def publishing_panel(self, request, release, form):
        """What the panel shows and offers this user for `release` (None: a new one)."""
        if release is not None and release.pk and request.method == "POST":
            # The form's instance holds what was posted; the panel says what is saved.
            release = Release.objects.select_related("review_requested_by").get(pk=release.pk)
        saved = release is not None and release.pk is not None
        kind, state = state_in_words(release)
        may_publish = self.has_publish_permission(request)
        may_change = self.has_change_permission(request, release if saved else None)
        if not saved:
            may_change = self.has_add_permission(request)
        draft = kind in ("new", "draft")
        buttons = []
        if may_change:
            buttons.append((Action.SAVE, "Save draft" if draft else "Save changes", "default"))
            if kind != "published":
                buttons.append((Action.PREVIEW, "Preview", ""))
            if may_publish and kind != "published":
                buttons.append((Action.PUBLISH, "Publish now", "publish"))
            if draft and not may_publish and not (saved and release.review_requested_at):
                buttons.append((Action.REVIEW, "Ready for review", "review"))
            if may_publish and saved and draft and release.review_requested_at:
                buttons.append((Action.SEND_BACK, "Send back", ""))
            if may_publish and not draft:
                buttons.append((Action.UNPUBLISH, "Move back to draft", "unpublish"))
        findings = form.publishing_findings() if may_change else []
        warnings = [f for f in findings if not f.is_error] or form.errors.get("publish_anyway")
        return {
            "kind": kind,
            "state": state,
            "review": review_in_words(release) if saved else None,
            "buttons": buttons,
            "may_schedule": may_change and may_publish and kind != "published",
            "schedule_label": "Reschedule…" if kind == "scheduled" else "Schedule…",
            "schedule_open": "schedule_at" in form.errors,
            "findings": findings,
            "ask_anyway": may_change and may_publish and bool(warnings),
            "public_url": release.get_absolute_url() if kind == "published" else None,
            "preview_url": reverse("releases:preview", args=[release.pk]) if saved else None,
        }

    # Saving.

    def save_model(self, request, obj, form, change):
        action = getattr(form, "action", None)
        if not obj.is_draft() or action == Action.SEND_BACK:
            # Published or scheduled: the review is over; sent back: the writer has it again.
            obj.review_requested_at = obj.review_requested_by = None
        elif action == Action.REVIEW:
            obj.review_requested_at, obj.review_requested_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return self.panel_response(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self.panel_response(request, obj) or super().response_change(request, obj)

    def panel_response(self, request, release):
        """After a panel button's save: say exactly what happened, and stay on the release
        (or show its staff preview). None for the admin's own buttons."""
        action = posted_action(request.POST)
        if action is None or IS_POPUP_VAR in request.POST:
            return None
        preview_url = reverse("releases:preview", args=[release.pk])
        if action == Action.PREVIEW:
            return redirect(preview_url)
        kind, state = state_in_words(release)
        if kind == "scheduled":
            said = format_html(
                '{}. <a href="{}">Staff preview</a>', state, preview_url
            )  # "Scheduled: goes public …"
        elif kind == "published":
            url = request.build_absolute_uri(release.get_absolute_url())
            said = format_html('Published: now public at <a href="{}">{}</a>', url, url)
        elif action == Action.UNPUBLISH:
            said = "Moved back to draft: it is not public."
        elif action == Action.REVIEW:
            said = "Ready for review: the office's press secretaries see it on their desk."
        elif action == Action.SEND_BACK:
            said = "Sent back: no longer waiting for review."
        else:
            said = "Draft saved: not public."
        if action == Action.SAVE and kind in ("scheduled", "published"):
            said = format_html("Saved. {}", said)
        self.message_user(request, said, messages.SUCCESS)
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(name, release.pk)
