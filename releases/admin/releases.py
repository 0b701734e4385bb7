"""The release admin: the form, its inlines, the list and its actions.

Office visibility and the publishing permission come from releases/admin/offices.py, the
sign-offs of joint senators' offices from releases/admin/signoffs.py, the versions pages from
releases/admin/history.py, preview links from releases/admin/previews.py.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.eastern import eastern
from core.images import LEAD_IMAGE_WIDTHS, image_renditions_make
from releases.admin.changelist import ReleaseListMixin
from releases.admin.filters import (
    BillChoiceFilter,
    MonthFilter,
    PublicationStateFilter,
    ReviewListFilter,
    SenatorChoiceFilter,
    TopicChoiceFilter,
    YearFilter,
)
from releases.admin.forms import (
    GrowingTextarea,
    IssuingSenatorForm,
    IssuingSenatorFormSet,
    ReleaseAdminForm,
)
from releases.admin.history import CorrectionInline, ReleaseHistoryAdmin
from releases.admin.offices import OfficeReleaseAdminMixin
from releases.admin.previews import PreviewLinkInline
from releases.admin.publishing import PublishingPanelMixin
from releases.admin.signoffs import (
    SignOffAdminMixin,
    SignOffListFilter,
    signoff_summary,
    signoffs_prefetch,
)
from releases.models import Correction, PreviewLink, Quote, Release, ReleaseSenator
from releases.services import release_publish, release_unpublish
from search.indexing import reindex_once


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
            kwargs["widget"] = GrowingTextarea()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Release)
class ReleaseAdmin(
    ReleaseListMixin, PublishingPanelMixin, OfficeReleaseAdminMixin, SignOffAdminMixin,
    ReleaseHistoryAdmin,
):  # fmt: skip
    form = ReleaseAdminForm
    inlines = [ReleaseSenatorInline, QuoteInline, PreviewLinkInline, CorrectionInline]
    list_display = ["title", "issued_by", "status_display", "published_eastern", "updated"]
    # The list's order, search and the searchable filters' choices: releases/admin/changelist.py.
    list_filter = [
        PublicationStateFilter, "type", ReviewListFilter, SignOffListFilter,
        ("senators", SenatorChoiceFilter), ("topics", TopicChoiceFilter),
        ("legislation", BillChoiceFilter), YearFilter, MonthFilter,
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "legislation", "organizations"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    list_per_page = 50
    actions = ["publish_now", "return_to_draft"]
    # Parts of the change page other apps add, so that releases need not know them
    # (distribution: the release sent to press lists). Each has `tools(request, release)`,
    # buttons for the top of the page as (label, url) pairs, and `section(request, release)`,
    # None or a dict naming the "template" shown above the form, with what it shows.
    page_parts = []

    class Media:
        css = {"all": ["css/article.css", "newsroom_admin/release.css"]}
        js = ["newsroom_admin/release_form.js"]

    # The form in the order an office works: the title, who issues it and from where, the
    # words, what it is about, the image, then the rest. The inlines go between the
    # fieldsets (`inlines_after`, templates/admin/releases/release/change_form.html); the
    # status and time are the publishing panel's (releases/admin/publishing.py).
    fieldsets = [
        (None, {"fields": ["title", "type"]}),
        ("Where it ran", {
            "fields": [("outlet", "outlet_url"), ("congressional_record",
                                                  "congressional_record_url")],
            "description": "Op-eds: the outlet and the piece's address there. Floor remarks: "
                           "the Congressional Record citation and link.",
            "classes": ["type-details"],
        }),
        ("Dateline and text", {"fields": ["dateline", "highlights", "body", "opened_version"]}),
        ("Topics, bills and organizations", {
            "fields": ["topics", "legislation", "cited_bills", "organizations"],
        }),
        ("Lead image", {"fields": ["lead_image", "lead_image_alt", "lead_image_caption"]}),
        ("Address", {"fields": ["slug"]}),
        ("History", {"fields": [("created_at", "created_by"), ("updated_at", "updated_by")],
                     "classes": ["collapse"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
    ]  # fmt: skip
    inlines_after = {ReleaseSenator: 0, Quote: 2, PreviewLink: 5, Correction: 5}

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
                ),
                signoffs_prefetch(),
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
            return format_html(
                '<span class="state state--scheduled" title="Embargoed until then">'
                "Scheduled<br><small>{}</small></span>{}",
                eastern(release.published_at, "scheduled"),
                signoff_summary(release),
            )
        return format_html(
            '<span class="state state--{}">{}</span>{}', release.status,
            release.get_status_display(), signoff_summary(release),
        )  # fmt: skip

    # Drafts, which have no time, first when sorted soonest first and last the other way,
    # on every database (PostgreSQL puts NULLs last in ascending order, SQLite first).
    @admin.display(description="Publication (ET)",
                   ordering=F("published_at").asc(nulls_first=True))  # fmt: skip
    def published_eastern(self, release):
        return eastern(release.published_at, "column")

    @admin.display(description="Last change", ordering="updated_at")
    def updated(self, release):
        when = eastern(release.updated_at, "column_no_year")
        return f"{when} by {release.updated_by}" if release.updated_by else when

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["page_tools"] = [
                tool for part in self.page_parts for tool in part.tools(request, obj)
            ]
            context["page_sections"] = [
                section for part in self.page_parts if (section := part.section(request, obj))
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def view_on_site(self, release):
        if release.is_public():
            return release.get_absolute_url()
        return reverse("releases:preview", args=[release.pk])  # staff preview, in the public design

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a class made for this request: who saves (forms.py, slug)
        return form

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
        published, skipped = 0, []
        for release in queryset:
            if release.is_public():
                continue
            try:
                release_publish(release=release, by=request.user, at=timezone.now())
            except ValidationError as error:  # a sign-off holds it back
                skipped.append(f"“{release}”: {' '.join(error.messages)}")
            else:
                published += 1
        self.message_user(request, f"Published {published} release(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Not published ({len(skipped)}): " + " ".join(skipped), messages.WARNING
            )

    def version_restore_view(self, request, object_id, version_id):
        try:
            return super().version_restore_view(request, object_id, version_id)
        except ValidationError as error:  # a sign-off covers the words the release has now
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(self._url("history"), object_id)

    @admin.action(description="Return selected releases to draft", permissions=["publish"])
    def return_to_draft(self, request, queryset):
        for release in queryset:
            release_unpublish(release=release, by=request.user)
        self.message_user(request, f"{len(queryset)} release(s) returned to draft.")
