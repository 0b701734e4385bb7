"""Sign-offs in the release admin: who speaks for whom.

A release may quote a senator only if that senator issues it, and a joint senator's office
signs off before the release goes public (the rule: releases/selectors.py
`signoffs_holding`; the writes: releases/services.py). Here:

- the quotes' rule, and the publication guard on the form, which needs what the inlines are
  about to save: each request's formsets are kept together (`ReleaseFormParts`), so the form
  and the quotes can read the issuing senators as posted;
- the *Sign-offs* section of the change page, with Give, Refuse and Ask again for those who
  may, posting to small views behind the admin's login and CSRF check;
- the change list's *Sign-off* filter.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html_join

from core.eastern import eastern
from people.models import Senator
from releases.models import Quote, Release, ReleaseSenator, SignOff, words_digest
from releases.selectors import (
    QUOTE_WORDS,
    office_senators,
    signoff_offices,
    signoffs_holding,
    signoffs_waiting_on,
)
from releases.services import (
    signoff_ask_again,
    signoff_give,
    signoff_refuse,
    signoffs_sync,
)

DECISIONS = {"give", "refuse", "ask-again"}


def signoffs_prefetch():
    """For the admin's queryset: each release's sign-offs, as `signoff_rows`, in one query."""
    return Prefetch(
        "signoffs",
        queryset=SignOff.objects.select_related("senator", "requested_by", "decided_by"),
        to_attr="signoff_rows",
    )


# The form and its inlines, together.


class Unsettled(Exception):
    """An inline of the form has errors of its own: nothing can be told from its rows."""


def _pk(value):
    return getattr(value, "pk", value)


class ReleaseFormParts:
    """The inline formsets of one request's release form, by model (see RegisteredFormSet)."""

    def __init__(self):
        self.formsets = {}

    def _kept(self, model):
        """The cleaned rows that stay, or None when the inline is not on the form."""
        formset = self.formsets.get(model)
        if formset is None:
            return None
        if not formset.is_valid():
            raise Unsettled
        return [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def issuers(self):
        """(senator, role) pairs as the form would save them; None: as stored."""
        rows = self._kept(ReleaseSenator)
        if rows is None:
            return None
        rows = [row for row in rows if row.get("senator")]
        # Rows a user may not change come back as their initial values (ids).
        ids = [_pk(row["senator"]) for row in rows if not isinstance(row["senator"], Senator)]
        found = Senator.objects.in_bulk(ids) if ids else {}
        return [
            (
                row["senator"] if isinstance(row["senator"], Senator) else found[row["senator"]],
                row.get("role"),
            )
            for row in rows
        ]

    def quotes(self):
        """The quotes as the form would save them, as words_digest reads them; None: as
        stored."""
        rows = self._kept(Quote)
        if rows is None:
            return None
        return [
            (
                _pk(row.get("senator")), row.get("speaker_name", ""), row.get("speaker_title", ""),
                _pk(row.get("speaker_organization")), row.get("text", ""),
            )
            for row in rows
            if row.get("text")
        ]  # fmt: skip


def form_parts(request):
    """This request's ReleaseFormParts (one per request, like the formsets it holds)."""
    return request.__dict__.setdefault("_release_form_parts", ReleaseFormParts())


class RegisteredFormSet:
    """An inline formset that joins its request's ReleaseFormParts."""

    parts = None  # set per request by SignOffAdminMixin

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.parts is not None:
            self.parts.formsets[self.model] = self


class QuotedSenatorsIssue:
    """For the quotes inline: a senator quoted must issue the release, so that the words
    given to them are their office's (a joint senator's office signs off on them).

    Checked for every quote added or changed, and for quotes of a senator taken off the
    issuing senators; a quote stored before this rule is left as it is until it is edited."""

    def clean(self):
        super().clean()
        try:
            issuers = self.parts.issuers() if self.parts is not None else None
        except Unsettled:
            return  # the issuing senators' own errors come first
        stored = set()
        if self.instance.pk:
            stored = set(
                ReleaseSenator.objects.filter(release=self.instance).values_list(
                    "senator_id", flat=True
                )
            )
        issuing = stored if issuers is None else {senator.pk for senator, _ in issuers}
        outside = []
        for form in self.forms:
            data = form.cleaned_data
            senator = data.get("senator") if data and not data.get("DELETE") else None
            if not isinstance(senator, Senator) or senator.pk in issuing:
                continue
            edited = form.instance.pk is None or form.has_changed() or senator.pk in stored
            if edited and senator not in outside:
                outside.append(senator)
        if outside:
            raise ValidationError(
                [
                    f"{senator} is quoted but does not issue this release. Add them under "
                    "“Issuing senators” (as a joint senator, their office then signs off), or "
                    "take the quote out."
                    for senator in outside
                ],
                code="quoted_senator_issues",
            )


class SignOffGuardForm:
    """For the release form: a save that leaves the release published or scheduled is
    refused, with why, while a joint senator's office has not signed off on what it is about
    to say; nothing is saved (the rule: releases/selectors.py `signoffs_holding`)."""

    parts = None  # set per request by SignOffAdminMixin
    saver = None

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        if self.parts is None or status != Release.Status.PUBLISHED:
            return cleaned
        try:
            issuers, quotes = self.parts.issuers(), self.parts.quotes()
        except Unsettled:
            return cleaned  # the inlines' own errors are shown; nothing is saved anyway
        release = self.instance
        if quotes is None:
            quotes = list(release.quotes.values_list(*QUOTE_WORDS)) if release.pk else []

        def posted(name):
            return cleaned.get(name, getattr(release, name))

        words = words_digest(
            title=posted("title"), highlights=posted("highlights"),
            dateline=posted("dateline"), body=posted("body"), quotes=quotes,
        )  # fmt: skip
        # A new release's author is who saves it (save_model records them as created_by).
        author = None if release.pk else self.saver
        holds = signoffs_holding(
            release, issuers=issuers, words=words, by=self.saver, author=author
        )
        if holds:
            out = release.pk and not Release.objects.drafts().filter(pk=release.pk).exists()
            hint = (
                "Nothing was saved, and the release on the site is as it was. To change its "
                "words, return it to draft first so their office can sign off on them, or "
                "add a correction."
                if out
                else "Nothing was saved. Press Save draft to keep your changes; publish "
                "once they have signed off."
            )
            self.add_error(
                None,
                ValidationError(
                    [
                        "This release can't be published or scheduled yet.",
                        *[hold.message for hold in holds],
                        hint,
                    ],
                    code="signoff",
                ),
            )
        return cleaned


# The change list's filter.


class SignOffListFilter(admin.SimpleListFilter):
    """Sign-off: waiting on my office (a press secretary's to-do list), waiting on any
    office, refused."""

    title = "sign-off"
    parameter_name = "signoff"
    template = "admin/releases/release/filter.html"  # the title alone, as the list's others

    def lookups(self, request, model_admin):
        choices = [("waiting", "Waiting on any office"), ("refused", "Refused")]
        if office_senators(request.user).exists():
            choices.insert(0, ("mine", "Waiting on my office"))
        return choices

    def queryset(self, request, queryset):
        match self.value():
            case "mine":
                return queryset.filter(pk__in=signoffs_waiting_on(request.user))
            case "waiting" | "refused" as value:
                state = SignOff.State.PENDING if value == "waiting" else SignOff.State.REFUSED
                return queryset.filter(pk__in=SignOff.objects.filter(state=state).values("release"))
        return queryset


# The admin.


def _who(user, moment):
    """ "Jordan Ali · Dec 1, 2014, 5:34 p.m. EST": who did it, by name where the account has
    one, and when in Eastern Time."""
    if moment is None:
        return ""
    if user is None:
        return eastern(moment)
    return f"{user.get_full_name() or user.get_username()} · {eastern(moment)}"


class SignOffAdminMixin:
    """For ReleaseAdmin: the rules on the form, the sign-offs kept in step with each save,
    the Sign-offs section of the change page and the views its buttons post to."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/signoffs/<int:signoff_id>/<slug:decision>/",
                self.admin_site.admin_view(self.signoff_decision_view),
                name=f"{prefix}_signoff",
            ),
        ] + super().get_urls()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {"parts": form_parts(request), "saver": request.user}
        return type(form.__name__, (SignOffGuardForm, form), attrs)

    def get_formsets_with_inlines(self, request, obj=None):
        parts = form_parts(request)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if inline.model is ReleaseSenator:
                formset = type(formset.__name__, (RegisteredFormSet, formset), {"parts": parts})
            elif inline.model is Quote:
                bases = (QuotedSenatorsIssue, RegisteredFormSet, formset)
                formset = type(formset.__name__, bases, {"parts": parts})
            yield formset, inline

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        signoffs_sync(release=form.instance, by=request.user)

    # The Sign-offs section.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["signoffs"] = self.signoff_section(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def signoff_section(self, request, release):
        """What the change page shows of the release's sign-offs, or None when it has none."""
        if request.method == "POST":  # the form's instance holds what was posted
            release = Release.objects.get(pk=release.pk)
        rows = getattr(release, "signoff_rows", None)
        if rows is None:
            rows = list(signoffs_prefetch().queryset.filter(release=release))
        holds = signoffs_holding(release, by=request.user)
        if not rows and not holds:
            return None
        decides = signoff_offices(request.user)
        may_ask = self.has_change_permission(request, release)
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_signoff"
        shown = []
        for row in rows:
            shown.append(
                {
                    "signoff": row,
                    "asked": _who(row.requested_by, row.requested_at),
                    "decided": _who(row.decided_by, row.decided_at),
                    "may_decide": row.senator_id in decides and not row.is_given(),
                    "may_refuse": row.senator_id in decides and row.is_pending(),
                    "may_ask_again": may_ask and row.is_refused(),
                    "give_url": reverse(name, args=[release.pk, row.pk, "give"]),
                    "refuse_url": reverse(name, args=[release.pk, row.pk, "refuse"]),
                    "ask_again_url": reverse(name, args=[release.pk, row.pk, "ask-again"]),
                }
            )
        return {"rows": shown, "holds": [hold.message_here for hold in holds]}

    def signoff_decision_view(self, request, object_id, signoff_id, decision):
        """POST: give, refuse (with a note) or ask again; back to the change page, saying
        what happened."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if decision not in DECISIONS:
            raise Http404("No such decision.")
        release = self.get_object(request, unquote(object_id))
        if release is None or not self.has_view_or_change_permission(request, release):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        signoff = (
            SignOff.objects.select_related("senator").filter(pk=signoff_id, release=release).first()
        )
        if signoff is None:
            raise Http404("No such sign-off on this release.")
        note = request.POST.get("note", "")
        try:
            if decision == "ask-again":
                signoff_ask_again(signoff=signoff, by=request.user)
                done = f"Asked {signoff.senator}'s office again to sign off."
            elif decision == "give":
                signoff_give(signoff=signoff, by=request.user, note=note)
                done = f"{signoff.senator}'s office has signed off on “{release}”."
            else:
                signoff_refuse(signoff=signoff, by=request.user, note=note)
                done = (
                    f"{signoff.senator}'s office refused “{release}”; the other office "
                    "sees your note."
                )
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
            release.pk,
        )


def signoff_summary(release):
    """A line under a release's status in the change list: whose sign-off it waits for or
    who refused (from the prefetched `signoff_rows`)."""
    rows = getattr(release, "signoff_rows", [])
    waiting = [row.senator.last_name for row in rows if row.is_pending()]
    refused = [row.senator.last_name for row in rows if row.is_refused()]
    parts = []
    if waiting:
        parts.append(("signoff-waiting", f"Sign-off: waiting for {', '.join(waiting)}"))
    if refused:
        parts.append(("signoff-refused", f"Sign-off refused by {', '.join(refused)}"))
    return format_html_join("", '<br><small class="{}">{}</small>', parts)
