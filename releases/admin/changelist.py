"""The release list for staff on deadline: work in progress on top, filters that scale, and
the public site's full-text search.

- Order: drafts, then scheduled and published releases by time, newest first (the
  `(status, published_at)` index serves it: "draft" sorts before "published"), so work in
  progress is on page 1, not page 40.
- Search: the same full-text search as the public list (search/query.py), over every release
  the user may see, drafts and embargoes included: "health" finds what the public search
  finds, plus the office's work in progress.
- Senators, topics and bills are searchable choices (releases/admin/filters.py) whose
  choices come from `FilterChoicesView`: the admin's autocomplete, narrowed to what the
  user's offices use.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import path

from releases.models import Release
from releases.selectors import office_senators, releases_for, sees_all_offices
from search.query import clean_query, search

FILTERED_FIELDS = {"senators", "topics", "legislation"}


class FilterChoicesView(AutocompleteJsonView):
    """The choices of the list's senator, topic and bill filters, as the admin's
    autocomplete answers them (select2's JSON), found by the related admin's search.

    Office staff are offered their offices' senators only, and the topics and bills their
    offices' releases use; those who see every office, all of them. The release form's own
    pickers use the admin's autocomplete, which offers every topic and bill."""

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if source_field.model is not Release or source_field.name not in FILTERED_FIELDS:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if sees_all_offices(user):
            return queryset
        if self.source_field.name == "senators":
            return queryset.filter(pk__in=office_senators(user).values("pk"))
        links = self.source_field.remote_field.through.objects.filter(
            release__in=releases_for(user).values("pk")
        )
        return queryset.filter(pk__in=links.values(self.source_field.m2m_reverse_field_name()))


def _select2_media():
    """What the searchable filters need: the admin's own jQuery, select2 and autocomplete,
    as its autocomplete widget asks for them (so the form's copies are the same files)."""
    extra = "" if settings.DEBUG else ".min"
    return forms.Media(
        js=[
            f"admin/js/vendor/jquery/jquery{extra}.js",
            f"admin/js/vendor/select2/select2.full{extra}.js",
            "admin/js/jquery.init.js",
            "admin/js/autocomplete.js",
            "newsroom_admin/release_list.js",
        ],
        css={
            "screen": [
                f"admin/css/vendor/select2/select2{extra}.css",
                "admin/css/autocomplete.css",
                "newsroom_admin/release_list.css",
            ]
        },
    )


class ReleaseListMixin:
    """For ReleaseAdmin: the list's order, search, and the filters' choices."""

    # Drafts first, then by publication time, newest (and scheduled) first; among drafts,
    # the one changed last first.
    ordering = ["status", F("published_at").desc(nulls_first=True), "-updated_at"]
    search_fields = ["title"]  # shows the search box; get_search_results does the search
    search_help_text = (
        "Searches the words of releases, their quotes, senators, topics, bills and "
        "organizations, as the public site does, drafts included."
    )

    @property
    def media(self):
        return super().media + _select2_media()

    def get_search_results(self, request, queryset, search_term):
        if not clean_query(search_term):
            return queryset, False
        # Every release is in the index, drafts too; the list's own queryset (the user's
        # offices, the filters chosen) then narrows the matches.
        matches = search(Release.objects.all(), search_term)
        return queryset.filter(pk__in=matches.values("pk")), False

    def get_urls(self):
        opts = self.opts
        view = FilterChoicesView.as_view(admin_site=self.admin_site)
        return [
            path(
                "filter-choices/",
                self.admin_site.admin_view(view),
                name=f"{opts.app_label}_{opts.model_name}_filter_choices",
            ),
        ] + super().get_urls()
