"""Bulk export of a filtered list of public releases, as CSV or JSON, streamed.

Rows are read in chunks (`iterator(chunk_size=...)`, with the nested records prefetched
per chunk: one query per relation per chunk) and written as they come, so 100,000
releases never sit in memory at once. One serializer writes every row: building one per
release (its fields, and theirs) cost several times what the row itself costs.
"""

import csv
import itertools
import json

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from api.filters import filter_releases
from api.serializers import ReleaseSerializer
from api.views import ERRORS, FILTER_RULES, JSONAlways, with_record_prefetches
from core.eastern import eastern_date
from releases.models import Release

CHUNK_SIZE = 500  # releases read, and prefetched for, at a time
ROWS_PER_WRITE = 100  # rows handed to the server at a time, not one write per row

CSV_COLUMNS = [
    "id", "published_at", "title", "url", "senators", "senator_names", "topics",
    "legislation", "organizations", "dateline", "highlights",
]  # fmt: skip


class Echo:
    """A file-like object that hands back what is written, for csv.writer to stream through."""

    def write(self, value):
        return value


def export_releases(request):
    """The filtered public releases, newest first, as a chunked iterator.

    The filters are checked here, before the response starts: a bad one is a 400, not a
    broken download."""
    releases = filter_releases(request, Release.objects.published())
    return with_record_prefetches(releases.order_by("-published_at", "-id")).iterator(
        chunk_size=CHUNK_SIZE
    )


def _filename(extension):
    return f"releases-{eastern_date(timezone.now()):%Y-%m-%d}.{extension}"


def _disposition(extension):
    return f'attachment; filename="{_filename(extension)}"'


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_row(record):
    """One release record (as the API gives it) as a CSV row; lists joined with "; "."""
    return [spreadsheet_safe(cell) for cell in _cells(record)]


def _cells(record):
    return [
        record["id"],
        record["published_at"],
        record["title"],
        record["url"],
        "; ".join(s["bioguide_id"] for s in record["senators"]),
        "; ".join(s["name"] for s in record["senators"]),
        "; ".join(t["slug"] for t in record["topics"]),
        "; ".join(b["bill_id"] for b in record["legislation"]),
        "; ".join(o["slug"] for o in record["organizations"]),
        record["dateline"],
        "\n".join(record["highlights"]),
    ]


EXPORT_DESCRIPTION = (
    "Every public release the filters match (no pagination), newest first. " + FILTER_RULES
)


def batched(pieces):
    """The strings of `pieces` joined ROWS_PER_WRITE at a time."""
    return ("".join(batch) for batch in itertools.batched(pieces, ROWS_PER_WRITE))


class ExportView(APIView):
    content_negotiation_class = JSONAlways  # errors are JSON, whatever was asked for
    registry_filters = True  # the list's filters, in the schema too (api/schema.py)
    record_fields = None  # the record's fields this export writes; None: all

    def records(self, request):
        """The API's record of each release the filters match, newest first."""
        releases = export_releases(request)
        serializer = ReleaseSerializer(context={"request": request})
        if self.record_fields is not None:
            for name in [name for name in serializer.fields if name not in self.record_fields]:
                del serializer.fields[name]
        return map(serializer.to_representation, releases)


class ReleaseCSVExport(ExportView):
    record_fields = {
        "id", "published_at", "title", "url", "senators", "topics", "legislation",
        "organizations", "dateline", "highlights",
    }  # fmt: skip

    @extend_schema(
        summary="Export releases as CSV",
        description=EXPORT_DESCRIPTION
        + " Columns: "
        + ", ".join(CSV_COLUMNS)
        + ". Lists are joined with “; ”; highlights, one per line.",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8."),
            **ERRORS,
        },
    )
    def get(self, request):
        records = self.records(request)

        def rows():
            writer = csv.writer(Echo())
            yield writer.writerow(CSV_COLUMNS)
            for record in records:
                yield writer.writerow(csv_row(record))

        return StreamingHttpResponse(
            batched(rows()),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": _disposition("csv")},
        )


class ReleaseJSONExport(ExportView):
    @extend_schema(
        summary="Export releases as JSON",
        description=EXPORT_DESCRIPTION + " A JSON array of release records.",
        responses={200: ReleaseSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        records = self.records(request)

        def chunks():
            yield "["
            for n, record in enumerate(records):
                yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
            yield "\n]\n"

        return StreamingHttpResponse(
            batched(chunks()),
            content_type="application/json",
            headers={"Content-Disposition": _disposition("json")},
        )
