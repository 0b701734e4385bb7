"""Django's local-memory cache, bounded by bytes as well as by entries.

LocMemCache culls by count alone: 5,000 kept pages of a megabyte each would be 5 GB per
process. This one also keeps the total size of what it holds (pickled) within MAX_BYTES,
letting the least recently used entries go first, so that requests for ever new addresses
cannot grow a process's memory. (Redis bounds itself: `maxmemory` with an LRU policy, see
docs/operations.md.)
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_sizes = {}  # per cache name, as LocMemCache keeps its entries: {key: bytes}
_totals = {}  # per cache name: [bytes held]


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, [0])

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._forget(key)
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        self._total[0] += len(value)
        # The least recently used sit at the end (LocMemCache moves a used one to the front).
        while self._total[0] > self._max_bytes and len(self._cache) > 1:
            oldest, _ = self._cache.popitem()
            self._expire_info.pop(oldest, None)
            self._forget(oldest)

    def _forget(self, key):
        self._total[0] -= self._sizes.pop(key, 0)

    def _delete(self, key):
        self._forget(key)
        return super()._delete(key)

    def _cull(self):
        super()._cull()
        for key in [key for key in self._sizes if key not in self._cache]:
            self._forget(key)

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()
            self._total[0] = 0

    def bytes_held(self):
        """How many bytes (pickled) the cache holds now."""
        return self._total[0]
