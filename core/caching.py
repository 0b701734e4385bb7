"""What is worked out once and kept until it could change: whole pages and counts.

A story breaks and thousands of readers ask for the same few pages; at 100,000 releases a
facet count reads every matching row. Both are kept in the cache (local memory by default;
Redis when several servers share it, see CACHE_URL), and three things end what is kept:

- a change to anything a public page shows: everything kept belongs to a *generation*, and
  `invalidate()` starts a new one **when the transaction commits** (a reader who asked
  before the commit rendered the old data, and kept it under the old generation, which no
  one reads again; a reader after it gets the new data);
- the clock: nothing is kept past the next time public pages change by themselves (the
  next embargo, from the sources registered with `next_change_source`), to the microsecond;
- age: PAGE_CACHE_SECONDS for pages, COUNT_CACHE_SECONDS for counts, at most.

The generation lives where every process sees it: in the cache itself when the cache is
shared (Redis), else in the modification time of a stamp file (local memory is per process,
and gunicorn runs several).

Pages are stored and served by `core.middleware.PageCacheMiddleware`; counts by
`remember()`. Counts are the same for every visitor, staff included, since they only ever
cover public data; pages are kept for anonymous readers only.
"""

import hashlib
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.http import urlencode

GENERATION_KEY = "page-cache:generation"

# Callables returning when public pages next change by themselves (an aware datetime), or
# None: registered by the apps that know what changes (releases: the next embargo).
_next_change_sources = []


def next_change_source(func):
    """Register `func` (no arguments) as a source of the next time pages change by
    themselves. Usable as a decorator; registering the same function twice keeps one."""
    if func not in _next_change_sources:
        _next_change_sources.append(func)
    return func


def next_scheduled_change():
    """The earliest time any source names (None if none does).

    Asked once per generation and kept: only a change (a new generation) can bring an
    earlier one, and once the clock passes it, it is asked again.
    """
    key = f"next-change:{generation()}"
    entry = cache.get(key)
    if entry is not None and (entry[0] is None or time.time() < entry[0].timestamp()):
        return entry[0]
    moments = [moment for source in _next_change_sources if (moment := source()) is not None]
    moment = min(moments, default=None)
    cache.set(
        key, (moment,), timeout=max(settings.PAGE_CACHE_SECONDS, settings.COUNT_CACHE_SECONDS, 1)
    )
    return moment


def horizon(now, seconds):
    """Until when (a UNIX time) something worked out at `now` may be kept: `seconds` at most,
    and never past the next scheduled change. Settled *before* the work is done: were an
    embargo to lift while a page renders, the page (without that release) must not outlive it.
    """
    until = now + seconds
    change = next_scheduled_change()
    if change is not None:
        until = min(until, change.timestamp())
    return until


# The generation.


def _shared_cache():
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()


def _stamp_file():
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def generation():
    """The current generation: part of every key of what is kept."""
    if _shared_cache():
        return cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    try:
        return _stamp_file().stat().st_mtime_ns
    except FileNotFoundError:
        new_generation()
        return _stamp_file().stat().st_mtime_ns


def new_generation():
    """Start a new generation now: everything kept so far is gone for every process."""
    if _shared_cache():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, timeout=None)
        return
    stamp = _stamp_file()
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    now = time.time_ns()
    os.utime(stamp, ns=(now, now))


def invalidate(**kwargs):
    """Something a public page shows changed: a new generation once the change is committed
    (at once outside a transaction). Takes and ignores a signal's arguments, so it can be a
    receiver."""
    transaction.on_commit(new_generation, robust=True)


# Kept values (counts, rankings, charts).


def _count_key(parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"counts:{generation()}:{digest}"


def kept(parts):
    """What `remember` keeps for `parts` right now, or None: never works anything out."""
    if settings.COUNT_CACHE_SECONDS <= 0:
        return None
    entry = cache.get(_count_key(parts))
    if entry is not None and time.time() < entry[0]:
        return entry[1]
    return None


def remember(parts, compute):
    """compute(), or what it gave last time for the same `parts` if nothing changed since.

    `parts` is a tuple of plain values (strings, numbers, tuples) naming the value. Within
    a process one thread works a value out at a time; the others asking for it meanwhile
    wait and take what it kept (`_one_at_a_time`).
    """
    if settings.COUNT_CACHE_SECONDS <= 0:
        return compute()
    key = _count_key(parts)
    entry = cache.get(key)
    if entry is not None and time.time() < entry[0]:
        return entry[1]
    with _one_at_a_time(key):
        now = time.time()
        entry = cache.get(key)  # kept by the thread this one waited for
        if entry is not None and now < entry[0]:
            return entry[1]
        until = horizon(now, settings.COUNT_CACHE_SECONDS)
        value = compute()
        if until > now:
            cache.set(key, (until, value), timeout=max(1, int(until - now) + 1))
        return value


# After an edit, sixteen readers asking for one search at once had each of a worker's threads
# work out the same 0.8-second first view side by side: 5 to 6 s for every one of them. Now
# the first works it out and the others wait for it. Per process: each gunicorn process
# works a value out once (a lock shared through Redis would leave every server waiting on
# one that may have gone). Reentrant, for a value worked out inside its own computation.
_flights = {}
_flights_guard = threading.Lock()


@contextmanager
def _one_at_a_time(key):
    with _flights_guard:
        lock = _flights.setdefault(key, threading.RLock())
    with lock:
        try:
            yield
        finally:
            # Whoever waits on this lock finds the value kept; whoever comes later, a new lock.
            with _flights_guard:
                if _flights.get(key) is lock:
                    del _flights[key]


# Kept pages.

# Callables returning {parameter: how many values it takes} for the parameters some page
# reads (registered by the apps that read them: the list's filters, the page, the API's
# cursor). A parameter that takes one value is read as its last one, as Django reads it.
_parameter_sources = []


def page_parameters(source):
    """Register `source` (no arguments) as naming parameters pages read. A decorator too."""
    if source not in _parameter_sources:
        _parameter_sources.append(source)
    return source


def canonical_query(query):
    """(the query as a kept page stands for it, unknown, overfull) for a request's QueryDict.

    Parameters in a fixed order, each value once; unknown parameters are left out (a page
    ignores them, so their answer is the same page) and named in `unknown`; `overfull`
    names parameters given more values than a page takes (it answers with a notice, so no
    kept copy can stand for it)."""
    known = {}
    for source in _parameter_sources:
        known.update(source())
    pairs, unknown, overfull = [], [], []
    for name in sorted(query):
        values = query.getlist(name)
        most = known.get(name)
        if most is None:
            unknown.append(name)
        elif most == 1:
            pairs.append((name, values[-1]))
        else:
            distinct = sorted(set(values))
            if len(distinct) > most:
                overfull.append(name)
            pairs.extend((name, value) for value in distinct)
    return urlencode(pairs), unknown, overfull


def page_key(request, gen, query):
    """The key of a page kept for `request`, whose canonical query string is `query`."""
    raw = "\n".join([
        request.scheme, request.get_host(), request.path, query,
        # The API answers JSON or its browsable HTML by Accept.
        request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else "",
    ])  # fmt: skip
    return f"page-cache:{gen}:{hashlib.sha256(raw.encode()).hexdigest()}"


def kept_page(key):
    """The response kept under `key`, if it has not reached its horizon."""
    entry = cache.get(key)
    if entry is not None:
        until, response = entry
        if time.time() < until:
            return response
    return None


def keep_page(key, response, until):
    now = time.time()
    if until > now:
        cache.set(key, (until, response), timeout=max(1, int(until - now) + 1))
