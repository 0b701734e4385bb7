"""The release form and the formsets of its inlines."""

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from markdownx.widgets import MarkdownxWidget

from core.eastern import EASTERN, eastern
from core.images import SafeImageField
from releases.admin.signoffs import Unsettled
from releases.bill_titles import release_bills_named
from releases.checks import ReleaseText, release_checks
from releases.citations import release_citations
from releases.models import Legislation, Release, ReleaseSenator
from releases.selectors import releases_for


class Action(models.TextChoices):
    """What the publishing panel's buttons ask for (posted as `_action`). Each only sets the
    form's status and publication time, or the review fields; the checks on them are the
    same as for a form that posts `status` and `published_at` itself."""

    SAVE = "save", "Save"
    PREVIEW = "preview", "Preview"
    PUBLISH = "publish", "Publish now"
    SCHEDULE = "schedule", "Schedule"
    UNPUBLISH = "unpublish", "Move back to draft"
    REVIEW = "review", "Ready for review"
    SEND_BACK = "send-back", "Send back"


# Only those who may publish ask for these (releases/admin/offices.py refuses the rest).
PUBLISHING_ACTIONS = {Action.PUBLISH, Action.SCHEDULE, Action.UNPUBLISH, Action.SEND_BACK}


def posted_action(data):
    """The panel button a POST was sent with, or None (a plain save, a script)."""
    value = (data or {}).get("_action")
    return Action(value) if value in Action.values else None


class GrowingTextarea(AdminTextareaWidget):
    """A text box that grows with its text (CSS field-sizing, release_form.js elsewhere)."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "class": "vLargeTextField grows", **(attrs or {})})


class ReleaseBodyWidget(MarkdownxWidget, AdminTextareaWidget):
    """The body's editor with its live preview beside it, the preview in the public page's
    article styles (static/css/article.css, the classes set by release_form.js), not
    markdownx's own admin ones."""

    class Media:
        js = ["markdownx/js/markdownx.min.js"]


