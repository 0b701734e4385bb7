"""/archive/: the monthly bulk files, their checksums and the change log.

Every view reads the small `BulkFile` and `ArchiveChange` tables, never the releases: no
request builds a file. The files themselves are served from storage (a local disk under
MEDIA_ROOT, or S3), linked by their storage URL; `/archive/<name>` redirects to the current
bytes of a month, so a script can keep one address.
"""

import json
from datetime import date

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from bulkdata.models import ArchiveChange, BulkFile
from core.eastern import eastern_iso

LATEST_CHANGES = 50


def file_record(request, bulk_file):
    """A file as index.json lists it."""
    return {
        "name": bulk_file.name,
        "month": bulk_file.month,
        "format": bulk_file.format,
        "url": request.build_absolute_uri(default_storage.url(bulk_file.path)),
        "sha256": bulk_file.sha256,
        "size": bulk_file.size,
        "count": bulk_file.count,
        "built_at": eastern_iso(bulk_file.built_at),
    }


def change_record(change):
    """A change as changes.jsonl holds it."""
    record = {
        "at": eastern_iso(change.at),
        "kind": change.kind,
        "release_id": change.release_id,
        "title": change.title,
        "url": change.url,
        "month": change.month,
    }
    if change.kind == ArchiveChange.Kind.CORRECTED:
        record["text"] = change.text
    return record


def archive(request):
    files = list(BulkFile.objects.all())
    months = {}
    for bulk_file in files:
        bulk_file.url = default_storage.url(bulk_file.path)
        months.setdefault(bulk_file.month, {})[bulk_file.format] = bulk_file
    rows = [
        {
            "month": month, "first_day": date.fromisoformat(f"{month}-01"),
            "jsonl": formats.get("jsonl"), "csv": formats.get("csv"),
        }
        for month, formats in sorted(months.items(), reverse=True)
    ]  # fmt: skip
    context = {
        "rows": rows,
        "release_count": sum(f.count for f in files if f.format == BulkFile.Format.JSONL),
        "built_at": max((f.built_at for f in files), default=None),
        "changes": ArchiveChange.objects.all()[:LATEST_CHANGES],
    }
    return render(request, "bulkdata/archive.html", context)


def index_json(request):
    files = BulkFile.objects.order_by("month", "format")
    index = {
        "description": "Every public release, one file per month of publication (Eastern "
        "time) and format, gzipped. Each JSON line, and each CSV row, is the API's release "
        "record.",
        "files": [file_record(request, bulk_file) for bulk_file in files],
        "changes_url": request.build_absolute_uri(reverse("bulkdata:changes")),
        "sha256sums_url": request.build_absolute_uri(reverse("bulkdata:sha256sums")),
    }
    return HttpResponse(
        json.dumps(index, ensure_ascii=False, indent=1), content_type="application/json"
    )


def sha256sums(request):
    """What `sha256sum -c SHA256SUMS` checks, beside the downloaded files."""
    files = BulkFile.objects.order_by("month", "format")
    lines = "".join(f"{f.sha256}  {f.name}\n" for f in files)
    return HttpResponse(lines, content_type="text/plain; charset=utf-8")


def changes_jsonl(request):
    """Every change, newest first, one JSON object a line, read in chunks."""
    changes = ArchiveChange.objects.all().iterator(chunk_size=1000)
    lines = (json.dumps(change_record(c), ensure_ascii=False) + "\n" for c in changes)
    return StreamingHttpResponse(lines, content_type="application/jsonl; charset=utf-8")


def bulk_file(request, name):
    """A month's file by its name: a redirect to its current bytes in storage."""
    found = BulkFile.objects.filter(name=name).only("path").first()
    if found is None:
        raise Http404("No such file.")
    return HttpResponseRedirect(default_storage.url(found.path))
