import os
import tempfile
from pathlib import Path

import pytest

from tests.browser import browser_page  # noqa: F401  (a fixture)
from tests.factories import SenatorFactory


@pytest.fixture
def klobuchar(db):
    """Senator Amy Klobuchar (D-MN), as the sample release knows her."""
    return SenatorFactory(
        bioguide_id="K000367", first_name="Amy", last_name="Klobuchar",
        official_full_name="Amy Klobuchar", slug="amy-klobuchar", party="D", state="MN",
    )  # fmt: skip


@pytest.fixture
def heitkamp(db):
    """Former Senator Heidi Heitkamp (D-ND), who joined the sample release."""
    return SenatorFactory(
        bioguide_id="H001069", first_name="Heidi", last_name="Heitkamp",
        official_full_name="Heidi Heitkamp", slug="heidi-heitkamp", party="D", state="ND",
        in_office=False,
    )  # fmt: skip


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


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...`: the block's writes as if their transaction committed.

    A test runs inside a transaction that is rolled back, so what waits for a commit (kept
    pages and counts end when a change commits, core/caching.py) would never happen; this
    runs it when the block ends, as the commit would. Tests of the commit itself use
    `transactional_db`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# This run's own page-cache stamp: another test run in the same checkout must not start new
# generations under this one's feet.
STAMP_FILE = Path(tempfile.mkdtemp(prefix="newsroom-tests-")) / "page-cache-stamp"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with nothing kept: the cache outlives the rollback of a test's data
    (counts and pages are kept per generation, which only a change in the database moves)."""
    from django.core.cache import cache

    settings.PAGE_CACHE_STAMP_FILE = str(STAMP_FILE)
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    """Tests render templates without running collectstatic, and write media to a temp dir."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_sessionfinish(session, exitstatus):
    """In CI nothing may be skipped: a skipped browser or database test fails the run."""
    if not os.environ.get("CI") or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI: {len(skipped)} test(s) skipped; in CI that is a failure.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
