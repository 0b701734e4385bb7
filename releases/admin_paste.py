"""The admin's "Paste a release": staff paste a release's text and get its structured draft.

The same parser and service as `manage.py import_releases`: highlights, dateline, body,
quotes with their senators, bills and organizations. Pasting the same text again updates
its draft rather than adding another.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .importing import import_key_for_text, release_import
from .models import Release
from .parsing import NoTitleError, ParseError, release_parse


class PasteReleaseForm(forms.Form):
    text = forms.CharField(
        label="Release text",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text="The whole release as it reads: title, highlights, the dateline "
        "(“WASHINGTON, D.C. –”), the body and quotes, down to ###. Text or HTML.",
    )
    title = forms.CharField(
        required=False, max_length=300, help_text="When the text has no title line."
    )
    date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the text gives no date. It dates the draft and tells which "
        "Congress its bill numbers belong to.",
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.parsed = release_parse(
                text=cleaned["text"], title=cleaned["title"], published_on=cleaned["date"]
            )
        except NoTitleError:
            self.add_error("title", "The text has no title line; enter the title here.")
        except ParseError as e:
            self.add_error("text", f"This can't be read as a release: {e}.")
        return cleaned


def paste_release_view(request, *, model_admin):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = PasteReleaseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():  # offices: releases/admin_offices.py
        key = import_key_for_text(form.cleaned_data["text"])
        if refusal := model_admin.paste_refusal(request, parsed=form.parsed, key=key):
            form.add_error(None, refusal)
    if form.is_bound and form.is_valid():
        result = release_import(
            parsed=form.parsed,
            key=key,
            by=request.user,
            source="pasted text",
        )
        release = result.release
        if result.outcome == "skipped":
            messages.error(request, f"This text was imported before and {result.reason}.")
        else:
            verb = {"created": "Created", "updated": "Updated"}.get(result.outcome, "Found")
            links = result.links
            messages.success(
                request,
                f"{verb} the draft: {len(links.senators)} senator(s), "
                f"{len(result.parsed.quotes)} quote(s), {len(links.bills)} bill(s), "
                f"{len(links.organizations)} organization(s). Check it before publishing.",
            )
            for note in result.notes:
                messages.warning(request, f"Note: {note}.")
        return redirect(reverse("admin:releases_release_change", args=[release.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Release._meta,
        "title": "Paste a release",
        "form": form,
    }
    return TemplateResponse(request, "admin/releases/release/paste.html", context)


def paste_urls(model_admin):
    """The view's URL, behind the admin's login, staff check and CSRF protection."""
    view = model_admin.admin_site.admin_view(partial(paste_release_view, model_admin=model_admin))
    return [path("paste/", view, name="releases_release_paste")]
