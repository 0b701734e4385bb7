"""A release, who issues it, and the publication rule."""

import json
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from markdownx.models import MarkdownxField
from modelsearch import index
from simple_history.models import HistoricalRecords

from core.eastern import EASTERN, eastern_date
from core.images import image_srcset
from core.sql import id_array
from people.models import Organization, Senator
from releases.markdown import render_markdown
from releases.models.editorial import Correction, FormerSlug
from releases.models.quote import Quote
from releases.models.subjects import Legislation, Topic


def year_span(year):
    """The first moment of `year` and of the next, in Eastern time."""
    return datetime(year, 1, 1, tzinfo=EASTERN), datetime(year + 1, 1, 1, tzinfo=EASTERN)


def public_condition(prefix=""):
    """The publication rule as a condition: published, and its time has come.

    `prefix` reaches a release from another model ("release__" from a quote).
    """
    return Q(**{
        f"{prefix}status": Release.Status.PUBLISHED,
        f"{prefix}published_at__lte": timezone.now(),
    })  # fmt: skip


class IdAmong(models.Func):
    """`id = ANY(ARRAY(subquery))` (PostgreSQL): the subquery is run once, and the ids it
    gives looked up by primary key; the planner cannot turn it into a join."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = models.BooleanField()


class AmongListed(models.Func):
    """`column` among a list of ids sent as one parameter: an array on PostgreSQL, a JSON
    list on SQLite (json_each), so that ten thousand ids are neither ten thousand
    parameters nor a subquery run again (a search's matches, counted by facet)."""

    output_field = models.BooleanField()

    def __init__(self, expression, ids):
        self.ids = [int(i) for i in ids]
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):  # other databases: the ids written out
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", [*params, id_array(self.ids)]


# Newest first by an expression no index matches (COALESCE of the column with itself), so
# the database sorts the rows it found (ReleaseQuerySet.among_few).
_SORT_TIME = Coalesce("published_at", "published_at")
SORTED_BY_TIME = (_SORT_TIME.desc(), F("pk").desc())
SORTED_BY_TIME_ASC = (_SORT_TIME.asc(), F("pk").asc())


