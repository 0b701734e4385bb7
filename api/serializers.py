"""The API's records: public identifiers (Bioguide IDs, bill IDs, slugs), absolute URLs,
ISO 8601 times with their UTC offset (shown in Eastern time, as the site shows them).

Every field is read-only, and every nested list is read from a prefetch: a record never
runs a query of its own.
"""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mailing.messages import absolute as site_url
from people.models import Organization, Senator
from releases.models import Correction, Legislation, Quote, Release, ReleaseSenator, Topic
from releases.seo import public_updated_at


def absolute(context, path):
    """`path` as an absolute URL: on the request's host, or, for a record written far from
    any request (the bulk files), on the site's address (settings.NEWSROOM_SITE_URL)."""
    request = context.get("request")
    if request is None:
        return site_url(path)
    return request.build_absolute_uri(path)


class LinksMixin:
    # `url` (the public page) and `api_url` (this record); `api_lookup` names the attribute
    # that is the API's identifier for the object. (Comments, not a docstring: the schema
    # would show it as every record's description.)

    api_route = ""
    api_lookup = "pk"

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj):
        return absolute(self.context, reverse(self.api_route, args=[getattr(obj, self.api_lookup)]))


class ReleasesLinkMixin:
    # `releases_api_url`: the public releases filtered by this object.

    releases_filter = ""
    releases_lookup = "slug"

    @extend_schema_field(OpenApiTypes.URI)
    def get_releases_api_url(self, obj):
        query = urlencode({self.releases_filter: getattr(obj, self.releases_lookup)})
        return absolute(self.context, f"{reverse('api:release-list')}?{query}")


class OptionalURLField(serializers.URLField):
    """A URL the record may lack: null then, not "" (which is no URL)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


# Small records, nested in others.


class KeptRefMixin:
    # A small record is the same wherever it is nested: the senators, topics, bills and
    # organizations a page or an export names over and over are worked out once per
    # response (kept on the outermost serializer, so never across requests and hosts), not
    # once per mention. (Comments, not a docstring: the schema would show it.)

    def ref_key(self, obj):
        return obj.pk

    def to_representation(self, instance):
        kept = self.root.__dict__.setdefault("_kept_refs", {})
        key = (type(self), self.ref_key(instance))
        if key not in kept:
            kept[key] = super().to_representation(instance)
        return dict(kept[key])


class SenatorRefSerializer(KeptRefMixin, LinksMixin, serializers.ModelSerializer):
    """A senator, in short."""

    api_route, api_lookup = "api:senator-detail", "bioguide_id"
    name = serializers.CharField(help_text="As the Senate writes it: official full name.")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Senator
        fields = ["bioguide_id", "slug", "name", "party", "state", "url", "api_url"]
        read_only_fields = fields


class IssuerSerializer(KeptRefMixin, serializers.ModelSerializer):
    """A senator issuing a release, as the lead senator or joining it."""

    bioguide_id = serializers.CharField(source="senator.bioguide_id")
    slug = serializers.CharField(source="senator.slug")
    name = serializers.CharField(source="senator.name")
    party = serializers.CharField(source="senator.party")
    state = serializers.CharField(source="senator.state")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseSenator
        fields = ["bioguide_id", "slug", "name", "party", "state", "role", "url", "api_url"]
        read_only_fields = fields

    def ref_key(self, obj):
        return (obj.senator_id, obj.role)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return absolute(self.context, obj.senator.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj):
        return absolute(self.context, reverse("api:senator-detail", args=[obj.senator.bioguide_id]))


class TopicRefSerializer(KeptRefMixin, LinksMixin, serializers.ModelSerializer):
    """A topic, in short."""

    api_route, api_lookup = "api:topic-detail", "slug"
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["slug", "name", "url", "api_url"]
        read_only_fields = fields


class LegislationRefSerializer(KeptRefMixin, LinksMixin, serializers.ModelSerializer):
    """A bill, in short."""

    api_route, api_lookup = "api:legislation-detail", "bill_id"
    citation = serializers.CharField(help_text="As cited in prose: “S. 1733”.")
    title = serializers.CharField(help_text="The short title, else the official one.")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Legislation
        fields = ["bill_id", "citation", "congress", "title", "url", "api_url"]
        read_only_fields = fields


class OrganizationRefSerializer(KeptRefMixin, LinksMixin, serializers.ModelSerializer):
    """An organization, in short."""

    api_route, api_lookup = "api:organization-detail", "slug"
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["slug", "name", "kind", "url", "api_url"]
        read_only_fields = fields


class QuoteInReleaseSerializer(serializers.ModelSerializer):
    """A quote, attributed to a senator or to a named person."""

    speaker = serializers.CharField(help_text="The senator's name, or the named speaker's.")
    senator = serializers.CharField(
        source="senator.bioguide_id",
        allow_null=True,
        help_text="The speaking senator's Bioguide ID; null when the speaker is not a senator.",
    )
    speaker_organization = OrganizationRefSerializer(allow_null=True)
    attribution = serializers.CharField(
        help_text="“Amy Klobuchar (D-MN)” or “Jane Doe, Director, Example Center”."
    )

    class Meta:
        model = Quote
        fields = [
            "id", "text", "speaker", "senator", "speaker_title", "speaker_organization",
            "attribution",
        ]  # fmt: skip
        read_only_fields = fields


class ReleaseRefSerializer(LinksMixin, serializers.ModelSerializer):
    """A release, in short."""

    api_route = "api:release-detail"
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["id", "title", "slug", "published_at", "url", "api_url"]
        read_only_fields = fields


class LeadImageSerializer(serializers.Serializer):
    """The release's lead image."""

    url = serializers.SerializerMethodField()
    alt = serializers.CharField(source="lead_image_alt")
    caption = serializers.CharField(source="lead_image_caption")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return absolute(self.context, obj.lead_image.url)


