"""The admin's "Paste a release": staff paste a release's text and get its structured draft.

The same parser and service as `manage.py import_releases`: highlights, dateline, body,
quotes with their senators, bills and organizations. Pasting the same text again updates
its draft rather than adding another, if the user can see that draft: a text another office
pasted before makes a new draft, answered as any new text is (the other office's draft is
not theirs to learn of).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from importing.parsing import NoTitleError, ParseError, release_parse
from importing.recognizing import Recognizer
from importing.services import import_key_for_text, release_import
from releases.models import Release
from releases.selectors import office_senators, releases_for, sees_all_offices


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
        help_text="When the text gives no date. It tells which Congress its bill numbers "
        "belong to, and, for staff who may publish, dates the draft.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not Django's "Null characters are not allowed.": the parser's reason, as a file
        # with them gets from import_releases (parsing.text_check).
        self.fields["text"].validators = []

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


def paste_refusal(user, *, parsed):
    """Why `user` may not import a pasted release ("" if they may).

    The paste links the senators the text names: staff must not make a release none of their
    offices' senators issues (they could not see it). Another office's draft from the same
    text is no reason: the paste never finds it (`among` in paste_release)."""
    if sees_all_offices(user):
        return ""
    links = Recognizer.from_database().recognize(parsed)
    offices = list(office_senators(user))
    if not set(offices) & set(links.senators):
        names = "; ".join(str(senator) for senator in offices) or "none yet"
        return (
            f"Include a senator from your office ({names}): the text names none of them. "
            "Write the release with “Add release” instead, or ask a newsroom admin."
        )
    return ""


def paste_release(request):
    """/admin/releases/release/paste/ (behind the admin's login, staff check and CSRF)."""
    model_admin = admin.site.get_model_admin(Release)
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = PasteReleaseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():  # offices: paste_refusal above
        key = import_key_for_text(form.cleaned_data["text"])
        if refusal := paste_refusal(request.user, parsed=form.parsed):
            form.add_error(None, refusal)
    if form.is_bound and form.is_valid():
        result = release_import(
            parsed=form.parsed,
            key=key,
            by=request.user,
            source="pasted text",
            among=releases_for(request.user),  # a draft of another office is not found
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
