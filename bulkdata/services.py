"""Building the monthly bulk files, and noting what the change log holds.

A month is read in chunks (`iterator(chunk_size=...)`, the API's prefetches per chunk: a
fixed number of queries per chunk) and streamed through gzip into temporary files, one per
format, in one pass: memory holds one chunk, whatever the month's size. Each record is the
API's (api/serializers.py `ReleaseSerializer`, without a request: its URLs are on
NEWSROOM_SITE_URL).

The gzip stream carries no time and no file name, so the same releases give the same bytes:
a month whose SHA-256 is unchanged is not written again. A changed one is saved under a
new storage name (its hash in the path), and only then does its `BulkFile` row point to
it; the old file is deleted once that commits. A reader is never handed a half-written file,
on a local disk or on S3.
"""

import csv
import gzip
import hashlib
import io
import json
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from api.export import spreadsheet_safe
from api.serializers import ReleaseSerializer
from api.views import with_record_prefetches
from bulkdata.models import ArchiveChange, BulkFile, month_bounds, month_of
from core import caching
from mailing.messages import absolute as site_url
from releases.models import Correction, Release

CHUNK_SIZE = 200  # releases read, and prefetched for, at a time
STORAGE_DIR = "archive"

CSV_COLUMNS = [
    "id", "type", "published_at", "updated_at", "title", "slug", "url", "api_url",
    "senators", "senator_roles", "senator_names", "legislation", "topics", "organizations",
    "dateline", "highlights", "body_markdown", "body_html", "quotes", "corrections",
    "source_url", "outlet", "outlet_url", "congressional_record", "congressional_record_url",
    "lead_image_url", "documents",
]  # fmt: skip
CSV_LISTS = {  # column: (record field, key), joined with "; "
    "senators": ("senators", "bioguide_id"),
    "senator_roles": ("senators", "role"),
    "senator_names": ("senators", "name"),
    "legislation": ("legislation", "bill_id"),
    "topics": ("topics", "slug"),
    "organizations": ("organizations", "slug"),
}
CSV_JSON = {"quotes", "corrections", "documents"}  # nested records, as JSON in one cell


def csv_cells(record):
    """A release record (the API's) as the bulk CSV's row: lists of identifiers joined with
    "; " (lead senator first, roles in the same order), highlights one per line, quotes,
    corrections and documents as JSON."""
    cells = []
    for column in CSV_COLUMNS:
        if column in CSV_LISTS:
            field, key = CSV_LISTS[column]
            cell = "; ".join(item[key] for item in record[field])
        elif column in CSV_JSON:
            cell = json.dumps(record[column], ensure_ascii=False) if record[column] else ""
        elif column == "highlights":
            cell = "\n".join(record["highlights"])
        elif column == "lead_image_url":
            cell = (record["lead_image"] or {}).get("url") or ""
        else:
            cell = record[column]
        cells.append(spreadsheet_safe("" if cell is None else cell))
    return cells


def month_releases(month):
    """The public releases of `month`, oldest first."""
    start, end = month_bounds(month)
    return Release.objects.published().published_between(start, end).order_by("published_at", "id")


def public_months():
    """Every month that has a public release."""
    moments = Release.objects.published().values_list("published_at", flat=True)
    return sorted({month_of(moment) for moment in moments.iterator(chunk_size=2000)})


class _GzipOut:
    """A temporary file written through gzip, with no time or name in its header."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self.file, mtime=0)
        self.text = io.TextIOWrapper(self.gzip, encoding="utf-8", newline="")

    def finish(self):
        """Close the gzip stream; the stored bytes' SHA-256 and size."""
        self.text.close()  # closes the gzip stream too, not the file under it
        digest, size = hashlib.sha256(), 0
        self.file.seek(0)
        while block := self.file.read(1 << 16):
            digest.update(block)
            size += len(block)
        self.file.seek(0)
        return digest.hexdigest(), size

    def close(self):
        if not self.text.closed:
            self.text.close()
        self.file.close()


def _write_month(month, chunk_size):
    """The month's files, written to temporary files: {format: _GzipOut}, and the count."""
    jsonl, table = _GzipOut(), _GzipOut()
    try:
        writer = csv.writer(table.text)
        writer.writerow(CSV_COLUMNS)
        serializer = ReleaseSerializer(context={})  # one for all records: fields built once
        count = 0
        releases = with_record_prefetches(month_releases(month)).iterator(chunk_size=chunk_size)
        for release in releases:
            record = serializer.to_representation(release)
            jsonl.text.write(json.dumps(record, ensure_ascii=False) + "\n")
            writer.writerow(csv_cells(record))
            count += 1
    except BaseException:
        jsonl.close()
        table.close()
        raise
    return {BulkFile.Format.JSONL: jsonl, BulkFile.Format.CSV: table}, count


def _delete_later(paths):
    paths = [path for path in paths if path]
    if paths:
        transaction.on_commit(lambda: [default_storage.delete(path) for path in paths])


def archive_month_build(*, month, chunk_size=CHUNK_SIZE):
    """Bring `month`'s files in line with its public releases: the formats written (none if
    nothing changed). A month left with no public release loses its files."""
    outs, count = _write_month(month, chunk_size)
    try:
        with transaction.atomic():
            kept = {f.format: f for f in BulkFile.objects.select_for_update().filter(month=month)}
            if count == 0:
                _delete_later([f.path for f in kept.values()])
                BulkFile.objects.filter(pk__in=[f.pk for f in kept.values()]).delete()
                written = sorted(kept)
            else:
                written = [
                    format for format, out in outs.items()
                    if _store(month, format, out, count, kept.get(format))
                ]  # fmt: skip
            if written:
                caching.invalidate()  # the /archive/ page lists them
        return written
    finally:
        for out in outs.values():
            out.close()


def _store(month, format, out, count, existing):
    sha256, size = out.finish()
    if existing is not None and existing.sha256 == sha256:
        return False
    name = BulkFile.name_for(month, format)
    path = default_storage.save(f"{STORAGE_DIR}/{month}/{sha256[:16]}/{name}", File(out.file))
    BulkFile.objects.update_or_create(
        month=month, format=format,
        defaults=dict(name=name, path=path, sha256=sha256, size=size, count=count,
                      built_at=timezone.now()),
    )  # fmt: skip
    if existing is not None and existing.path != path:
        _delete_later([existing.path])
    return True


def archive_build(*, months):
    """Build each of `months` (idempotent); {month: formats written}."""
    return {month: archive_month_build(month=month) for month in sorted(set(months))}


def archive_change_note(*, release, kind, month):
    """Note in the change log that a public release was withdrawn or deleted."""
    return ArchiveChange.objects.create(
        kind=kind, release_id=release.pk, title=release.title[:300], month=month,
        url=site_url(release.get_absolute_url()),
    )  # fmt: skip


def corrections_note(*, correction_ids):
    """Note the corrections of public releases among `correction_ids` (once each)."""
    corrections = Correction.objects.filter(
        pk__in=correction_ids, release__in=Release.objects.published()
    ).select_related("release")
    for correction in corrections:
        release = correction.release
        ArchiveChange.objects.get_or_create(
            correction_id=correction.pk,
            defaults=dict(
                kind=ArchiveChange.Kind.CORRECTED, at=correction.noted_at,
                release_id=release.pk, title=release.title[:300], text=correction.text,
                month=month_of(release.published_at),
                url=site_url(release.get_absolute_url()),
            ),
        )  # fmt: skip
