import os

import pytest
from django.db import connection


@pytest.mark.skipif(not os.environ.get("EXPECT_DB_VENDOR"), reason="EXPECT_DB_VENDOR not set")
def test_suite_runs_on_the_database_ci_asked_for():
    """CI runs the suite twice; this keeps the PostgreSQL run from quietly using SQLite."""
    assert connection.vendor == os.environ["EXPECT_DB_VENDOR"]