class CorrectionSerializer(serializers.ModelSerializer):
    """A public correction note on the release."""

    noted_at = serializers.DateTimeField(help_text="When it was noted: ISO 8601 with the offset.")

    class Meta:
        model = Correction
        fields = ["text", "noted_at"]
        read_only_fields = fields


class DocumentSerializer(serializers.Serializer):
    """A PDF document on the release: a letter, a bill summary."""

    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The PDF.")
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    pages = serializers.IntegerField(source="page_count", read_only=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return absolute(self.context, obj.file.url)


# Full records.


class ReleaseSerializer(LinksMixin, serializers.ModelSerializer):
    """A public press release, with its senators, quotes, topics, bills and organizations."""

    api_route = "api:release-detail"
    url = serializers.SerializerMethodField(help_text="The release's page.")
    api_url = serializers.SerializerMethodField(help_text="This record.")
    published_at = serializers.DateTimeField(
        help_text="ISO 8601 with the UTC offset (Eastern time)."
    )
    highlights = serializers.ListField(
        child=serializers.CharField(),
        source="highlight_list",
        help_text="The summary bullets above the dateline.",
    )
    body_html = serializers.CharField(help_text="The body rendered from Markdown, sanitized.")
    body_markdown = serializers.CharField(source="body")
    lead_image = serializers.SerializerMethodField()
    senators = IssuerSerializer(
        source="issuers", many=True, help_text="The lead senator first, then those joining."
    )
    quotes = QuoteInReleaseSerializer(many=True)
    topics = TopicRefSerializer(many=True)
    legislation = LegislationRefSerializer(many=True)
    organizations = OrganizationRefSerializer(many=True)
    updated_at = serializers.SerializerMethodField(
        help_text="When readers were last told of a change: the latest correction's time, "
        "else the publication time."
    )
    corrections = CorrectionSerializer(many=True, help_text="Public corrections, oldest first.")
    documents = DocumentSerializer(many=True, help_text="Its PDF documents, in order.")
    type = serializers.CharField(
        source="type_slug",
        help_text="press-release, statement, op-ed, letter, floor-remarks or media-advisory.",
    )
    outlet = serializers.CharField(help_text="Op-eds: where it ran (else empty).")
    outlet_url = OptionalURLField(help_text="Op-eds: the piece at its outlet.")
    congressional_record = serializers.CharField(
        help_text="Floor remarks: the Congressional Record citation (else empty)."
    )
    congressional_record_url = OptionalURLField()
    source_url = OptionalURLField(
        help_text="Where it was first published, for a release brought from an archive."
    )

    class Meta:
        model = Release
        fields = [
            "id", "type", "title", "slug", "url", "api_url", "published_at", "updated_at",
            "outlet", "outlet_url", "congressional_record", "congressional_record_url",
            "dateline",
            "highlights", "body_html", "body_markdown", "lead_image", "senators", "quotes",
            "topics", "legislation", "organizations", "corrections", "documents", "source_url",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, obj):
        return serializers.DateTimeField().to_representation(public_updated_at(obj))

    @extend_schema_field(LeadImageSerializer(allow_null=True))
    def get_lead_image(self, obj):
        if not obj.lead_image:
            return None
        return LeadImageSerializer(obj, context=self.context).data


class SenatorSerializer(LinksMixin, ReleasesLinkMixin, serializers.ModelSerializer):
    """A U.S. senator, current or former, identified by the Bioguide ID."""

    api_route, api_lookup = "api:senator-detail", "bioguide_id"
    releases_filter, releases_lookup = "senator", "bioguide_id"
    name = serializers.CharField(help_text="Official full name, else first and last name.")
    title = serializers.CharField(help_text="“Sen.” or “Former Sen.”")
    photo = serializers.ImageField(allow_null=True, help_text="Absolute URL, or null.")
    website = OptionalURLField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    release_count = serializers.IntegerField(help_text="Public releases issued or joined.")
    releases_api_url = serializers.SerializerMethodField()

    class Meta:
        model = Senator
        fields = [
            "bioguide_id", "slug", "name", "first_name", "last_name", "official_full_name",
            "title", "party", "state", "in_office", "term_start", "term_end", "website",
            "photo", "url", "api_url", "release_count", "releases_api_url",
        ]  # fmt: skip
        read_only_fields = fields


class TopicSerializer(LinksMixin, ReleasesLinkMixin, serializers.ModelSerializer):
    """A curated subject releases are filed under."""

    api_route, api_lookup = "api:topic-detail", "slug"
    releases_filter = "topic"
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    release_count = serializers.IntegerField(help_text="Public releases on this topic.")
    releases_api_url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "slug", "name", "description", "url", "api_url", "release_count", "releases_api_url",
        ]  # fmt: skip
        read_only_fields = fields


