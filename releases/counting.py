"""Counts over the public releases, worked out once and kept until they could change.

At 100,000 releases a facet count or a list's total reads every matching row: a fraction of
a second each, too slow to repeat on every page view. Nothing a count depends on changes
between two edits, except the clock at an embargo. So each count is kept in the cache:

- under the page cache's *generation* (newsroom/pagecache.py), which any change to a release,
  its links, quotes, people, topics or bills starts afresh, so an edit is counted at once;
- never past the next scheduled release's time, so an embargo lifting is counted the moment
  it lifts (the same horizon the page cache keeps);
- at most COUNT_CACHE_SECONDS (0 turns the keeping off).

Unlike the page cache, this serves every visitor, staff included: a count is the same for
everyone, as it only ever covers public releases.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from newsroom import pagecache


def _horizon(now):
    until = now + settings.COUNT_CACHE_SECONDS
    embargo = pagecache.next_embargo()
    if embargo is not None:
        until = min(until, embargo.timestamp())
    return until


def _key(parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"counts:{pagecache.generation()}:{digest}"


def kept(parts):
    """What `remember` keeps for `parts` right now, or None: never works anything out."""
    if settings.COUNT_CACHE_SECONDS <= 0:
        return None
    entry = cache.get(_key(parts))
    if entry is not None and time.time() < entry[0]:
        return entry[1]
    return None


def remember(parts, compute):
    """compute(), or what it gave last time for the same `parts` if nothing changed since.

    `parts` is a tuple of plain values (strings, numbers, tuples) naming the count.
    """
    if settings.COUNT_CACHE_SECONDS <= 0:
        return compute()
    key = _key(parts)
    now = time.time()
    kept = cache.get(key)
    if kept is not None and now < kept[0]:
        return kept[1]
    # The horizon before the count: an embargo lifting while it is counted ends it at once.
    until = _horizon(now)
    value = compute()
    if until > now:
        cache.set(key, (until, value), timeout=max(1, int(until - now) + 1))
    return value
