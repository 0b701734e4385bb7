import calendar
import re
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Max, Min, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from markdownx.widgets import AdminMarkdownxWidget

from newsroom.images import LEAD_IMAGE_WIDTHS, SafeImageField, image_renditions_make

from .admin_history import CorrectionInline, ReleaseHistoryAdmin
from .admin_offices import OfficeReleaseAdminMixin, OfficeSenatorListFilter
from .admin_paste import paste_urls
from .admin_preview import PreviewLinkInline
from .citations import release_citations
from .models import EASTERN, Legislation, Quote, Release, ReleaseSenator, Topic
from .services import release_publish, release_unpublish
from .signals import reindex_once


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


CITATION_RE = re.compile(
    r"^\s*(h\.?\s*r\.?|s\.?|h\.?\s*res\.?|s\.?\s*res\.?|h\.?\s*j\.?\s*res\.?|s\.?\s*j\.?\s*res\.?"
    r"|h\.?\s*con\.?\s*res\.?|s\.?\s*con\.?\s*res\.?)\s*(\d+)\s*$",
    re.IGNORECASE,
)


@admin.register(Legislation)
class LegislationAdmin(admin.ModelAdmin):
    list_display = ["citation_display", "title", "sponsor", "status", "introduced_on"]
    list_filter = ["congress", "bill_type", "status"]
    list_select_related = ["sponsor"]
    search_fields = ["bill_id", "short_title", "official_title"]
    autocomplete_fields = ["sponsor", "cosponsors"]
    readonly_fields = ["bill_id"]
    fields = [
        ("bill_type", "number", "congress"), "bill_id", "short_title", "official_title",
        "sponsor", "cosponsors", ("status", "introduced_on"), "summary",
    ]  # fmt: skip

    @admin.display(description="Bill", ordering="bill_id")
    def citation_display(self, bill):
        return str(bill)

    def get_search_results(self, request, queryset, search_term):
        """Staff type a bill as it is cited ("S. 1733", "HR 3610"), not as its id."""
        match = CITATION_RE.match(search_term)
        if match:
            bill_type = re.sub(r"[^a-z]", "", match[1].lower())
            return queryset.filter(bill_type=bill_type, number=int(match[2])), False
        return super().get_search_results(request, queryset, search_term)


class IssuingSenatorFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("senator")
        ]
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


class ReleaseSenatorInline(admin.TabularInline):
    model = ReleaseSenator
    form = IssuingSenatorForm
    formset = IssuingSenatorFormSet
    autocomplete_fields = ["senator"]
    extra = 0
    min_num = 1
    fields = ["senator", "role", "order"]
    verbose_name = "issuing senator"
    verbose_name_plural = "Issuing senators (one lead; the others join)"


class QuoteInline(admin.StackedInline):
    model = Quote
    autocomplete_fields = ["senator", "speaker_organization"]
    extra = 0
    fields = ["text", "senator", ("speaker_name", "speaker_title", "speaker_organization"),
              "order"]  # fmt: skip

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "cols": 90})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


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
        if not (self.instance.pk and opened):
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
            when = timezone.localtime(current.updated_at, EASTERN).strftime("%-I:%M:%S %p %Z")
            who = f" by {current.updated_by}" if current.updated_by else ""
            self.add_error(
                None,
                f"This release was changed{who} at {when}, after you opened it. Nothing was "
                "saved. Open the release again to see the changes (copy your edits first), "
                "or compare the versions under History.",
            )

    def clean(self):
        cleaned = super().clean()
        self.check_not_changed_since_opened()
        if cleaned.get("status") == Release.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing with no time means now; staff pick a later time for an embargo.
            cleaned["published_at"] = timezone.now()
        if cleaned.get("lead_image") and not cleaned.get("lead_image_alt"):
            self.add_error(
                "lead_image_alt", "Describe the lead image for readers who can't see it."
            )
        return cleaned


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, Scheduled (published with a time to come) or Published: as of this request."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Release.Status.PUBLISHED)
        match self.value():
            case "draft":
                return queryset.filter(status=Release.Status.DRAFT)
            case "scheduled":
                return published.filter(published_at__gt=now)
            case "published":
                return published.filter(published_at__lte=now)
        return queryset


