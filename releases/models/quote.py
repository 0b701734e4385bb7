"""What is said in a release: quotes, spoken by a senator or by a named person."""

from django.db import models
from django.db.models import Q
from modelsearch import index
from simple_history.models import HistoricalRecords

from people.models import Organization, Senator


class QuoteQuerySet(models.QuerySet):
    def public(self):
        """Quotes in public releases only: a draft's or an embargoed release's words stay
        unsaid. The one definition of a public quote, for every page, feed and the API.

        A subquery on the release (a FilterField of the search index, so a search of public
        quotes is narrowed in the index too); for an unfiltered list add `newest_first()`.
        """
        from releases.models.release import Release

        return self.filter(release__in=Release.objects.published().values("pk"))

    def newest_first(self):
        """Public quotes, put so the database walks the releases newest first down their
        (status, published_at) index and stops at the page's end, rather than sorting every
        public quote for one page (1 s on SQLite at 100,000 releases; 8 ms so).

        The publication rule is stated on the join to the release too; it never narrows
        `public()`. (With a filter the filtered column's index is the better way in, so this
        is for unfiltered lists.)"""
        from releases.models.release import public_condition

        return self.public().filter(public_condition("release__"))


class Quote(index.Indexed, models.Model):
    """A quote in a release, spoken by a senator or by a named person."""

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="quotes")
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

    objects = QuoteQuerySet.as_manager()
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
    # releases/signals.py reindexes quotes (as it does releases), so that an import or an
    # admin save writing many quotes updates the index once, at the end, not once a quote.
    search_auto_update = False

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
