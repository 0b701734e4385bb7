"""Lazy loads as test failures: Django 6.1's FETCH_RAISE made the default fetch mode.

Django 6.1 gives every QuerySet a fetch mode (`QuerySet.fetch_mode()`), which it copies to
the instances it loads and on to their related objects. Under `models.FETCH_RAISE`, touching
a foreign key or one-to-one relation that was not loaded with `select_related()` /
`prefetch_related()`, or a field left out by `only()` / `defer()`, raises
`FieldFetchBlocked` instead of running a query for that one row (the N+1 pattern).

Django has no setting for the default mode: a QuerySet starts with
`django.db.models.query.DEFAULT_FETCH_MODE`, read when the QuerySet is created. So this module
swaps that attribute for a block (`lazy_loads_raise()`), or for every request when pytest
loads it as a plugin:

    .venv/bin/python -m pytest -p tests.support.fetch_modes tests/test_pages.py

What it cannot see, by Django's design:
- QuerySets built before the block, e.g. at import time in a class attribute
  (`FilterSet.queryset=Senator.objects.all()`): clones keep FETCH_ONE;
- objects not loaded from the database (built in the test): FETCH_ONE;
- many-to-many and reverse foreign-key managers (`release.topics.all()` without a prefetch):
  fetch modes do not govern them, they just query; the query budgets
  (tests/releases/test_query_budgets.py) catch those.

The plugin swaps a process-wide value: use it for tests that call Django's test client, not
for the browser tests, whose live server answers in another thread while the test runs.
"""

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models import query


@contextmanager
def lazy_loads_raise():
    """Within the block, any QuerySet made raises FieldFetchBlocked on a lazy load."""
    saved = query.DEFAULT_FETCH_MODE
    # If Django moves or renames the default, fail here rather than silently test nothing.
    assert isinstance(saved, models.fetch_modes.FetchMode), saved
    query.DEFAULT_FETCH_MODE = models.FETCH_RAISE
    try:
        yield
    finally:
        query.DEFAULT_FETCH_MODE = saved


_saved_modes = []


def _request_started(**kwargs):
    _saved_modes.append(query.DEFAULT_FETCH_MODE)
    query.DEFAULT_FETCH_MODE = models.FETCH_RAISE


def _request_finished(**kwargs):
    # The test client sends request_finished when the response is closed: after a streamed
    # response (the exports) has been read to the end, so the stream is covered too.
    if _saved_modes:
        query.DEFAULT_FETCH_MODE = _saved_modes.pop()


def pytest_configure(config):
    """As a plugin (`-p tests.support.fetch_modes`): every request a test makes runs under RAISE."""
    request_started.connect(_request_started, dispatch_uid="tests.support.fetch_modes.started")
    request_finished.connect(_request_finished, dispatch_uid="tests.support.fetch_modes.finished")


def pytest_runtest_setup(item):
    # A streamed response nobody read to the end never sends request_finished: start each
    # test from the mode Django starts with, whatever the last one left.
    if _saved_modes:
        query.DEFAULT_FETCH_MODE = _saved_modes[0]
        _saved_modes.clear()
