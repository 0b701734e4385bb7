"""The database goes away and comes back: a 503 page meanwhile, and no restart needed.

The newsroom runs for real here, in gunicorn with production settings (DEBUG off), against
the test run's own database: PostgreSQL through a small TCP relay the test switches off and
on (refusing connections, and cutting the ones already open), SQLite through a database file
whose folder is missing and then restored. Readers get the 503 page with Retry-After, the
API gets JSON, and the next request after the database returns is a 200.
"""

import contextlib
import json
import socket
import sqlite3
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.support.factories import ReleaseFactory
from tests.support.servers import PLAIN_STATIC_STORAGE, free_port, production_env, start_gunicorn

# Plain HTTP to 127.0.0.1, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TcpRelay:
    """Forwards 127.0.0.1:port to the database; `stop()` is the database going away: new
    connections are refused and open ones are cut."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.1)  # wake up now and then to see whether it was stopped
        self.accepting = threading.Thread(target=self._accept, args=(self.listener,))
        self.accepting.start()

    def stop(self):
        self.listener.close()
        self.accepting.join(timeout=5)  # the port is really closed once accept() has returned
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets.clear()

    def _accept(self, listener):
        while listener.fileno() != -1:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # stopped
            client.settimeout(None)
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def serve(tmp_path):
    """serve(database_url) -> base URL of gunicorn running the newsroom in production mode."""
    servers = []

    def start(database_url):
        port = free_port()
        env = production_env(
            database_url,
            port,
            DJANGO_STATICFILES_STORAGE=PLAIN_STATIC_STORAGE,
            DATABASE_CONN_MAX_AGE="60",  # a kept connection, so a cut one must be noticed
            GUNICORN_WORKERS="1",
            GUNICORN_THREADS="1",
            # Every request must reach the database: kept pages would (rightly) outlive it.
            DJANGO_PAGE_CACHE_SECONDS="0",
        )
        servers.append(start_gunicorn(env, tmp_path / f"gunicorn-{port}.log"))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


def get(url):
    """(status, headers, body) without raising for 4xx/5xx."""
    try:
        with OPENER.open(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def assert_unavailable(base):
    status, headers, body = get(f"{base}/releases/")
    assert status == 503, body
    assert headers["Retry-After"] == "30"
    assert headers["Content-Type"].startswith("text/html")
    assert "temporarily unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body

    status, headers, body = get(f"{base}/api/v1/releases/")
    assert status == 503, body
    assert headers["Retry-After"] == "30"
    assert json.loads(body) == {"detail": "The database is unavailable. Try again in a moment."}


def assert_available(base, title):
    status, _, body = get(f"{base}/releases/")
    assert status == 200, body
    assert title in body
    status, _, body = get(f"{base}/api/v1/releases/")
    assert status == 200, body
    assert [r["title"] for r in json.loads(body)["results"]] == [title]


@pytest.mark.django_db(transaction=True)
def test_database_down_is_a_503_and_the_site_recovers_by_itself(serve, tmp_path):
    """Runs against whichever database this run uses (CI runs SQLite and PostgreSQL)."""
    release = ReleaseFactory(title="Senators back rural broadband")  # committed: visible
    if connection.vendor == "postgresql":
        _postgresql_goes_away_and_returns(serve, release.title)
    else:
        _sqlite_goes_away_and_returns(serve, tmp_path, release.title)


def _postgresql_goes_away_and_returns(serve, title):
    db = connection.settings_dict
    relay = TcpRelay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    base = serve(
        f"postgres://{db['USER']}{password}@127.0.0.1:{relay.port}/{db['NAME']}?connect_timeout=2"
    )
    try:
        assert_unavailable(base)  # down from the start: nothing listens
        relay.start()
        assert_available(base, title)  # back: no restart
        relay.stop()  # down again, with the worker's kept connection cut under it
        assert_unavailable(base)
        relay.start()
        assert_available(base, title)
    finally:
        if relay.listener is not None:
            relay.stop()


def _sqlite_goes_away_and_returns(serve, tmp_path, title):
    folder = tmp_path / "data"
    base = serve(f"sqlite:///{folder / 'newsroom.sqlite3'}")
    assert_unavailable(base)  # the file's folder does not exist: it cannot be opened
    # The database "returns": the test run's own (migrated) database, copied to that file.
    folder.mkdir()
    connection.ensure_connection()
    with sqlite3.connect(folder / "newsroom.sqlite3") as copy:
        connection.connection.backup(copy)
    copy.close()
    assert_available(base, title)
    folder.rename(tmp_path / "elsewhere")  # gone again
    assert_unavailable(base)
    (tmp_path / "elsewhere").rename(folder)
    assert_available(base, title)
