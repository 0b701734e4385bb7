"""Where archived releases were posted: one row per record of an archive import."""

from django.db import models

from people.models import Senator
from releases.models import Release


class ArchiveSource(models.Model):
    """One office's posting of a release, as an archive (congress-press) recorded it.

    A joint release posted by two offices is one release with two sources, each with the
    title that office gave it. `import_key` (a hash of the address) makes an import
    idempotent; `text_key` and `title_key` find the release another office posted the same
    day or the day either side (see importing/archive.py)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="archive_sources")
    senator = models.ForeignKey(
        Senator, on_delete=models.SET_NULL, null=True, related_name="archive_sources"
    )
    url = models.URLField(max_length=1000)
    import_key = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=300, blank=True)
    published_on = models.DateField()
    text_key = models.CharField(max_length=64, blank=True)
    title_key = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["release", "pk"]
        indexes = [
            models.Index(fields=["text_key", "published_on"], name="archive_text_day_idx"),
            models.Index(fields=["title_key", "published_on"], name="archive_title_day_idx"),
        ]

    def __str__(self):
        return self.url