class ReleaseQuerySet(models.QuerySet):
    """Where releases stand, as of this moment: every public surface asks these.

    A release is public when it is published and its time has come; a later time is an
    embargo (`scheduled()`), which lifts by itself with no cron. `hidden()` is all the rest.
    Nothing outside this package compares `status` or `published_at` to decide publication
    (tests/releases/test_publication_rule.py reads the source tree for it).
    """

    def published(self):
        """The publication rule, evaluated per request."""
        return self.filter(public_condition())

    def drafts(self):
        return self.filter(status=Release.Status.DRAFT)

    def scheduled(self):
        """Published with a time still to come: embargoed."""
        return self.filter(status=Release.Status.PUBLISHED, published_at__gt=timezone.now())

    def hidden(self):
        """Every release the publication rule keeps out (drafts and embargoes), in a form
        the (status, published_at) index serves."""
        unpublished = [s for s in Release.Status.values if s != Release.Status.PUBLISHED]
        return self.filter(
            Q(status__in=unpublished)
            | Q(status=Release.Status.PUBLISHED, published_at__gt=timezone.now())
        )

    def hidden_ids(self):
        """The ids of `hidden()` as a subquery of two index ranges (the unpublished statuses,
        then the embargoes) joined by UNION ALL: on PostgreSQL each is read from the
        (status, published_at) index alone, where the OR made it scan all of it."""
        unpublished = [s for s in Release.Status.values if s != Release.Status.PUBLISHED]
        return (
            self.filter(status__in=unpublished).order_by().values("pk")
            .union(self.scheduled().order_by().values("pk"), all=True)
        )  # fmt: skip

    def next_embargo(self):
        """When the next scheduled release goes live (None if none is scheduled)."""
        return self.scheduled().aggregate(next=models.Min("published_at"))["next"]

    def published_between(self, start, end):
        """Publication times from `start` up to (not including) `end`: ranges the
        publication-time index serves (an archive month, a year)."""
        return self.filter(published_at__gte=start, published_at__lt=end)

    def published_in_years(self, years):
        """Published in any of `years` (Eastern time), as index ranges, not EXTRACT."""
        condition = Q()
        for year in sorted(set(years)):
            start, end = year_span(year)
            condition |= Q(published_at__gte=start, published_at__lt=end)
        return self.filter(condition) if years else self

    def count_by_year(self, first, last):
        """{year: how many} for the years `first` to `last` (Eastern time) in one pass:
        each row's year is a CASE over the years' first moments, comparisons the
        publication-time index holds (rows before `first` count for it)."""
        years = range(last, first - 1, -1)
        year = models.Case(
            *(models.When(published_at__gte=year_span(y)[0], then=models.Value(y))
              for y in years[:-1]),
            default=models.Value(first),
            output_field=models.IntegerField(),
        )  # fmt: skip
        rows = self.order_by().annotate(year_=year).values("year_")
        return dict(rows.annotate(n=models.Count("*")).values_list("year_", "n"))

    def older_than(self, moment, pk):
        """Releases after (moment, pk) in the list's order, newest first: the next page by
        position, read from the publication-time index (or sorted, as `among_few` sorts)."""
        return self.filter(
            Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk),
            published_at__lte=moment,
        ).order_by(*self._time_order(descending=True))

    def among_few(self, ids):
        """The releases whose ids `ids` (a subquery) gives, a thousand or so at most, newest
        first. On PostgreSQL, looked up by primary key and sorted: given `pk__in`, it walks
        every public release newest first and probes each, expecting them spread over the
        years, and a bill's releases are of its Congress (for a bill of 2017, 257,000
        releases walked at 500,000: 230 ms; these 630 lookups and a sort: 6 ms). SQLite,
        with no statistics, would scan every public release for the list: `pk__in` there."""
        if connections[self.db].vendor != "postgresql":
            return self.filter(pk__in=ids)
        return self.filter(IdAmong(F("pk"), models.Subquery(ids))).order_by(*SORTED_BY_TIME)

    def _time_order(self, *, descending):
        sorted_ = tuple(self.query.order_by) == SORTED_BY_TIME
        if descending:
            return SORTED_BY_TIME if sorted_ else ("-published_at", "-pk")
        return SORTED_BY_TIME_ASC if sorted_ else ("published_at", "pk")

    def taken_slugs(self, prefix, *, by=None):
        """The slugs starting with `prefix` that release `by` may not take: every other
        release's own, and their former slugs (a renamed public release's old address stays
        its own); `by`'s own former slugs are free to it again."""
        others = self.exclude(pk=by.pk) if by is not None and by.pk else self
        own = others.filter(slug__startswith=prefix).values_list("slug", flat=True)
        former = FormerSlug.objects.filter(slug__startswith=prefix)
        if by is not None and by.pk:
            former = former.exclude(release_id=by.pk)
        return {*own, *former.values_list("slug", flat=True)}

    def free_slug(self, slug, *, by=None):
        """`slug`, or the first of slug-2, slug-3... that release `by` may take (no other
        release has or had it). The admin form and the importer both ask this."""
        taken = self.taken_slugs(slug[:190], by=by)  # room for the suffix
        candidate, n = slug, 2
        while candidate in taken:
            candidate = f"{slug[: 200 - len(str(n)) - 1].rstrip('-')}-{n}"
            n += 1
        return candidate

    def newer_than(self, moment, pk):
        """Releases before (moment, pk) in the list's order, nearest first."""
        return self.filter(
            Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk),
            published_at__gte=moment,
        ).order_by(*self._time_order(descending=False))

    def for_listing(self):
        """What a list of releases shows: senators in order, topics."""
        return self.prefetch_related(
            models.Prefetch(
                "releasesenator_set",
                queryset=ReleaseSenator.objects.select_related("senator"),
                to_attr="issuers",
            ),
            "topics",
        )

    def with_quotes(self):
        return self.prefetch_related(
            models.Prefetch(
                "quotes", queryset=Quote.objects.select_related("senator", "speaker_organization")
            )
        )

    def with_last_correction(self):
        """Each release annotated with `last_correction_at`: its latest correction's time."""
        latest = Correction.objects.filter(release=models.OuterRef("pk")).order_by("-noted_at")
        return self.annotate(last_correction_at=models.Subquery(latest.values("noted_at")[:1]))

    def for_display(self, *, document_text=True):
        """All a release page or API record shows: one query per relation. Without
        `document_text` the PDFs' extracted text (up to a megabyte each) stays in the
        database: an API page lists documents, the release page shows their text."""
        documents = self.model._meta.get_field("documents").related_model  # documents/
        kept = documents.objects.all() if document_text else documents.objects.defer("text")
        return (
            self.for_listing()
            .with_quotes()
            .with_last_correction()
            .prefetch_related(
                models.Prefetch(
                    "legislation", queryset=Legislation.objects.select_related("sponsor")
                ),
                "organizations",
                "corrections",  # oldest first (Correction.Meta.ordering)
                models.Prefetch("documents", queryset=kept),  # its PDFs, in order
            )
        )


