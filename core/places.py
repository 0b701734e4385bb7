"""Places for heavy work, shared by every process and thread of one server: at most N at once.

gunicorn runs several processes, each with a few threads; a limit kept in one process's
memory lets every process run its own heavy answer at once, and a two-core machine busy with
five of them keeps its readers waiting. A place here is an exclusive `flock` on one of N
files in a folder of the machine: every process sees the same places, a thread that finds
them all taken is told at once (it never waits), and the system frees a place when its
holder lets it go or its process dies, so a crashed worker never keeps one.
"""

import fcntl
import threading
from pathlib import Path


class Place:
    """One place taken; `release()` gives it back (again is harmless)."""

    def __init__(self, places, file):
        self._places, self._file = places, file

    def release(self):
        file, self._file = self._file, None
        if file is not None:
            self._places._forget(self)
            file.close()  # closing the file drops the lock


class Places:
    """`count` places named `name` in `folder`."""

    def __init__(self, folder, name, count):
        self.folder, self.name, self.count = Path(folder), name, max(1, int(count))
        self._held, self._lock = set(), threading.Lock()

    def take(self):
        """A free place, or None when every one is taken."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for n in range(self.count):
            file = open(self.folder / f"{self.name}-{n}.lock", "a")  # noqa: SIM115 (held)
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                file.close()
                continue
            place = Place(self, file)
            with self._lock:
                self._held.add(place)
            return place
        return None

    def _forget(self, place):
        with self._lock:
            self._held.discard(place)

    def release_all(self):
        """Give back every place this process holds (tests: answers left unclosed)."""
        with self._lock:
            held = list(self._held)
        for place in held:
            place.release()
