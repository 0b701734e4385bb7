"""The database is out of reach: a clean 503 that says so, and recovery without a restart.

When PostgreSQL restarts, fails over or runs out of connections (or SQLite's file cannot be
opened), a view's query raises `OperationalError` or `InterfaceError`. Unhandled, that is a
500 with a traceback in the log for every visitor; it is an outage of a dependency, not a
bug, so readers get a 503 with Retry-After (and search engines keep their copy), programs
reading /api/ get it in JSON, and the broken connection is closed so the next request
connects afresh: the site comes back by itself when the database does.
"""

import contextlib
import logging

from django.db import DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("newsroom.database")

RETRY_AFTER_SECONDS = 30


def close_broken_connections():
    """Close every connection this request opened that no longer answers."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue  # never connected (the connect itself failed): the next request retries
        with contextlib.suppress(DatabaseError):
            if not connection.is_usable():
                connection.close()


def database_unavailable(request):
    """The 503 itself. Renders with no request context: no context processor, no tag, no
    query may run while the database is down."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The database is unavailable. Try again in a moment."}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"  # a proxy must not keep the outage page
    return response


class DatabaseUnavailableMiddleware:
    """Turns a failed database connection during a view (or its template) into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # Logged with the traceback: an outage should page someone, once per request.
        logger.error("Database unavailable: %s", exception, exc_info=exception)
        close_broken_connections()
        return database_unavailable(request)
