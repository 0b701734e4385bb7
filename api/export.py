"""Export of a filtered list of public releases, as CSV or JSON, streamed, a part at a time.

Bulk data must not cost the site its readers, so one request takes at most EXPORT_SIZE
releases (newest first); when more match, the answer's `Link: <…>; rel="next"` header
gives the address of the next part (`?cursor=`, the last release's position). And a
server runs at most `EXPORTS_AT_ONCE` exports at a time, all its processes together (by
default half its cores; core/places.py): another is answered at once with a 429 and
Retry-After, leaving the rest of the machine to the pages. The whole
archive, every release, is a set of prepared files, not an API call.

Rows are read in chunks (`iterator(chunk_size=...)`, with the nested records prefetched
per chunk: one query per relation per chunk) and written as they come, so a part never
sits in memory at once. One serializer writes every row: building one per release (its
fields, and theirs) cost several times what the row itself costs.
"""

import csv
import itertools
import json

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import Throttled
from rest_framework.views import APIView

from api.errors import BadParameters, NotFoundSerializer
from api.filters import filter_releases
from api.serializers import ReleaseSerializer
from api.views import ERRORS, FILTER_RULES, JSONAlways, with_record_prefetches
from core.eastern import eastern_date
from core.places import Places
from releases.browse.pagination import parse_position, position_at
from releases.models import Release

EXPORT_SIZE = 1000  # releases in one answer: about 11 MB of JSON, a second of one thread
RETRY_AFTER_SECONDS = 5
CHUNK_SIZE = 500  # releases read, and prefetched for, at a time
ROWS_PER_WRITE = 100  # rows handed to the server at a time, not one write per row

CSV_COLUMNS = [
    "id", "type", "published_at", "title", "url", "senators", "senator_names", "topics",
    "legislation", "organizations", "dateline", "highlights",
]  # fmt: skip


class Echo:
    """A file-like object that hands back what is written, for csv.writer to stream through."""

    def write(self, value):
        return value


_places = {}


def export_places():
    """The server's export places (settings EXPORTS_AT_ONCE and EXPORT_PLACES_DIR)."""
    key = (settings.EXPORT_PLACES_DIR, settings.EXPORTS_AT_ONCE)
    if key not in _places:
        _places[key] = Places(key[0], "export", key[1])
    return _places[key]


def free_export_places():
    """Give back the places of exports started and never closed (tests only: a server
    closes every answer)."""
    for places in _places.values():
        places.release_all()


class ExportsBusy(Throttled):
    """429 with Retry-After (DRF adds the header and "Expected available in 5 seconds.")."""

    default_detail = "Other exports are running on this server; this one did not start."
    default_code = "exports_busy"


class ExportPart:
    """One part of an export: its releases (a chunked iterator), and the next part's cursor."""

    def __init__(self, request):
        # The filters and the cursor are checked here, before the response starts: a bad
        # one is a 400, not a broken download.
        cursor = request.query_params.get("cursor")
        releases = filter_releases(request, Release.objects.published())
        releases = releases.order_by("-published_at", "-id")
        if cursor is not None:
            position = parse_position(cursor)
            if position is None:
                raise BadParameters.one("cursor", cursor, "Not a cursor: take it from the "
                                        "Link header of the part before.")  # fmt: skip
            releases = releases.older_than(*position)
        # The last release of this part and the first of the next, from the index alone.
        edge = list(releases.values_list("published_at", "pk")[EXPORT_SIZE - 1 : EXPORT_SIZE + 1])
        self.next_cursor = position_at(*edge[0]) if len(edge) == 2 else None
        self.releases = with_record_prefetches(releases[:EXPORT_SIZE]).iterator(
            chunk_size=CHUNK_SIZE
        )


class OneAtATimeResponse(StreamingHttpResponse):
    """A streamed answer that holds an export place until it is sent, or closed unsent."""

    place = None

    def free_place(self):
        place, self.place = self.place, None
        if place is not None:
            place.release()

    def close(self):
        try:
            super().close()
        finally:
            self.free_place()


def _then(pieces, when_done):
    """`pieces`, then `when_done()` once they are all sent."""
    yield from pieces
    when_done()


def export_response(request, pieces, **kwargs):
    """`pieces` (a function of the part) streamed, if a place is free; else a 429."""
    place = export_places().take()
    if place is None:
        raise ExportsBusy(wait=RETRY_AFTER_SECONDS)
    try:
        part = ExportPart(request)
        response = OneAtATimeResponse(**kwargs)
        response.streaming_content = _then(batched(pieces(part)), response.free_place)
    except BaseException:
        place.release()
        raise
    response.place = place
    if part.next_cursor:
        query = request.query_params.copy()
        query["cursor"] = part.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


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
        record["type"],
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
    f"The public releases the filters match, newest first, {EXPORT_SIZE:,} at most per "
    'request: when more match, the `Link` header (rel="next") gives the next part\'s '
    "address. One export at a time per server process; another gets a 429 with "
    "Retry-After. " + FILTER_RULES
)


BUSY = {
    429: OpenApiResponse(
        NotFoundSerializer,
        description="Other exports are running on this server: try again after the "
        "Retry-After header's seconds.",
    )
}


def batched(pieces):
    """The strings of `pieces` joined ROWS_PER_WRITE at a time."""
    return ("".join(batch) for batch in itertools.batched(pieces, ROWS_PER_WRITE))


class ExportView(APIView):
    content_negotiation_class = JSONAlways  # errors are JSON, whatever was asked for
    registry_filters = True  # the list's filters, in the schema too (api/schema.py)
    record_fields = None  # the record's fields this export writes; None: all

    def records(self, request, part):
        """The API's record of each release of the part, newest first."""
        serializer = ReleaseSerializer(context={"request": request})
        if self.record_fields is not None:
            for name in [name for name in serializer.fields if name not in self.record_fields]:
                del serializer.fields[name]
        return map(serializer.to_representation, part.releases)


class ReleaseCSVExport(ExportView):
    record_fields = {
        "id", "type", "published_at", "title", "url", "senators", "topics", "legislation",
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
            **BUSY,
        },
    )
    def get(self, request):
        def rows(part):
            writer = csv.writer(Echo())
            yield writer.writerow(CSV_COLUMNS)
            for record in self.records(request, part):
                yield writer.writerow(csv_row(record))

        return export_response(
            request,
            rows,
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": _disposition("csv")},
        )


class ReleaseJSONExport(ExportView):
    @extend_schema(
        summary="Export releases as JSON",
        description=EXPORT_DESCRIPTION + " A JSON array of release records.",
        responses={200: ReleaseSerializer(many=True), **ERRORS, **BUSY},
    )
    def get(self, request):
        def chunks(part):
            yield "["
            for n, record in enumerate(self.records(request, part)):
                yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
            yield "\n]\n"

        return export_response(
            request,
            chunks,
            content_type="application/json",
            headers={"Content-Disposition": _disposition("json")},
        )
