from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField
from modelsearch import index
from simple_history.models import HistoricalRecords

from newsroom.images import image_srcset
from people.models import Organization, Senator

from .markdown import render_markdown

EASTERN = ZoneInfo("America/New_York")


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Topic(models.Model):
    """A curated subject a release is filed under (not a free-form tag)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("releases:topic", kwargs={"slug": self.slug})


class Legislation(models.Model):
    """A federal bill or resolution, in the unitedstates/congress convention (s1733-113)."""

    class BillType(models.TextChoices):
        HR = "hr", "H.R."
        S = "s", "S."
        HRES = "hres", "H.Res."
        SRES = "sres", "S.Res."
        HJRES = "hjres", "H.J.Res."
        SJRES = "sjres", "S.J.Res."
        HCONRES = "hconres", "H.Con.Res."
        SCONRES = "sconres", "S.Con.Res."

    class Status(models.TextChoices):
        INTRODUCED = "introduced", "Introduced"
        REPORTED = "reported", "Reported by committee"
        PASSED_SENATE = "passed_senate", "Passed the Senate"
        PASSED_HOUSE = "passed_house", "Passed the House"
        PASSED_CONGRESS = "passed_congress", "Passed Congress"
        ENACTED = "enacted", "Became law"
        VETOED = "vetoed", "Vetoed"
        FAILED = "failed", "Failed"

    # congress.gov's path segment for each bill type.
    CONGRESS_GOV_TYPES = {
        "hr": "house-bill", "s": "senate-bill",
        "hres": "house-resolution", "sres": "senate-resolution",
        "hjres": "house-joint-resolution", "sjres": "senate-joint-resolution",
        "hconres": "house-concurrent-resolution", "sconres": "senate-concurrent-resolution",
    }  # fmt: skip

    bill_type = models.CharField(max_length=7, choices=BillType.choices)
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    congress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="2013–2014 is the 113th Congress."
    )
    bill_id = models.CharField(
        "bill ID", max_length=20, unique=True, editable=False, help_text="e.g. s1733-113"
    )
    official_title = models.TextField(blank=True)
    short_title = models.CharField(max_length=300, blank=True)
    sponsor = models.ForeignKey(
        Senator, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_bills"
    )
    cosponsors = models.ManyToManyField(Senator, blank=True, related_name="cosponsored_bills")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTRODUCED)
    introduced_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-congress", "bill_type", "number"]
        verbose_name_plural = "legislation"
        # The lists' order (/legislation/, the API's cursor), newest Congress first.
        indexes = [
            models.Index(fields=["-congress", "bill_type", "number"], name="legislation_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bill_type", "number", "congress"], name="legislation_unique_bill"
            ),
        ]

    def __str__(self):
        return f"{self.citation} ({ordinal(self.congress)} Congress)"

    def get_absolute_url(self):
        return reverse("releases:legislation", kwargs={"bill_id": self.bill_id})

    @property
    def citation(self):
        """ "S. 1733", as a bill is cited in prose."""
        return f"{self.get_bill_type_display()} {self.number}"

    @property
    def title(self):
        return self.short_title or self.official_title

    def citation_forms(self):
        """The ways people write this bill, for search: "S. 1733", "S1733", "s1733-113"."""
        prefix = self.get_bill_type_display()
        compact = prefix.replace(".", "")
        n, congress = self.number, self.congress
        return (
            f"{prefix} {n} {compact} {n} {compact}{n} {self.bill_id} {compact}{n} {congress} "
            f"{ordinal(congress)} Congress"
        )

    @property
    def congress_gov_url(self):
        return (
            f"https://www.congress.gov/bill/{ordinal(self.congress)}-congress/"
            f"{self.CONGRESS_GOV_TYPES[self.bill_type]}/{self.number}"
        )

    def save(self, *args, **kwargs):
        self.bill_id = f"{self.bill_type}{self.number}-{self.congress}"
        super().save(*args, **kwargs)


class ReleaseQuerySet(models.QuerySet):
    def with_status(self, status):
        return self.filter(status=status)

    def released_by(self, moment):
        return self.filter(published_at__lte=moment)

    def published(self):
        """The publication rule: published, and its time has come (a later time is an embargo).

        Every public surface goes through this, evaluated per request.
        """
        return self.with_status(Release.Status.PUBLISHED).released_by(timezone.now())

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

    def for_display(self):
        """All a release page or API record shows: one query per relation."""
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
            )
        )


def public_release_count(relation="releases"):
    """Count(relation) over public releases only: drafts and embargoes add nothing."""
    return models.Count(
        relation, filter=Q(**{f"{relation}__in": Release.objects.published().values("pk")})
    )


class Release(index.Indexed, models.Model):
    """A press release issued by one or more senators."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
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
    # The widths the lead image is served at (newsroom/images.py makes the renditions when
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
    # Set by `import_releases` and the admin's paste view: a hash of where the text came from,
    # so importing the same file again updates its draft instead of adding another.
    import_key = models.CharField(max_length=64, blank=True, db_index=True)

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
        index.FilterField("status"),
        index.FilterField("published_at"),
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
            models.Index(fields=["status", "-published_at"], name="release_status_pub_idx"),
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
        local = timezone.localtime(self.published_at or self.created_at or timezone.now(), EASTERN)
        return reverse(
            "releases:release",
            kwargs={"year": local.year, "month": local.month, "slug": self.slug},
        )

    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_embargoed(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def highlight_list(self):
        return [line.strip(" •*-\t") for line in self.highlights.splitlines() if line.strip()]

    @property
    def body_lead_html(self):
        """The body's first paragraph: quotes are set right after it, as releases run."""
        head, sep, _ = self.body_html.partition("</p>")
        return head + sep if sep else self.body_html

    @property
    def body_rest_html(self):
        _, sep, tail = self.body_html.partition("</p>")
        return tail if sep else ""

    @property
    def lead_image_srcset(self):
        return image_srcset(self.lead_image, self.lead_image_widths)

    def derive_slug(self):
        return slugify(self.title)[:200].strip("-")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.derive_slug()
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
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


class Quote(index.Indexed, models.Model):
    """A quote in a release, spoken by a senator or by a named person."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="quotes")
    senator = models.ForeignKey(
        Senator, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes"
    )
    speaker_name = models.CharField(max_length=200, blank=True, help_text="When not a senator.")
    speaker_title = models.CharField(max_length=200, blank=True)
    speaker_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    search_fields = [
        index.SearchField("text"),
        index.SearchField("speaker_name"),
        index.RelatedFields("senator", [
            index.SearchField("first_name"), index.SearchField("last_name"),
        ]),
        index.FilterField("release"),
        index.FilterField("senator"),
    ]  # fmt: skip

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(senator__isnull=False) & Q(speaker_name=""))
                | (Q(senator__isnull=True) & ~Q(speaker_name="")),
                name="quote_has_one_speaker",
                violation_error_message="A quote is spoken by a senator or by a named person, "
                "not both.",
            ),
        ]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"

    def get_absolute_url(self):
        """The quote's permalink: its place on the release page."""
        return f"{self.release.get_absolute_url()}#quote-{self.pk}"

    @property
    def speaker(self):
        return self.senator.name if self.senator_id else self.speaker_name

    @property
    def attribution(self):
        """ "Amy Klobuchar (D-MN)" or "Jane Doe, Director, Example Center"."""
        if self.senator_id:
            return str(self.senator)
        parts = [self.speaker_name, self.speaker_title]
        if self.speaker_organization_id:
            parts.append(self.speaker_organization.name)
        return ", ".join(p for p in parts if p)

    @property
    def paragraphs(self):
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


# Registered with the releases app from here (see releases/editorial.py).
from .editorial import Correction, FormerSlug, PreviewLink  # noqa: E402, F401