class EasternDateTimeField(forms.DateTimeField):
    """A day and time staff pick in Eastern time (an <input type="datetime-local">, which
    knows no zone): read and shown in America/New_York whatever the server's zone."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(EASTERN):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(EASTERN):
            return super().prepare_value(value)


class ReleaseInlineFormSet(forms.BaseInlineFormSet):
    """The base of the release form's inline formsets.

    Knows who is saving (`user`, set per request by the inline's get_formset), and treats a
    change form posted without this inline (a script, an older page) as changing none of
    its rows, rather than failing the whole save.
    """

    user = None

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, **kwargs)

    def kept_rows(self):
        """The cleaned data of the rows that stay (not deleted, not left empty)."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class UserInlineMixin:
    """For an inline whose formset records who saved (ReleaseInlineFormSet.user)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on every call
        formset.user = request.user
        return formset


class IssuingSenatorFormSet(ReleaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [row for row in self.kept_rows() if row.get("senator")]
        if not rows:
            raise forms.ValidationError("Name the senator who issues this release.")
        leads = [r for r in rows if r.get("role") == ReleaseSenator.Role.LEAD]
        if len(leads) != 1:
            raise forms.ValidationError(
                f"A release has exactly one lead senator; this one has {len(leads)}. "
                "Mark the others as joint."
            )


class IssuingSenatorForm(forms.ModelForm):
    def validate_constraints(self):
        # One lead per release is checked across the submitted rows by the formset. Checked
        # row by row against the stored rows, it would forbid moving the lead to another
        # senator in one save; save_formset demotes before it promotes, so the database agrees.
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() | {"role"})
        except forms.ValidationError as e:
            self._update_errors(e)


class BillChoiceField(forms.ModelMultipleChoiceField):
    """Bills by citation, title and sponsor: what tells apart bills of one name."""

    def label_from_instance(self, bill):
        sponsor = f", sponsored by {bill.sponsor}" if bill.sponsor else ""
        return f"{bill}: {bill.title}{sponsor}" if bill.title else f"{bill}{sponsor}"


class ReleaseAdminForm(forms.ModelForm):
    cited_bills = BillChoiceField(
        queryset=Legislation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Bills cited in the text",
        help_text="Bills the title, highlights or body cite (“S. 1733”, “H.R. 3610”) or name "
        "(“the Stop Exploitation Through Trafficking Act”) that are not linked yet. Tick to "
        "link them. Found when the release is saved.",
    )
    # The release's last-change time when this form was opened. Two staff editing the same
    # release: the second save is refused instead of silently overwriting the first.
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # The publishing panel's (templates/admin/releases/release/publishing_panel.html).
    schedule_at = EasternDateTimeField(required=False, label="Eastern time (ET)")
    publish_anyway = forms.BooleanField(
        required=False,
        label="Publish anyway",
        help_text="I have read the warnings above.",
    )

    request = None  # set per request by ReleaseAdmin.get_form: who saves (the slug's check)
    slug_replaced = None  # (asked, given) when the asked-for slug was not available

    class Meta:
        model = Release
        fields = [
            "title", "type", "outlet", "outlet_url", "congressional_record",
            "congressional_record_url", "slug", "highlights", "dateline", "body", "status",
            "published_at", "topics", "legislation", "organizations", "lead_image",
            "lead_image_alt", "lead_image_caption",
        ]  # fmt: skip
        field_classes = {"lead_image": SafeImageField}  # JPEG, PNG, WebP only, re-encoded
        # Staff pick the time in Eastern Time (settings.TIME_ZONE); the label names the zone.
        labels = {"published_at": "Publication time (Eastern Time, ET)"}
        # Status and time are set by the publishing panel's buttons; they are posted as they
        # stand, so that a plain save changes neither.
        widgets = {
            "body": ReleaseBodyWidget,
            "highlights": GrowingTextarea,
            "status": forms.HiddenInput,
            "published_at": forms.SplitHiddenDateTimeWidget,
        }

    def clean_type(self):
        return self.cleaned_data.get("type") or self.instance.type

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = posted_action(self.data) if self.is_bound else None
        self.findings = None  # what the checks found in the text as posted (clean)
        self._citations, self._linked = [], set()
        if self.instance.pk and "opened_version" in self.fields:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()
        if self.instance.is_embargoed():
            self.fields["schedule_at"].initial = self.instance.published_at
        if "type" in self.fields:
            # A form posted without the type (a script, a page opened before it existed)
            # keeps the release's type rather than failing the save.
            self.fields["type"].required = False
        if "lead_image" in self.fields:
            # Django sets a file input under a <legend>, which names the group, not the input.
            self.fields["lead_image"].widget.attrs.setdefault("aria-label", "Lead image file")
        self.fields["schedule_at"].widget.attrs.update(
            {"min": eastern(timezone.now(), "datetime_local"), "aria-describedby": "schedule-zone"}
        )
        if "cited_bills" not in self.fields or not self.instance.pk:
            return
        self._citations = citations = release_citations(self.instance)
        self._linked = linked = set(self.instance.legislation.values_list("pk", flat=True))
        offered = [c.bill.pk for c in citations if c.bill and c.bill.pk not in linked]
        # Named by title: the bill the issuers sponsor, or every bill of a shared name for
        # staff to choose from (releases/bill_titles.py), unless one of them is linked.
        unsettled = []
        for match in release_bills_named(
            self.instance, cited_ids={c.bill.pk for c in citations if c.bill}
        ):
            if match.bill is not None:
                offered.append(match.bill.pk)
            elif not linked & {b.pk for b in match.bills}:
                offered += [b.pk for b in match.bills]
                unsettled.append(f"“{match.name}” is {match.bills_text()}")
        offered = [pk for pk in offered if pk not in linked]
        self.fields["cited_bills"].queryset = Legislation.objects.filter(
            pk__in=offered
        ).select_related("sponsor")
        if unsettled:
            self.fields["cited_bills"].help_text += (
                " " + "; ".join(unsettled) + ": tick the one the release means."
            )
        missing = [c.text for c in citations if c.bill is None]
        if missing:
            self.fields["cited_bills"].help_text += (
                " Cited but not in the newsroom yet (add under Legislation): "
                + "; ".join(missing)
                + "."
            )

    def check_not_changed_since_opened(self):
        """A non-field error (shown at the top of the form) if someone saved in between."""
        opened = self.cleaned_data.get("opened_version")
        if not self.instance.pk:
            return
        if not opened:
            # A form that does not say which version it was opened at (a script, a crafted
            # POST) could overwrite anyone's edit unseen: refused, as a conflict is.
            self.add_error(
                None,
                "This form does not say when it was opened, so it could overwrite changes "
                "made since. Nothing was saved. Open the release again and make your edit.",
            )
            return
        # Locked until this save commits (the admin saves in one transaction), so two saves
        # at the same moment cannot both pass.
        # Only the release's own row: PostgreSQL cannot lock the outer-joined user row.
        current = (
            Release.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .only("updated_at", "updated_by__username")
            .get(pk=self.instance.pk)
        )
        if current.updated_at.isoformat() != opened:
            when = eastern(current.updated_at, "clock")
            who = f" by {current.updated_by}" if current.updated_by else ""
            self.add_error(
                None,
                f"This release was changed{who} at {when}, after you opened it. Nothing was "
                "saved. Open the release again to see the changes (copy your edits first), "
                "or compare the versions under History.",
            )

    def give_free_slug_if_held_unseen(self):
        """A slug held by a release the user cannot see (another office's draft, or its
        former address) is replaced by a free one, told when the release is saved. Django's
        "Release with this Slug already exists." would tell them that release exists, and
        its address says what it is about. A slug held by a release they can see keeps
        that error: it may be a duplicate of their own."""
        slug = self.cleaned_data.get("slug")
        if not slug or self.request is None:
            return
        holders = Release.objects.filter(Q(slug=slug) | Q(former_slugs__slug=slug))
        if self.instance.pk:
            holders = holders.exclude(pk=self.instance.pk)
        if not holders.exists() or releases_for(self.request.user, holders).exists():
            return
        self.cleaned_data["slug"] = Release.objects.free_slug(slug, by=self.instance)
        self.slug_replaced = (slug, self.cleaned_data["slug"])

    def save(self, commit=True):
        # The admin saves the form only once the form and its inlines are valid.
        if self.slug_replaced and self.request is not None:
            asked, given = self.slug_replaced
            messages.info(
                self.request,
                f"The address “{asked}” is not available, so this release has “{given}”. "
                "Change the slug if you want another.",
            )
        return super().save(commit)

    def apply_action(self, cleaned):
        """Set the status and time the panel's button asks for (only for those who may
        publish: the fields are not on the form of the others)."""
        if "status" not in self.fields:
            return
        match self.action:
            case Action.PUBLISH:
                cleaned["status"], cleaned["published_at"] = Release.Status.PUBLISHED, None
            case Action.SCHEDULE:
                at = cleaned.get("schedule_at")
                if at is None:
                    if "schedule_at" not in self.errors:
                        self.add_error(
                            "schedule_at", "Pick the day and time it goes public (Eastern time)."
                        )
                elif at <= timezone.now():
                    self.add_error(
                        "schedule_at",
                        f"{eastern(at, 'sentence')} has passed: pick a time still to come, or "
                        "press Publish now.",
                    )
                else:
                    cleaned["status"], cleaned["published_at"] = Release.Status.PUBLISHED, at
            case Action.UNPUBLISH:
                cleaned["status"] = Release.Status.DRAFT

    def release_text(self, cleaned=None):
        """What the checks read: the text as posted (`cleaned`), or as saved."""
        if cleaned is None:
            release = self.instance
            return ReleaseText(
                title=release.title, highlights=release.highlights, body=release.body,
                has_lead_image=bool(release.lead_image), lead_image_alt=release.lead_image_alt,
                quotes=self._stored_quotes(), citations=self._citations,
                linked_bill_ids=self._linked,
            )  # fmt: skip

        def posted(name):
            return cleaned[name] if name in cleaned else getattr(self.instance, name)

        words = SimpleNamespace(
            title=posted("title"), highlights=posted("highlights"), body=posted("body"),
            published_at=posted("published_at"), created_at=self.instance.created_at,
        )  # fmt: skip
        linked = self._linked
        if "legislation" in cleaned:
            linked = {bill.pk for bill in cleaned["legislation"]}
        linked |= {bill.pk for bill in cleaned.get("cited_bills") or []}
        quotes = None
        parts = getattr(self, "parts", None)  # the inlines (releases/admin/signoffs.py)
        if parts is not None:
            try:
                quotes = parts.quotes()
            except Unsettled:  # an inline with errors of its own: they are shown first
                quotes = None
        return ReleaseText(
            title=words.title, highlights=words.highlights, body=words.body,
            has_lead_image=bool(posted("lead_image")),
            lead_image_alt=posted("lead_image_alt"),
            quotes=[row[-1] for row in quotes] if quotes is not None else self._stored_quotes(),
            citations=release_citations(words), linked_bill_ids=linked,
        )  # fmt: skip

    def _stored_quotes(self):
        if not self.instance.pk:
            return []
        return list(self.instance.quotes.values_list("text", flat=True))

    def publishing_findings(self):
        """The checks' findings for the panel: of the text as posted, once the form is
        cleaned; else of the release as saved."""
        if self.findings is not None:
            return self.findings
        return release_checks(self.release_text())

    def check_before_publishing(self, cleaned):
        """Errors refuse a save that leaves the release published or scheduled; warnings
        refuse publishing or scheduling until "Publish anyway" is ticked."""
        if cleaned.get("status") != Release.Status.PUBLISHED:
            return
        self.findings = findings = release_checks(self.release_text(cleaned))
        errors = [f.message for f in findings if f.is_error]
        warnings = [f.message for f in findings if not f.is_error]
        if errors:
            self.add_error(
                None,
                ValidationError(
                    [
                        "This release can't be published or scheduled until these are fixed "
                        "(nothing was saved):",
                        *errors,
                    ],
                    code="checks",
                ),
            )
        going_out = self.action in (Action.PUBLISH, Action.SCHEDULE) or (
            self.instance.pk is None or self.instance.is_draft()
        )
        if warnings and going_out and not cleaned.get("publish_anyway"):
            self.add_error(
                "publish_anyway",
                ValidationError(
                    f"The checks found {len(warnings)} warning(s): read them, then tick "
                    "“Publish anyway” to publish with them, or fix the text. Nothing was "
                    "saved.",
                    code="checks_unacknowledged",
                ),
            )

    def clean(self):
        cleaned = super().clean()
        self.give_free_slug_if_held_unseen()
        self.check_not_changed_since_opened()
        self.apply_action(cleaned)
        if cleaned.get("status") == Release.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing with no time means now; staff pick a later time for an embargo.
            cleaned["published_at"] = timezone.now()
        if cleaned.get("lead_image") and not cleaned.get("lead_image_alt"):
            self.add_error(
                "lead_image_alt", "Describe the lead image for readers who can't see it."
            )
        self.check_before_publishing(cleaned)
        return cleaned