def _number(value):
    """The int of a plain ASCII number, else None ("²".isdigit() is true; int("²") fails)."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,9}", value) else None


class YearFilter(admin.SimpleListFilter):
    """Every year from the first release to the last, newest first.

    The years come from the earliest and latest publication times (two ends of an index),
    not from a DISTINCT over every release's year: quick at 100,000 releases, which is also
    why the list has this filter and a month one rather than Django's date_hierarchy.
    """

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        if span["first"] is None:
            return []
        first, last = (span[end].astimezone(EASTERN).year for end in ("first", "last"))
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        year = _number(self.value())
        if year is not None:
            if not 1789 <= year <= 2100:
                return queryset.none()
            start = datetime(year, 1, 1, tzinfo=EASTERN)
            end = datetime(year + 1, 1, 1, tzinfo=EASTERN)
            return queryset.filter(published_at__gte=start, published_at__lt=end)
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """The months of the chosen year (shown once a year is chosen)."""

    title = "month"
    parameter_name = "month"

    def _year(self, request):
        year = _number(request.GET.get(YearFilter.parameter_name))
        return year if year is not None and 1789 <= year <= 2100 else None

    def lookups(self, request, model_admin):
        if self._year(request) is None:
            return []
        return [(str(n), calendar.month_name[n]) for n in range(1, 13)]

    def queryset(self, request, queryset):
        year = self._year(request)
        month = _number(self.value())
        if year is None or month is None or not 1 <= month <= 12:
            return queryset
        start = datetime(year, month, 1, tzinfo=EASTERN)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=EASTERN)
        return queryset.filter(published_at__gte=start, published_at__lt=end)


@admin.register(Release)
class ReleaseAdmin(OfficeReleaseAdminMixin, ReleaseHistoryAdmin):  # offices, publishing, history
    form = ReleaseAdminForm
    inlines = [ReleaseSenatorInline, QuoteInline, PreviewLinkInline, CorrectionInline]
    list_display = ["title", "issued_by", "status_display", "published_eastern", "updated"]
    list_filter = [
        PublicationStateFilter, ("senators", OfficeSenatorListFilter), "topics", YearFilter,
        MonthFilter,
    ]  # fmt: skip
    search_fields = ["title", "body", "highlights"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "legislation", "organizations"]
    readonly_fields = ["publication_state", "created_at", "created_by", "updated_at", "updated_by"]
    list_per_page = 50
    save_on_top = True
    actions = ["publish_now", "return_to_draft"]

    class Media:
        css = {"all": ["newsroom_admin/release.css"]}

    fieldsets = [
        (None, {"fields": ["title", "slug", "highlights", "dateline", "body",
                           "opened_version"]}),
        ("Publication", {
            "fields": [("status", "published_at"), "publication_state"],
            "description": "Times are Eastern Time (America/New_York). Publish with no time to "
                           "publish now; with a future time to embargo a release: it goes live "
                           "at that second by itself.",
        }),
        ("About", {"fields": ["topics", "legislation", "cited_bills", "organizations"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_alt", "lead_image_caption"],
                        "classes": ["collapse"]}),
        ("History", {"fields": [("created_at", "created_by"), ("updated_at", "updated_by")],
                     "classes": ["collapse"]}),
    ]  # fmt: skip

    def get_urls(self):
        return paste_urls(self) + super().get_urls()  # "Paste a release" (admin_paste.py)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("updated_by")
            .prefetch_related(
                Prefetch(
                    "releasesenator_set",
                    queryset=ReleaseSenator.objects.select_related("senator"),
                    to_attr="issuers",
                )
            )
        )

    @admin.display(description="Senators")
    def issued_by(self, release):
        return ", ".join(
            f"{i.senator.last_name} ({i.senator.party_state})" for i in release.issuers
        )

    @admin.display(description="Status", ordering="status")
    def status_display(self, release):
        if release.is_embargoed():
            when = timezone.localtime(release.published_at, EASTERN)
            return format_html(
                '<span class="state state--scheduled" title="Embargoed until then">'
                "Scheduled<br><small>{}</small></span>",
                when.strftime("%b %-d, %-I:%M %p %Z"),
            )
        return format_html(
            '<span class="state state--{}">{}</span>', release.status, release.get_status_display()
        )

    @admin.display(description="Now")
    def publication_state(self, release):
        """Where the saved release stands at this moment, in words a press office uses."""
        if release.pk is None:
            return "Not saved yet"
        when = (
            timezone.localtime(release.published_at, EASTERN).strftime(
                "%A, %B %-d, %Y, %-I:%M:%S %p %Z"
            )
            if release.published_at
            else None
        )
        if release.is_embargoed():
            return f"Scheduled: embargoed until {when}"
        if release.is_public():
            return f"Published {when}"
        return "Draft: not public"

    @admin.display(description="Publication (ET)", ordering="published_at")
    def published_eastern(self, release):
        if not release.published_at:
            return "—"
        return timezone.localtime(release.published_at, EASTERN).strftime("%b %-d, %Y %-I:%M %p %Z")

    @admin.display(description="Last change", ordering="updated_at")
    def updated(self, release):
        when = timezone.localtime(release.updated_at, EASTERN).strftime("%b %-d %-I:%M %p %Z")
        return f"{when} by {release.updated_by}" if release.updated_by else when

    def view_on_site(self, release):
        if release.is_public():
            return release.get_absolute_url()
        return reverse("releases:preview", args=[release.pk])  # staff preview, in the public design

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if "lead_image" in form.changed_data:
            # Renditions are made here, once per upload, rather than on every save of a
            # release (publishing, imports, reindexing) or when a page is requested.
            obj.lead_image_widths = image_renditions_make(
                field_file=obj.lead_image, widths=LEAD_IMAGE_WIDTHS
            )
            Release.objects.filter(pk=obj.pk).update(lead_image_widths=obj.lead_image_widths)

    def changeform_view(self, request, *args, **kwargs):
        # The release, its senators, quotes and links are saved one by one; index it once.
        with reindex_once():
            return super().changeform_view(request, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if cited := form.cleaned_data.get("cited_bills"):
            form.instance.legislation.add(*cited)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ReleaseSenator:
            return super().save_formset(request, form, formset, change)
        # The database allows one lead per release at any moment, so demote before promoting.
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for row in sorted(rows, key=lambda r: r.role == ReleaseSenator.Role.LEAD):
            row.save()
        formset.save_m2m()

    @admin.action(description="Publish selected releases now", permissions=["publish"])
    def publish_now(self, request, queryset):
        published = 0
        for release in queryset:
            if not release.is_public():
                release_publish(release=release, by=request.user, at=timezone.now())
                published += 1
        self.message_user(request, f"Published {published} release(s).", messages.SUCCESS)

    @admin.action(description="Return selected releases to draft", permissions=["publish"])
    def return_to_draft(self, request, queryset):
        for release in queryset:
            release_unpublish(release=release, by=request.user)
        self.message_user(request, f"{len(queryset)} release(s) returned to draft.")
