"""Places for heavy work are shared by every process of the server, and freed by a death."""

import subprocess
import sys
import textwrap

from core.places import Places
from tests.support.servers import ROOT

HOLDER = textwrap.dedent("""
    import sys, time
    from core.places import Places
    place = Places(sys.argv[1], "export", 1).take()
    print("took" if place else "none", flush=True)
    time.sleep(60)
""")


def test_as_many_as_there_are_places_then_none_until_one_is_given_back(tmp_path):
    places = Places(tmp_path, "export", 2)

    first, second = places.take(), places.take()
    assert first is not None and second is not None
    assert places.take() is None  # threads of one process count too

    second.release()
    second.release()  # again: harmless
    third = places.take()
    assert third is not None
    assert places.take() is None


def test_a_place_held_by_another_process_is_taken_until_that_process_dies(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "took"
        assert Places(tmp_path, "export", 1).take() is None
    finally:
        holder.kill()  # no chance to give it back: the system does
        holder.wait(timeout=10)
        holder.stdout.close()

    place = Places(tmp_path, "export", 1).take()
    assert place is not None
    place.release()


def test_release_all_gives_back_what_this_process_holds(tmp_path):
    places = Places(tmp_path, "export", 1)
    places.take()

    places.release_all()

    assert places.take() is not None
