from django.contrib import admin
from django.utils.html import format_html

from .models import Organization, Senator


@admin.register(Senator)
class SenatorAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "name", "party", "state", "bioguide_id", "in_office"]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["in_office", "party", "state"]
    search_fields = ["first_name", "last_name", "official_full_name", "bioguide_id", "state"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    readonly_fields = ["thumbnail"]
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
            '<img src="{}" alt="" width="40" height="48" style="object-fit:cover;'
            'border-radius:4px">',
            senator.photo.url,
        )

    @admin.display(description="Name", ordering="last_name")
    def name(self, senator):
        return senator.name


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["name", "description", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
