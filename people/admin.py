from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from core.images import PHOTO_WIDTHS, SafeImageField, image_renditions_make
from people.models import Organization, Senator


@admin.register(Senator)
class SenatorAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "name", "party", "state", "bioguide_id", "in_office"]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["in_office", "party", "state"]
    search_fields = ["first_name", "last_name", "official_full_name", "bioguide_id", "state"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    readonly_fields = ["thumbnail"]
    formfield_overrides = {models.ImageField: {"form_class": SafeImageField}}

    class Media:
        css = {"all": ["newsroom_admin/senator.css"]}

    fieldsets = [
        (None, {"fields": ["bioguide_id", ("first_name", "last_name"), "official_full_name",
                           "slug"]}),
        ("Office", {"fields": [("party", "state"), ("term_start", "term_end"), "in_office",
                               "website"]}),
        ("Official accounts", {"fields": [("twitter", "facebook"), ("youtube", "instagram"),
                                          "mastodon"], "classes": ["collapse"]}),
        ("Photo", {"fields": ["photo", "thumbnail"]}),
    ]  # fmt: skip

    @admin.display(description="Photo")
    def thumbnail(self, senator):
        if not senator.photo:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="40" height="48" class="senator-thumbnail">',
            senator.photo.url,
        )

    @admin.display(description="Name", ordering="last_name")
    def name(self, senator):
        return senator.name

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "photo" in form.changed_data:
            # Made once per upload, not on every save (imports) or page request.
            obj.photo_widths = image_renditions_make(field_file=obj.photo, widths=PHOTO_WIDTHS)
            Senator.objects.filter(pk=obj.pk).update(photo_widths=obj.photo_widths)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["name", "description", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
