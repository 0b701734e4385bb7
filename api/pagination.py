"""Cursor pagination: pages that stay put while releases are published above them.

A cursor marks a position in a fixed ordering (newest first for releases), so following
`next` never repeats or skips a record when something new is published, and a deep page
costs no more than the first (no OFFSET, no COUNT).
"""

import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from api.errors import BadParameters

MAX_PAGE_SIZE = 100


class NewsroomCursorPagination(CursorPagination):
    """Orders by the view's `ordering`; a bad `page_size` or `cursor` is a 400, not a shrug."""

    page_size = 20
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering = ("-published_at", "-id")

    def paginate_queryset(self, queryset, request, view=None):
        self._queryset = queryset  # decode_cursor checks a position against its field
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "ordering", None) or self.ordering)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise BadParameters.one(
                self.page_size_query_param,
                raw,
                f"A page size is a whole number from 1 to {self.max_page_size}.",
            )
        return int(raw)

    def decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        message = "Not a cursor from this API: follow the `next` and `previous` links."
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise BadParameters.one(self.cursor_query_param, raw, message) from None
        if cursor and cursor.position is not None and not self._position_is_valid(cursor.position):
            raise BadParameters.one(self.cursor_query_param, raw, message)
        return cursor

    def _position_is_valid(self, position):
        """A hand-made cursor must not reach the database with a value its column refuses."""
        if "\x00" in position or len(position) > 300:
            return False
        name = self.ordering[0].lstrip("-")
        queryset = self._queryset
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            field = queryset.query.annotations[name].output_field
        try:
            value = field.clean(position, None)
        except ValidationError:
            return False
        return not (hasattr(value, "tzinfo") and timezone.is_naive(value))

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["next", "previous", "results"]
        for name, description in [
            ("next", "The next page; null on the last."),
            ("previous", "The previous page; null on the first."),
        ]:
            described["properties"][name].pop("example", None)  # DRF's is another site's
            described["properties"][name]["description"] = description
        return described