class LegislationSerializer(LinksMixin, ReleasesLinkMixin, serializers.ModelSerializer):
    """A federal bill or resolution, identified by its bill ID (`s1733-113`)."""

    api_route, api_lookup = "api:legislation-detail", "bill_id"
    releases_filter, releases_lookup = "legislation", "bill_id"
    citation = serializers.CharField(help_text="As cited in prose: “S. 1733”.")
    title = serializers.CharField(help_text="The short title, else the official one.")
    sponsor = SenatorRefSerializer(allow_null=True)
    cosponsors = SenatorRefSerializer(many=True)
    congress_gov_url = serializers.URLField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    release_count = serializers.IntegerField(help_text="Public releases naming this bill.")
    releases_api_url = serializers.SerializerMethodField()

    class Meta:
        model = Legislation
        fields = [
            "bill_id", "bill_type", "number", "congress", "citation", "title", "short_title",
            "official_title", "status", "introduced_on", "summary", "sponsor", "cosponsors",
            "congress_gov_url", "url", "api_url", "release_count", "releases_api_url",
        ]  # fmt: skip
        read_only_fields = fields


class OrganizationSerializer(LinksMixin, ReleasesLinkMixin, serializers.ModelSerializer):
    """An organization releases name: a nonprofit, an agency, a company..."""

    api_route, api_lookup = "api:organization-detail", "slug"
    releases_filter = "organization"
    website = OptionalURLField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    release_count = serializers.IntegerField(help_text="Public releases naming it.")
    releases_api_url = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "slug", "name", "kind", "website", "description", "wikidata_id", "url", "api_url",
            "release_count", "releases_api_url",
        ]  # fmt: skip
        read_only_fields = fields


class QuoteSerializer(QuoteInReleaseSerializer):
    """A quote from a public release, with the release it is from."""

    release = ReleaseRefSerializer()
    url = serializers.SerializerMethodField(help_text="The quote's place on its release page.")

    class Meta(QuoteInReleaseSerializer.Meta):
        fields = [*QuoteInReleaseSerializer.Meta.fields, "url", "release"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, quote):
        return absolute(self.context, quote.get_absolute_url())
