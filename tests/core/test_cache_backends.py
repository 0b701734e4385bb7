"""Local memory bounded by bytes: what ever new keys can make a process keep stays bounded."""

from core.cache_backends import BoundedLocMemCache


def bounded(max_bytes, name):
    return BoundedLocMemCache(name, {"OPTIONS": {"MAX_BYTES": max_bytes, "MAX_ENTRIES": 10_000}})


def test_the_bytes_held_stay_within_the_limit_and_the_oldest_go_first():
    cache = bounded(50_000, "bounded-a")
    for n in range(100):
        cache.set(f"page-{n}", "x" * 1000)

    assert cache.bytes_held() <= 50_000
    assert cache.get("page-99") == "x" * 1000
    assert cache.get("page-0") is None


def test_reading_an_entry_keeps_it_past_newer_ones():
    cache = bounded(5_000, "bounded-b")
    cache.set("kept", "y" * 1000)
    for n in range(20):
        cache.get("kept")
        cache.set(f"other-{n}", "z" * 1000)

    assert cache.get("kept") == "y" * 1000


def test_replacing_deleting_and_clearing_keep_the_count_right():
    cache = bounded(1_000_000, "bounded-c")
    cache.set("a", "x" * 1000)
    cache.set("a", "x" * 2000)
    assert 2000 <= cache.bytes_held() < 2100
    cache.delete("a")
    assert cache.bytes_held() == 0
    cache.set("b", "x" * 500)
    cache.clear()
    assert cache.bytes_held() == 0
