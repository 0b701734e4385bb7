"""The newsroom served for real: gunicorn with production settings (DEBUG off) on 127.0.0.1.

For tests that need a real server rather than Django's test client (a database outage, load).
The server runs in its own processes, so it sees only what is committed to the database: use
it from `django_db(transaction=True)` tests, and `database_url_for_server()` to point it at the
test run's own database.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "q8!Zr2kP" * 8
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
PLAIN_STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url, port, **overrides):
    """The environment of a production server on 127.0.0.1:port, plain HTTP, no proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    env.update(overrides)
    return env


def staff_for_server(username, password, **fields):
    """A superuser the server can log in: the password hashed as the server hashes it (the
    test run's own quick hasher is one production settings do not know)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return get_user_model().objects.create(
        username=username, password=hasher.encode(password, hasher.salt()), is_staff=True,
        is_superuser=True, **fields,
    )  # fmt: skip


def manage(env, *args):
    """Run a manage.py command with that environment; its output on failure."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class Gunicorn:
    """gunicorn with gunicorn.conf.py; `url` once it accepts connections."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            # gunicorn's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl):
            # servers of tests running side by side would take it from each other.
            [*GUNICORN, "--no-control-socket"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_listening(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not start within {seconds} seconds:\n{self.log_text()}")

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # graceful: workers finish what they are doing
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def start_gunicorn(env, log_path):
    server = Gunicorn(env, log_path)
    try:
        return server.wait_until_listening()
    except BaseException:
        server.stop()
        raise


def database_url_for_server(folder):
    """A DATABASE_URL through which another process sees the test run's own database.

    PostgreSQL: the test database itself. SQLite: pytest-django's test database lives in this
    process's memory, so it is copied (as committed so far) to a file in `folder`, in WAL mode
    as a migrated production database is: readers in several processes never lock each other.
    """
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"
    path = Path(folder) / "newsroom.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    finally:
        copy.close()
    return f"sqlite:///{path}"
