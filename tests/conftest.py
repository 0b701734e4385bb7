"""What every test shares: one fast password hasher, a fresh cache, the sample senators,
the Hypothesis profiles, and which system tests run on which database."""

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from tests.support import data
from tests.support.browser import browser_page  # noqa: F401  (a fixture)
from tests.support.caches import use_redis_cache
from tests.support.smtp import smtp_server  # noqa: F401  (a fixture: a real SMTP server)

# Fuzzing (tests/system/test_fuzz.py): as many examples as ever in CI, fewer on a laptop.
# HYPOTHESIS_PROFILE=ci locally runs CI's.
hypothesis_settings.register_profile("ci", max_examples=800, print_blob=True)
hypothesis_settings.register_profile("dev", max_examples=200)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """One cheap hasher for every test: logins are many, and none tests hashing strength."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _database_vendor():
    engine = django_settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine


# System tests that do not depend on the database run once per CI run, on SQLite: the
# browser and accessibility tests. The load test runs on PostgreSQL, the production
# database. Tests of PostgreSQL's own code paths (`postgresql_only`) run on it alone.
# NEWSROOM_SYSTEM_TESTS=all runs every one on either (but a postgresql_only test needs it).
ONE_DATABASE = {"browser": "sqlite", "load": "postgresql", "postgresql_only": "postgresql"}


def pytest_collection_modifyitems(config, items):
    if os.environ.get("NEWSROOM_SYSTEM_TESTS") == "all":
        return
    vendor = _database_vendor()
    elsewhere = {marker for marker, home in ONE_DATABASE.items() if home != vendor}
    deselected = [item for item in items if elsewhere & {m.name for m in item.iter_markers()}]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


@pytest.fixture
def klobuchar(db):
    """Senator Amy Klobuchar (D-MN), as the sample release knows her."""
    return data.klobuchar()


@pytest.fixture
def heitkamp(db):
    """Former Senator Heidi Heitkamp (D-ND), who joined the sample release."""
    return data.heitkamp()


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
def _export_places_free():
    """Each test ends with the export places this process took given back: a real server
    closes every answer (WSGI), but a test that reads only an export's status leaves it
    unclosed."""
    from api import export

    yield
    export.free_export_places()


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


@pytest.fixture(params=["local memory", "redis"])
def count_cache(request, settings, tmp_path):
    """Counts (and cards) kept as in production: in local memory (a stamp file's time for
    the generation), or in Redis shared by every server, where the generation lives in the
    cache too. Cleared on both sides: Redis outlives a test run."""
    assert settings.COUNT_CACHE_SECONDS > 0
    if request.param == "redis":
        use_redis_cache(settings, f"test-counts-{tmp_path.name}")
    cache.clear()
    yield request.param
    cache.clear()
