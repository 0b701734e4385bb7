"""Test data built once: for a module's (or a class's) tests that only read it.

    newsroom = built_once(build_newsroom)

makes a fixture that builds the data the first time a test of the module asks for it, in a
transaction of its own that is rolled back after the module's last test. Each test still
runs in its own savepoint inside it, so a test that writes leaves the next one the same
rows; what a test changes on the Python objects it was handed stays changed, so tests that
edit their data build their own.
"""

import pytest
from django.db import transaction

from tests.support.factories import SenatorFactory


def built_once(build, scope="module", params=None):
    """A fixture of `build()`'s data, made once per `scope`; with `params`, once per param,
    as `build(param)` (the tests using it run once per param)."""

    @pytest.fixture(scope=scope, params=params)
    def fixture(request, django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build(request.param) if params else build()
            transaction.set_rollback(True)

    fixture.__doc__ = build.__doc__
    return fixture


def klobuchar():
    """Senator Amy Klobuchar (D-MN), as the sample release knows her."""
    return SenatorFactory(
        bioguide_id="K000367", first_name="Amy", last_name="Klobuchar",
        official_full_name="Amy Klobuchar", slug="amy-klobuchar", party="D", state="MN",
    )  # fmt: skip


def heitkamp():
    """Former Senator Heidi Heitkamp (D-ND), who joined the sample release."""
    return SenatorFactory(
        bioguide_id="H001069", first_name="Heidi", last_name="Heitkamp",
        official_full_name="Heidi Heitkamp", slug="heidi-heitkamp", party="D", state="ND",
        in_office=False,
    )  # fmt: skip
