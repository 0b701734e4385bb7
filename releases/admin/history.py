"""A release's history in the admin: its versions, a diff between two, restoring one; and
the public corrections staff note on a release.

Built on django-simple-history's admin, with its own pages: the versions list says who
changed what and when, the diff shows each field old → new (long text word by word), and
restoring brings back the content only (see `release_restore`). Every page finds the
release through the admin's `get_object`, so it sees only what the changelist would: a
release of another office has no history here.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from core.eastern import eastern
from releases.admin.forms import ReleaseInlineFormSet, UserInlineMixin
from releases.models import Correction, Release
from releases.services import release_restore
from releases.versions import (
    LABELS,
    RESTORED_FIELDS,
    RESTORED_M2M,
    compare,
    one_version_per_save,
    versions_for,
)


class ReleaseHistoryAdmin(SimpleHistoryAdmin):
    """ReleaseAdmin's base: the History page lists versions; diff and restore pages."""

    object_history_template = "admin/releases/release/object_history.html"
    history_list_per_page = 50

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.version_compare_view),
                name=f"{prefix}_history_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.version_restore_view),
                name=f"{prefix}_history_restore",
            ),
        ] + super().get_urls()

    def revert_disabled(self, request, obj=None):
        # simple-history's revert form saves every field of the old version, the status and
        # publication time too; restoring goes through `release_restore` instead.
        return True

    def changeform_view(self, request, *args, **kwargs):
        # The release, then its senators, quotes and links are saved one by one: one version.
        with one_version_per_save():
            return super().changeform_view(request, *args, **kwargs)

    # Finding the release as the changelist would (office rules included).

    def _release(self, request, object_id, *, change=False):
        release = self.get_object(request, unquote(object_id))
        if release is None:
            return None
        allowed = (
            self.has_change_permission(request, release)
            if change
            else self.has_view_or_change_permission(request, release)
        )
        if not allowed:
            raise PermissionDenied
        return release

    def _context(self, request, release, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "object": release,
            "release": release,
            "module_name": self.opts.verbose_name_plural.capitalize(),
            "history_url": reverse(self._url("history"), args=[release.pk]),
            "compare_url": reverse(self._url("history_compare"), args=[release.pk]),
            "can_restore": self.has_change_permission(request, release),
            **extra,
        }

    def _url(self, name):
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}"

    def _missing(self, request, object_id):
        return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

    # The pages.

    def history_view(self, request, object_id, extra_context=None):
        release = self._release(request, object_id)
        if release is None:
            return self._missing(request, object_id)
        ids = list(
            Release.history.filter(id=release.pk)
            .order_by("-history_date", "-history_id")
            .values_list("history_id", flat=True)
        )
        page = Paginator(ids, self.history_list_per_page).get_page(request.GET.get("p"))
        context = self._context(
            request,
            release,
            title=f"History: {release}",
            subtitle=None,
            versions=versions_for(release, ids=page.object_list),
            latest_id=ids[0] if ids else None,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            pagination_required=page.paginator.num_pages > 1,
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One version: what changed from the version before it."""
        try:
            version_id = int(version_id)
        except ValueError:
            raise Http404("No such version.") from None
        return self._diff(request, object_id, version_id, None)

    def version_compare_view(self, request, object_id):
        """Any two versions: ?from=<older>&to=<newer> (either order)."""
        try:
            old_id, new_id = int(request.GET["from"]), int(request.GET["to"])
        except (KeyError, ValueError):
            raise Http404("Pick two versions to compare.") from None
        return self._diff(request, object_id, new_id, old_id)

    def _diff(self, request, object_id, new_id, old_id):
        release = self._release(request, object_id)
        if release is None:
            return self._missing(request, object_id)
        found = {v.id: v for v in versions_for(release, ids=[new_id, old_id or new_id])}
        new = found.get(new_id)
        old = found.get(old_id) if old_id else (new.previous if new else None)
        if new is None or (old_id and old is None):
            raise Http404("No such version of this release.")
        if old is not None and (old.date, old.id) > (new.date, new.id):
            old, new = new, old  # always read from the older to the newer
        context = self._context(
            request,
            release,
            title=f"Changes to “{release}”",
            subtitle=None,
            old=old,
            new=new,
            changes=compare(old, new) if old else [],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/releases/release/version_diff.html", context)

    def version_restore_view(self, request, object_id, version_id):
        release = self._release(request, object_id, change=True)
        if release is None:
            return self._missing(request, object_id)
        version = Release.history.filter(id=release.pk, history_id=version_id).first()
        if version is None:
            raise Http404("No such version of this release.")
        if request.method == "POST":
            release_restore(release=release, version=version, by=request.user)
            self.message_user(
                request,
                f"Restored the version of {eastern(version.history_date)}. "
                "The status and publication time are unchanged.",
                messages.SUCCESS,
            )
            return redirect(self._url("history"), release.pk)
        latest = Release.history.filter(id=release.pk).order_by("-history_date", "-history_id")
        latest_id = latest.values_list("history_id", flat=True).first()
        found = {v.id: v for v in versions_for(release, ids=[version.history_id, latest_id])}
        chosen, current = found[version.history_id], found[latest_id]
        restored = set(RESTORED_FIELDS) | set(RESTORED_M2M)
        changes = [c for c in compare(current, chosen) if c.name in restored]
        context = self._context(
            request,
            release,
            title=f"Restore a version of “{release}”",
            subtitle=None,
            version=chosen,
            changes=changes,
            restored=_listed([LABELS[name].lower() for name in RESTORED_FIELDS + RESTORED_M2M]),
            status=release.get_status_display(),
            published_at=eastern(release.published_at),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/releases/release/version_restore.html", context)


def _listed(words):
    return f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else "".join(words)


# Corrections.


class CorrectionFormSet(ReleaseInlineFormSet):
    def save_new(self, form, commit=True):
        form.instance.created_by = self.user
        return super().save_new(form, commit=commit)


class CorrectionInline(UserInlineMixin, admin.TabularInline):
    """Public notes on what was wrong: listed on the release page, oldest first."""

    model = Correction
    formset = CorrectionFormSet
    extra = 0
    fields = ["text", "noted_at", "created_by"]
    readonly_fields = ["created_by"]
    verbose_name_plural = "Corrections (shown on the public page, with “Updated” and the time)"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 70})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
