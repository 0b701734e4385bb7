"""The read-only JSON API at /api/v1/.

Only public data, ever: every release queryset starts from `Release.objects.published()`
inside `get_queryset()` (per request, so an embargo lifts on time), quotes come only from
public releases, and the release counts on senators, topics, bills and organizations count
only public releases. A draft's or an embargoed release's record is a 404, as if it did
not exist.
"""

from django.db.models import F, Prefetch
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation

from api import serializers
from api.errors import BadParametersSerializer, NotFoundSerializer, reject_unknown_parameters
from api.filters import filter_quotes, filter_releases
from api.pagination import MAX_PAGE_SIZE, NewsroomCursorPagination
from api.schema import repeatable
from people.models import Organization, Senator
from releases.bill_ids import canonical_bill_id
from releases.models import Legislation, Quote, Release, Topic, public_release_count
from releases.selectors import kept_public_link_counts


class JSONAlways(BaseContentNegotiation):
    """The API speaks JSON only: answer it whatever the Accept header asks (no 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def with_record_prefetches(releases):
    """Everything a release record nests, in one query per relation, whatever the count."""
    return releases.for_display(document_text=False)


# The schema's words for the parameters.

SLUG = "^[-a-zA-Z0-9_]+$"
BILL_ID = "^[a-z]+[0-9]+-[0-9]+$"

PAGINATION = [
    OpenApiParameter(
        "cursor", OpenApiTypes.STR, description="Where a page starts: take it from `next`."
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Records per page, 1 to {MAX_PAGE_SIZE} (default 20).",
    ),
]


def identifier(name, pattern, description, example):
    """A path parameter: a record's public identifier."""
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": pattern},
        OpenApiParameter.PATH,
        description=description,
        examples=[OpenApiExample(example, value=example)],
    )


# Who spoke a quote (the quote list's own filter; its others come from the registry).
SPEAKER = repeatable("senator", "A senator's slug or Bioguide ID (`K000367`).", "amy-klobuchar")
ERRORS = {
    400: OpenApiResponse(
        BadParametersSerializer,
        description="A parameter is unknown, malformed or names nothing: each one is named.",
    )
}
NOT_FOUND = {
    404: OpenApiResponse(NotFoundSerializer, description="No public record has this identifier.")
}
FILTER_RULES = (
    "Different parameters narrow the list (AND); a repeated one widens it (OR). "
    "An unknown parameter, a malformed value or one that names nothing is a 400 naming it."
)


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    content_negotiation_class = JSONAlways
    pagination_class = NewsroomCursorPagination
    ordering = ()  # the list's order, unique in the end: what the cursor follows
    takes_filters = False  # True: get_queryset checks the parameters itself

    def filter_queryset(self, queryset):
        # A detail takes no parameters; a list's filters are checked in get_queryset.
        if self.action != "list":
            reject_unknown_parameters(self.request, ())
        elif not self.takes_filters:
            reject_unknown_parameters(self.request, ("cursor", "page_size"))
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Public releases, newest first",
        description=f"The public list's filters and search. {FILTER_RULES}",
        parameters=PAGINATION,  # and the registry's filters (api/schema.py)
        responses={200: serializers.ReleaseSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One public release",
        description="By its numeric ID (in every record, with its `slug` and page `url`).",
        responses={200: serializers.ReleaseSerializer, **ERRORS, **NOT_FOUND},
    ),
)
class ReleaseViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.ReleaseSerializer
    queryset = Release.objects.none()  # for the schema; requests use get_queryset
    lookup_value_regex = "[0-9]{1,18}"
    ordering = ("-published_at", "-id")
    takes_filters = True
    registry_filters = True

    def get_queryset(self):
        releases = Release.objects.published()
        if self.action == "list":
            releases = filter_releases(self.request, releases)
        return with_record_prefetches(releases)


