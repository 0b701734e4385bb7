"""The newsroom's own middleware: whole pages kept for readers, and a database outage as a 503.

PageCacheMiddleware serves and keeps whole public pages for anonymous readers (what is kept,
and what ends it: core/caching.py). Only anonymous GET/HEAD requests are served from or
stored in the cache (a request carrying a session cookie is staff), only 200 answers
without cookies, and never an answer marked private, no-cache or no-store (previews are).

DatabaseUnavailableMiddleware: the database is out of reach: a clean 503 that says so, and
recovery without a restart.

When PostgreSQL restarts, fails over or runs out of connections (or SQLite's file cannot be
opened), a view's query raises `OperationalError` or `InterfaceError`. Unhandled, that is a
500 with a traceback in the log for every visitor; it is an outage of a dependency, not a
bug, so readers get a 503 with Retry-After (and search engines keep their copy), programs
reading /api/ get it in JSON, and the broken connection is closed so the next request
connects afresh: the site comes back by itself when the database does.
"""

import contextlib
import logging
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import get_max_age, set_response_etag

from core import caching

logger = logging.getLogger("newsroom.database")

SKIPPED_PREFIXES = ("/admin/", "/markdownx/", "/preview/", "/releases/preview/", "/media/")
# Where an unknown parameter changes the answer (the API refuses it with a 400): a request
# carrying one is neither served a kept page nor kept.
STRICT_PREFIXES = ("/api/",)


def _logged_in(request):
    """Whether the request's session cookie names a logged-in session (a made-up cookie
    does not: it would let anyone skip the cache). One query; a database that cannot answer
    counts as logged in, so the request goes through to the 503."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    engine = import_module(settings.SESSION_ENGINE)
    try:
        return engine.SessionStore(key).get(SESSION_KEY) is not None
    except DatabaseError:
        return True


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIPPED_PREFIXES)
        and not _logged_in(request)
    )


def _cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "no-cache" not in cache_control
        and get_max_age(response) != 0
        # A page carrying this request's CSP nonce is this request's alone: a copy would
        # hand every reader the same nonce, which is then no secret.
        and not get_nonce(request)
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        query, unknown, overfull = caching.canonical_query(request.GET)
        if overfull or (unknown and request.path.startswith(STRICT_PREFIXES)):
            return self.get_response(request)
        # The generation and the horizon are read before the page is made: a change
        # committed, or an embargo lifting, while it renders ends it at once.
        key = caching.page_key(request, caching.generation(), query)
        response = caching.kept_page(key)
        if response is not None:
            self._tell(response, "hit")
            return response
        until = caching.horizon(time.time(), settings.PAGE_CACHE_SECONDS)
        response = self.get_response(request)
        if not response.streaming:
            # One piece of content, not the thousands of small writes a feed is made of:
            # the server sends each piece with its own system call (a 333 KB feed took
            # 17 ms a hit).
            response.content = response.content
        if _cacheable_response(request, response):
            set_response_etag(response)  # computed once, not on every hit
            caching.keep_page(key, response, until)
            self._tell(response, "miss")
        return response

    def _tell(self, response, what):
        # Whether a page was kept tells anyone whether someone else just asked for the same
        # address (a search): said only where PAGE_CACHE_HEADER is on (not in production).
        if settings.PAGE_CACHE_HEADER:
            response["X-Page-Cache"] = what


class PublicGZipMiddleware(GZipMiddleware):
    """Compresses public pages and feeds (about a sixth of their size), never a secret.

    BREACH: an attacker who can make a victim's browser send chosen text to a page and can
    watch the compressed lengths go by learns, a byte at a time, any secret the page
    repeats beside that text. A public page holds nothing secret: it is the same for every
    reader. What does is left uncompressed: an answer that carries a CSRF token (the token
    was used, or the cookie is set: forms, the login page), and anything for a logged-in
    user or under /admin/. Django also pads each compressed answer by a random length
    ("Heal the Breach"), a second guard, not the one relied on.

    Placed outside the page cache, so kept pages are kept once, uncompressed, and every
    reader gets the encoding they asked for; `Vary: Accept-Encoding` tells caches so.
    """

    def process_response(self, request, response):
        if _holds_secrets(request, response):
            return response
        return super().process_response(request, response)


def _holds_secrets(request, response):
    user = getattr(request, "user", None)
    return (
        request.path.startswith("/admin/")
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        or settings.CSRF_COOKIE_NAME in response.cookies
        or settings.SESSION_COOKIE_NAME in response.cookies
        or (user is not None and user.is_authenticated)
    )


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
