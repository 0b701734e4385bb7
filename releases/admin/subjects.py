"""Topics and bills in the admin: curated by newsroom admins, picked on the release form."""

import re

from django.contrib import admin

from releases.models import Legislation, Topic


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