class CountedViewSet(PublicReadOnlyViewSet):
    # Senators, topics, bills or organizations, each with `release_count`: its public
    # releases. The counts kept for the site's pages serve when there are some (no count in
    # the query); else the page's query counts its own objects' releases. (Comments, not a
    # docstring: the schema would show it as each operation's description.)

    counted = ""  # the registry's filter naming them: "senator", "topic"...

    def get_queryset(self):
        objects = self.get_objects()
        self.kept_counts = kept_public_link_counts(self.counted)
        if self.kept_counts is None:
            return objects.annotate(release_count=public_release_count("releases"))
        return objects

    def get_serializer(self, *args, **kwargs):
        counts = getattr(self, "kept_counts", None)
        instance = args[0] if args else kwargs.get("instance")
        if counts is not None and instance is not None:
            for obj in instance if kwargs.get("many") else [instance]:
                obj.release_count = counts.get(obj.pk, 0)
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="Senators",
        parameters=PAGINATION,
        responses={200: serializers.SenatorSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One senator, by Bioguide ID",
        parameters=[identifier("bioguide_id", "^[A-Z][0-9]{6}$", "A Bioguide ID.", "K000367")],
        responses={200: serializers.SenatorSerializer, **ERRORS, **NOT_FOUND},
    ),
)
class SenatorViewSet(CountedViewSet):
    serializer_class = serializers.SenatorSerializer
    lookup_field = "bioguide_id"
    lookup_value_regex = "[A-Z][0-9]{6}"
    ordering = ("last_name", "first_name", "bioguide_id")
    counted = "senator"

    def get_objects(self):
        return Senator.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="Topics",
        parameters=PAGINATION,
        responses={200: serializers.TopicSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One topic, by slug",
        parameters=[identifier("slug", SLUG, "A topic's slug.", "human-trafficking")],
        responses={200: serializers.TopicSerializer, **ERRORS, **NOT_FOUND},
    ),
)
class TopicViewSet(CountedViewSet):
    serializer_class = serializers.TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG.strip("^$")
    ordering = ("name",)
    counted = "topic"

    def get_objects(self):
        return Topic.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="Bills and resolutions",
        description="Newest Congress first.",
        parameters=PAGINATION,
        responses={200: serializers.LegislationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One bill, by bill ID",
        parameters=[
            identifier(
                "bill_id",
                BILL_ID,
                "A bill ID: type, number, congress. Other ways of writing it (`113-s-1733`, "
                "`S.1733-113`, `S. 1733 (113th)`) are a 301 to this one.",
                "s1733-113",
            )
        ],
        responses={
            200: serializers.LegislationSerializer,
            301: OpenApiResponse(
                description="The ID written another way: `Location` is the record's address."
            ),
            **ERRORS,
            **NOT_FOUND,
        },
    ),
)
class LegislationViewSet(CountedViewSet):
    serializer_class = serializers.LegislationSerializer
    lookup_field = "bill_id"
    lookup_value_regex = "[^/]+"  # any way of writing it: retrieve() redirects to the ID
    ordering = ("-congress", "bill_type", "number")
    counted = "legislation"

    def retrieve(self, request, *args, **kwargs):
        # S.1733-113, 113-s-1733 (congress.gov), S. 1733 (113th): a 301 to the record's one
        # address, as the bill's page does; what names no bill is the usual 404.
        given = kwargs[self.lookup_field]
        canonical = canonical_bill_id(given)
        if canonical is None:
            raise NotFound()
        if canonical != given:
            reject_unknown_parameters(request, ())
            if not Legislation.objects.filter(bill_id=canonical).exists():
                raise NotFound()
            return HttpResponsePermanentRedirect(
                reverse("api:legislation-detail", kwargs={"bill_id": canonical})
            )
        return super().retrieve(request, *args, **kwargs)

    def get_objects(self):
        return Legislation.objects.select_related("sponsor").prefetch_related(
            Prefetch("cosponsors", queryset=Senator.objects.order_by("last_name"))
        )


@extend_schema_view(
    list=extend_schema(
        summary="Organizations named in releases",
        parameters=PAGINATION,
        responses={200: serializers.OrganizationSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One organization, by slug",
        parameters=[identifier("slug", SLUG, "An organization's slug.", "united-nations")],
        responses={200: serializers.OrganizationSerializer, **ERRORS, **NOT_FOUND},
    ),
)
class OrganizationViewSet(CountedViewSet):
    serializer_class = serializers.OrganizationSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG.strip("^$")
    ordering = ("name", "slug")
    counted = "organization"

    def get_objects(self):
        return Organization.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="Quotes from public releases, newest release first",
        description="`senator` is who spoke; `topic` and `legislation` are the release's. "
        + FILTER_RULES,
        parameters=[SPEAKER, *PAGINATION],  # and the topic and bill filters (api/schema.py)
        responses={200: serializers.QuoteSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One quote",
        responses={200: serializers.QuoteSerializer, **ERRORS, **NOT_FOUND},
    ),
)
class QuoteViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.QuoteSerializer
    queryset = Quote.objects.none()  # for the schema; requests use get_queryset
    lookup_value_regex = "[0-9]{1,18}"
    # In the release's order within a release; `published_at` is the release's.
    ordering = ("-published_at", "-release_id", "order", "id")
    takes_filters = True
    registry_filters = ("topic", "legislation")

    def get_queryset(self):
        quotes = (
            Quote.objects.public()
            .annotate(published_at=F("release__published_at"))
            .select_related("release", "senator", "speaker_organization")
        )
        if self.action == "list":
            quotes = filter_quotes(self.request, quotes)
        return quotes
