"""Kept values worked out once (core/caching.py `remember`): threads of one process asking
for the same value at once wait for the first to work it out, and take what it kept; other
values are not held up by it, and a computation that fails holds nobody."""

import threading
import time

import pytest

from core import caching


@pytest.fixture(autouse=True)
def no_scheduled_changes(monkeypatch):
    """Nothing changes by itself here (no embargo to ask the database for)."""
    monkeypatch.setattr(caching, "_next_change_sources", [])
    caching.generation()  # the stamp file made, before threads read it


def ask_together(parts, compute, threads=8):
    """What `threads` threads asking `remember(parts, compute)` at the same moment got."""
    start = threading.Barrier(threads)
    got = [None] * threads

    def ask(n):
        start.wait()
        got[n] = caching.remember(parts, compute)

    workers = [threading.Thread(target=ask, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return got


def test_threads_asking_for_one_value_at_once_work_it_out_once():
    calls = []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every thread to ask meanwhile
        return {"senators": 100}

    got = ask_together(("together",), compute)

    assert len(calls) == 1
    assert got == [{"senators": 100}] * 8


def test_another_value_is_worked_out_beside_it():
    """Two values, each waiting for the other's computation to start: held one after the
    other, neither would ever finish."""
    a_started, b_started = threading.Event(), threading.Event()
    got = {}

    def compute_a():
        a_started.set()
        assert b_started.wait(timeout=5)
        return "a"

    def compute_b():
        b_started.set()
        assert a_started.wait(timeout=5)
        return "b"

    threads = [
        threading.Thread(target=lambda: got.update(a=caching.remember(("a",), compute_a))),
        threading.Thread(target=lambda: got.update(b=caching.remember(("b",), compute_b))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert got == {"a": "a", "b": "b"}


def test_a_failed_computation_leaves_the_value_to_the_next_who_asks():
    def fail():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        caching.remember(("fails once",), fail)

    assert caching.remember(("fails once",), lambda: 42) == 42
    assert caching.remember(("fails once",), lambda: 43) == 42  # kept
    assert caching._flights == {}


def test_a_value_worked_out_inside_its_own_computation_does_not_stop():
    def outer():
        return caching.remember(("nested",), lambda: 1)

    assert caching.remember(("nested",), outer) == 1