def public_release_count(relation="releases"):
    """Count(relation) over public releases only: drafts and embargoes add nothing."""
    return models.Count(
        relation, filter=Q(**{f"{relation}__in": Release.objects.published().values("pk")})
    )


class ReleaseType(models.IntegerChoices):
    """What kind of statement a release is. Stored as a small number (alerts keep a filter's
    values as numbers); addressed by its slug (`?type=op-ed`) everywhere the public sees it."""

    PRESS_RELEASE = 1, "Press release"
    STATEMENT = 2, "Statement"
    OP_ED = 3, "Op-ed"
    LETTER = 4, "Letter"
    FLOOR_REMARKS = 5, "Floor remarks"
    MEDIA_ADVISORY = 6, "Media advisory"

    @property
    def slug(self):
        return slugify(self.label)

    @property
    def plural(self):
        """ "Statements": a list's heading names what it holds."""
        return {"Floor remarks": "Floor remarks", "Media advisory": "Media advisories"}.get(
            self.label, f"{self.label}s"
        )

    @classmethod
    def by_slug(cls, slug):
        """The type a slug names, or None."""
        return next((member for member in cls if member.slug == slug), None)


class Release(index.Indexed, models.Model):
    """A press release issued by one or more senators."""

    Type = ReleaseType

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    type = models.PositiveSmallIntegerField(
        choices=ReleaseType.choices, default=ReleaseType.PRESS_RELEASE,
        help_text="An op-ed names where it ran; floor remarks their Congressional Record "
        "citation; a letter carries its document; a media advisory its event.",
    )  # fmt: skip
    # An op-ed: where it ran, and the address there (the page's canonical link).
    outlet = models.CharField(
        "outlet", max_length=200, blank=True,
        help_text="Op-eds: the publication, e.g. “Star Tribune”.",
    )  # fmt: skip
    outlet_url = models.URLField(
        "where it ran", max_length=500, blank=True,
        help_text="Op-eds: the address of the piece at the outlet (the page's canonical link).",
    )  # fmt: skip
    # Floor remarks: where the Congressional Record prints them.
    congressional_record = models.CharField(
        "Congressional Record citation", max_length=200, blank=True,
        help_text="Floor remarks: e.g. “160 Cong. Rec. S3181 (daily ed. May 21, 2014)”.",
    )  # fmt: skip
    congressional_record_url = models.URLField(
        "Congressional Record link", max_length=500, blank=True,
        help_text="Floor remarks: the page on congress.gov or govinfo.gov.",
    )  # fmt: skip
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the release's permanent address.",
    )
    highlights = models.TextField(
        blank=True, help_text="The summary bullets above the dateline, one per line."
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text="City and state, e.g. “Minneapolis, MN”."
    )
    body = MarkdownxField(help_text="Markdown. The preview shows it as the public page will.")
    body_html = models.TextField(editable=False, default="")
    lead_image = models.ImageField(upload_to="releases/%Y/%m/", blank=True)
    lead_image_alt = models.CharField("lead image alt text", max_length=300, blank=True)
    lead_image_caption = models.CharField(max_length=300, blank=True)
    # The widths the lead image is served at (core/images.py makes the renditions when
    # the image is saved), so a page builds its srcset without looking at storage.
    lead_image_widths = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="Eastern Time (America/New_York). A future time is an embargo: "
        "the release goes live at that moment.",
    )
    senators = models.ManyToManyField(
        Senator, through="ReleaseSenator", related_name="releases", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="releases", blank=True)
    legislation = models.ManyToManyField(Legislation, related_name="releases", blank=True)
    organizations = models.ManyToManyField(Organization, related_name="releases", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # The review step, for offices that want one: an assistant marks a draft ready, the
    # office's press secretaries see it on their desk; publishing stays theirs. Cleared
    # when the release is published or sent back to its writer.
    review_requested_at = models.DateTimeField("ready for review since", null=True, blank=True,
                                               editable=False)  # fmt: skip
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+", verbose_name="marked ready by",
    )  # fmt: skip
    # Set by `import_releases` and the admin's paste view: a hash of where the text came from,
    # so importing the same file again updates its draft instead of adding another.
    import_key = models.CharField(max_length=64, blank=True, db_index=True)
    # Where an archived release was first published (a senator's own site): shown as
    # "Originally published at", kept when the site is gone.
    source_url = models.URLField("originally published at", max_length=1000, blank=True)

    objects = ReleaseQuerySet.as_manager()
    # Every change, with who and when (django-simple-history); the admin shows the versions,
    # a diff between them, and restores one. Derived fields are left out of the record.
    history = HistoricalRecords(
        excluded_fields=["body_html", "lead_image_widths", "import_key", "updated_at"],
        m2m_fields=[topics, legislation, organizations],
    )

    # Full-text search (modelsearch: SQLite FTS5, PostgreSQL full-text search, or
    # Elasticsearch/OpenSearch by settings). The filter fields are those the publication
    # rule and the archives filter on before searching.
    search_fields = [
        index.SearchField("title", boost=5),
        index.SearchField("highlights", boost=2),
        index.SearchField("body"),
        index.SearchField("dateline"),
        index.RelatedFields("senators", [
            index.SearchField("first_name"), index.SearchField("last_name", boost=2),
            index.SearchField("official_full_name"),
        ]),
        index.RelatedFields("topics", [index.SearchField("name", boost=2)]),
        index.RelatedFields("organizations", [index.SearchField("name")]),
        index.RelatedFields("legislation", [
            index.SearchField("short_title", boost=2), index.SearchField("official_title"),
            index.SearchField("citation_forms"),
        ]),
        index.RelatedFields("quotes", [index.SearchField("text")]),
        # The words of its PDFs (documents/: a document saved or deleted reindexes it).
        index.RelatedFields("documents", [index.SearchField("search_text")]),
        index.FilterField("status"),
        index.FilterField("published_at"),
        index.FilterField("type"),
    ]  # fmt: skip
    # releases/signals.py reindexes a release itself, so that an import or the admin, which
    # write a release and then its senators, quotes and links, can do it once at the end.
    search_auto_update = False

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_release", "Can publish, schedule and unpublish releases"),
            ("edit_all_offices", "Can see and edit every office's releases"),
        ]
        indexes = [
            # The list, newest first (ties by id, as it orders them); and the releases the
            # rule hides read from the index alone (ids and types: the unfiltered facets
            # subtract them). Key columns, not INCLUDE: SQLite has no INCLUDE.
            models.Index(
                fields=["status", "-published_at", "-id", "type"], name="release_status_pub_idx"
            ),  # fmt: skip
            # ?type=statement, newest first; and the type facet's counts.
            models.Index(fields=["type", "-published_at"], name="release_type_pub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="release_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(lead_image="") | ~Q(lead_image_alt=""),
                name="release_lead_image_has_alt",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        local = eastern_date(self.published_at or self.created_at or timezone.now())
        return reverse(
            "releases:release",
            kwargs={"year": local.year, "month": local.month, "slug": self.slug},
        )

    def is_public(self):
        """The publication rule for one release in hand (ReleaseQuerySet.published())."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_embargoed(self):
        """Scheduled: published with a time still to come."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def source_domain(self):
        """The site `source_url` is on, as a reader knows it: "klobuchar.senate.gov"."""
        host = urlsplit(self.source_url).hostname or ""
        return host.removeprefix("www.")

    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def highlight_list(self):
        return [line.strip(" •*-\t") for line in self.highlights.splitlines() if line.strip()]

    @property
    def body_lead_html(self):
        """The body's first paragraph: quotes are set right after it, as releases run."""
        head, sep, _ = self.body_html.partition("</p>")
        return head + sep if sep else self.body_html

    @property
    def body_lead_with_dateline_html(self):
        """The first paragraph led by the dateline, as releases run: "MINNEAPOLIS, MN — U.S.
        Senators…" (a body that opens with no paragraph keeps the dateline on its own)."""
        lead = self.body_lead_html
        if not self.dateline:
            return mark_safe(lead)  # noqa: S308 (sanitized body)
        dateline = format_html('<strong class="dateline">{}</strong> —', self.dateline.upper())
        if lead.startswith("<p>"):
            return mark_safe(f"<p>{dateline} {lead.removeprefix('<p>')}")  # noqa: S308 (sanitized body)
        return mark_safe(f"<p>{dateline}</p>{lead}")  # noqa: S308

    @property
    def body_rest_html(self):
        _, sep, tail = self.body_html.partition("</p>")
        return tail if sep else ""

    @property
    def lead_image_srcset(self):
        return image_srcset(self.lead_image, self.lead_image_widths)

    @property
    def lead_senator(self):
        """The lead senator, else the first to issue it, else None; from the `issuers`
        that for_listing() loads when there are, without a query."""
        issuers = getattr(self, "issuers", None)
        if issuers is None:
            issuers = list(self.releasesenator_set.select_related("senator"))
        lead = next((i for i in issuers if i.role == ReleaseSenator.Role.LEAD), None)
        lead = lead or next(iter(issuers), None)
        return lead.senator if lead else None

    def derive_slug(self):
        return slugify(self.title)[:200].strip("-")

    def clean(self):
        super().clean()
        if self.type == ReleaseType.OP_ED and not self.outlet.strip():
            raise ValidationError({"outlet": "An op-ed names the outlet it ran in."})

    @property
    def type_slug(self):
        return ReleaseType(self.type).slug

    @property
    def canonical_url(self):
        """Where the piece first ran, when that is elsewhere (an op-ed at its outlet): the
        page's canonical link; otherwise None (the page is its own)."""
        return self.outlet_url if self.type == ReleaseType.OP_ED and self.outlet_url else None

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude=exclude)
        if not (exclude and "slug" in exclude):
            self._check_slug_is_not_former()

    def _check_slug_is_not_former(self):
        """A renamed release's old address keeps redirecting to it, so no other release may
        take that slug (it would take over the "permanent" address)."""
        taken = FormerSlug.objects.filter(slug=self.slug).exclude(release_id=self.pk)
        if self.slug and taken.exists():
            raise ValidationError(
                {"slug": "This address was a published release's before it was renamed, and "
                 "it still leads there. Choose another slug."}
            )  # fmt: skip

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.derive_slug()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "slug" in update_fields:
            self._check_slug_is_not_former()  # whatever saves it: the admin, an import, code
        self.body_html = render_markdown(self.body)
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)


class ReleaseSenator(models.Model):
    """A senator issuing a release: the lead senator, or joining it."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        JOINT = "joint", "Joint"

    release = models.ForeignKey(Release, on_delete=models.CASCADE)
    senator = models.ForeignKey(Senator, on_delete=models.PROTECT)
    role = models.CharField(max_length=5, choices=Role.choices, default=Role.LEAD)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "issuing senator"
        constraints = [
            models.UniqueConstraint(fields=["release", "senator"], name="release_senator_once"),
            models.UniqueConstraint(
                fields=["release"], condition=Q(role="lead"), name="release_one_lead_senator",
                violation_error_message="A release has only one lead senator.",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["senator", "release"])]

    def __str__(self):
        return f"{self.senator} ({self.get_role_display()})"
