"""Whole public pages kept for visitors who are not logged in, and never a stale one.

A story breaks and thousands of readers ask for the same few pages: those are served from the
cache (local memory by default; Redis when several servers share it, see CACHE_URL) without
touching the database. Three things make a kept page wrong, and each ends it:
- a change to anything a page shows (a release, its senators, quotes, corrections, a
  senator, topic, bill or organization): every kept page belongs to a *generation*, and
  a change starts a new one (`page_cache_clear`, wired to the models' signals);
- an embargo lifting: each page is kept at most until the next scheduled release's time,
  to the microsecond, so a release appears the moment it is due and not a request later;
- age: PAGE_CACHE_SECONDS at most.

The generation lives where every process sees it: in the cache itself when the cache is
shared (Redis), else in the modification time of a stamp file (local memory is per process,
and gunicorn runs several).

Only anonymous GET/HEAD requests are served from or stored in the cache (a request carrying a
session cookie is staff), only 200 answers without cookies, and never an answer marked
private or no-store (previews are).
"""

import hashlib
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone
from django.utils.cache import get_max_age, set_response_etag

GENERATION_KEY = "page-cache:generation"
SKIPPED_PREFIXES = ("/admin/", "/markdownx/", "/preview/", "/releases/preview/", "/media/")


def _shared_cache():
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def _stamp_file():
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def generation():
    if _shared_cache():
        return cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    try:
        return _stamp_file().stat().st_mtime_ns
    except FileNotFoundError:
        page_cache_clear()
        return _stamp_file().stat().st_mtime_ns


def page_cache_clear(**kwargs):
    """Start a new generation: every page kept so far is gone for every process."""
    if _shared_cache():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, timeout=None)
        return
    stamp = _stamp_file()
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    os.utime(stamp, ns=(time.time_ns(), time.time_ns()))


def next_embargo():
    """When the next scheduled release goes live (None if none is scheduled)."""
    from releases.models import Release

    return Release.objects.filter(
        status=Release.Status.PUBLISHED, published_at__gt=timezone.now()
    ).aggregate(next=Min("published_at"))["next"]


def _key(request, gen):
    raw = "\n".join([
        request.scheme, request.get_host(), request.get_full_path(),
        # The API answers JSON or its browsable HTML by Accept.
        request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else "",
    ])  # fmt: skip
    return f"page-cache:{gen}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(SKIPPED_PREFIXES)
    )


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "no-cache" not in cache_control
        and get_max_age(response) != 0
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request, generation())
        kept = cache.get(key)
        if kept is not None:
            until, response = kept
            if time.time() < until:
                response["X-Page-Cache"] = "hit"
                return response
        # How long the page may be kept is settled before it is made: were an embargo to
        # lift while it renders, the page (without that release) must not outlive it.
        now = time.time()
        until = now + settings.PAGE_CACHE_SECONDS
        embargo = next_embargo()
        if embargo is not None:
            until = min(until, embargo.timestamp())
        response = self.get_response(request)
        if _cacheable_response(response):
            self._keep(key, response, until)
        return response

    def _keep(self, key, response, until):
        now = time.time()
        if until <= now:
            return
        # One piece of content, not the thousands of small writes a feed is made of: the
        # server sends each piece with its own system call (a 333 KB feed took 17 ms a hit).
        response.content = response.content
        set_response_etag(response)  # computed once, not on every hit
        response["X-Page-Cache"] = "miss"
        cache.set(key, (until, response), timeout=max(1, int(until - now) + 1))


def connect():
    """Start a new generation whenever something a public page shows changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from people.models import Organization, Senator
    from releases.models import Correction, Legislation, Quote, Release, ReleaseSenator, Topic

    for model in (Release, ReleaseSenator, Quote, Correction, Senator, Topic, Legislation,
                  Organization):  # fmt: skip
        post_save.connect(page_cache_clear, sender=model, dispatch_uid=f"page-cache-{model}")
        post_delete.connect(page_cache_clear, sender=model, dispatch_uid=f"page-cache-d-{model}")
    for field in ("topics", "legislation", "organizations"):
        through = Release._meta.get_field(field).remote_field.through
        m2m_changed.connect(page_cache_clear, sender=through, dispatch_uid=f"page-cache-{field}")
