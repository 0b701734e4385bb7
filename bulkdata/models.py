"""The bulk files as built (what /archive/ and index.json list) and the change log.

No request builds a file: pages read these rows, and the files themselves are served from
storage. A month is named "2014-05", its month of publication in Eastern time.
"""

from datetime import datetime

from django.db import models
from django.utils import timezone

from core.eastern import EASTERN


def month_bounds(month):
    """The first moment of `month` ("2014-05", Eastern time) and of the month after."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=EASTERN)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=EASTERN)
    return start, end


def month_of(moment):
    """The month ("2014-05") `moment` falls in, in Eastern time."""
    return f"{timezone.localtime(moment, EASTERN):%Y-%m}"


class BulkFile(models.Model):
    """One month's public releases in one format, as stored (gzipped) under `archive/`."""

    class Format(models.TextChoices):
        JSONL = "jsonl", "JSON Lines"
        CSV = "csv", "CSV"

    month = models.CharField(max_length=7, help_text="Of publication, Eastern time: 2014-05.")
    format = models.CharField(max_length=5, choices=Format.choices)
    name = models.CharField(max_length=100, help_text="releases-2014-05.jsonl.gz")
    path = models.CharField(max_length=300, help_text="Its name in the default storage.")
    sha256 = models.CharField(max_length=64, help_text="Of the stored (gzipped) bytes.")
    size = models.PositiveBigIntegerField(help_text="Stored bytes.")
    count = models.PositiveIntegerField(help_text="Releases in it.")
    built_at = models.DateTimeField(help_text="When these bytes were written.")

    class Meta:
        ordering = ["-month", "format"]
        constraints = [
            models.UniqueConstraint(fields=["month", "format"], name="bulk_file_once"),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def name_for(month, format):
        return f"releases-{month}.{format}.gz"


class ArchiveChange(models.Model):
    """A change to a release that had been public: corrected, or withdrawn (returned to
    draft, moved to a later time, or deleted). Kept after the release itself is gone."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", "Corrected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DELETED = "deleted", "Deleted"

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    release_id = models.BigIntegerField(help_text="Not a key: the release may be deleted.")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, help_text="Its page, when it was public.")
    month = models.CharField(max_length=7, help_text="The month file it was (or is) in.")
    text = models.TextField(blank=True, help_text="A correction's words.")
    correction_id = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="archive_change_newest")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
