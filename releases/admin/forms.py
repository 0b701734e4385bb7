"""The release form and the formsets of its inlines."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.utils import timezone
from markdownx.widgets import AdminMarkdownxWidget

from core.eastern import eastern
from core.images import SafeImageField
from releases.citations import release_citations
from releases.models import Legislation, Release, ReleaseSenator
from releases.selectors import releases_for


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


class ReleaseAdminForm(forms.ModelForm):
    cited_bills = forms.ModelMultipleChoiceField(
        queryset=Legislation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Bills cited in the text",
        help_text="Bills the title, highlights or body cite (“S. 1733”, “H.R. 3610”) that are "
        "not linked yet. Tick to link them. Found when the release is saved.",
    )
    # The release's last-change time when this form was opened. Two staff editing the same
    # release: the second save is refused instead of silently overwriting the first.
    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    request = None  # set per request by ReleaseAdmin.get_form: who saves (the slug's check)
    slug_replaced = None  # (asked, given) when the asked-for slug was not available

    class Meta:
        model = Release
        fields = [
            "title", "slug", "highlights", "dateline", "body", "status", "published_at",
            "topics", "legislation", "organizations", "lead_image", "lead_image_alt",
            "lead_image_caption",
        ]  # fmt: skip
        field_classes = {"lead_image": SafeImageField}  # JPEG, PNG, WebP only, re-encoded
        # Staff pick the time in Eastern Time (settings.TIME_ZONE); the label names the zone.
        labels = {"published_at": "Publication time (Eastern Time, ET)"}
        widgets = {
            "body": AdminMarkdownxWidget,
            "highlights": forms.Textarea(attrs={"rows": 3, "cols": 90}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "opened_version" in self.fields:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()
        if "cited_bills" not in self.fields or not self.instance.pk:
            return
        citations = release_citations(self.instance)
        linked = set(self.instance.legislation.values_list("pk", flat=True))
        offered = [c.bill.pk for c in citations if c.bill and c.bill.pk not in linked]
        self.fields["cited_bills"].queryset = Legislation.objects.filter(pk__in=offered)
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

    def clean(self):
        cleaned = super().clean()
        self.give_free_slug_if_held_unseen()
        self.check_not_changed_since_opened()
        if cleaned.get("status") == Release.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing with no time means now; staff pick a later time for an embargo.
            cleaned["published_at"] = timezone.now()
        if cleaned.get("lead_image") and not cleaned.get("lead_image_alt"):
            self.add_error(
                "lead_image_alt", "Describe the lead image for readers who can't see it."
            )
        return cleaned
