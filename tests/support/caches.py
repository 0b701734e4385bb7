"""The caches the tests run against besides local memory."""

import pytest


def use_redis_cache(settings, prefix):
    """The Redis cache several servers would share (database 15, keys under `prefix`), as
    CACHE_URL selects it in production; skipped where Redis is not running (CI has it)."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (CI has it)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
