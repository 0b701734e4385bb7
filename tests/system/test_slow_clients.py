"""Fifty slow clients do not keep an ordinary reader from an answer.

The production setup: nginx with the newsroom's own proxy settings (deploy/nginx/proxy.conf)
in front of a real gunicorn with the production settings. Fifty connections send their
request headers a line every two seconds (more than gunicorn's workers have threads);
meanwhile an ordinary reader asks for /robots.txt and a release page, and must have each
answer within a second. Bounded: a few seconds, 50 connections, all on 127.0.0.1.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.factories import ReleaseFactory
from tests.support.servers import (
    PLAIN_STATIC_STORAGE,
    ROOT,
    database_url_for_server,
    free_port,
    production_env,
    start_gunicorn,
)

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
SLOW_CLIENTS = 50
HEADER_EVERY = 2.0  # seconds between two header lines of a slow client
SECONDS = 5

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed: the server must see it
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (CI installs it)"),
]


def nginx_conf(prefix, port, upstream_port):
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # nginx started as root would run its workers as "nobody", who cannot read pytest's
    # folders; not as root, the directive is ignored.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    upstream newsroom {{ server 127.0.0.1:{upstream_port}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        include {ROOT}/deploy/nginx/proxy.conf;
    }}
}}
"""


@pytest.fixture
def site(tmp_path):
    release = ReleaseFactory(title="Klobuchar backs rural broadband")
    gunicorn_port, nginx_port = free_port(), free_port()
    env = production_env(
        database_url_for_server(tmp_path), gunicorn_port, DJANGO_BEHIND_PROXY="1",
        DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_STATICFILES_STORAGE=PLAIN_STATIC_STORAGE,
    )  # fmt: skip
    gunicorn = start_gunicorn(env, tmp_path / "gunicorn.log")
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, nginx_port, gunicorn_port))
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf)])
    try:
        deadline = time.monotonic() + 10
        while True:
            assert nginx.poll() is None, (prefix / "error.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", nginx_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{nginx_port}", release
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        gunicorn.stop()


def slow_clients(url, stop):
    """SLOW_CLIENTS connections that each send a header line every HEADER_EVERY seconds."""
    host, port = url.removeprefix("http://").split(":")
    sockets = [socket.create_connection((host, int(port)), timeout=5) for _ in range(SLOW_CLIENTS)]
    for sock in sockets:
        sock.sendall(b"GET /releases/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    n = 0
    while not stop.wait(HEADER_EVERY):
        n += 1
        for sock in sockets:
            with contextlib.suppress(OSError):  # closed by the proxy: it may
                sock.sendall(f"X-Slow-{n}: still typing\r\n".encode())
    for sock in sockets:
        sock.close()


def test_fifty_slow_clients_leave_a_reader_answered_within_a_second(site):
    url, release = site
    # Every gunicorn worker's first page is slow (a database connection, templates compiled):
    # more than a second on a busy machine. What is measured is what slow clients do to a
    # reader, so each worker has answered both pages before they arrive.
    paths = ["/robots.txt", release.get_absolute_url()] * 20
    with ThreadPoolExecutor(max_workers=10) as pool:
        warm = list(pool.map(lambda path: requests.get(f"{url}{path}", timeout=30), paths))
    assert {response.status_code for response in warm} == {200}
    stop = threading.Event()
    sender = threading.Thread(target=slow_clients, args=(url, stop), daemon=True)
    sender.start()
    time.sleep(HEADER_EVERY + 0.5)  # every slow client has sent a line or two

    reader, waits = requests.Session(), []
    deadline = time.monotonic() + SECONDS
    try:
        while time.monotonic() < deadline:
            for path in ("/robots.txt", release.get_absolute_url()):
                started = time.monotonic()
                assert reader.get(f"{url}{path}", timeout=10).status_code == 200
                waits.append(time.monotonic() - started)
            time.sleep(0.2)
    finally:
        stop.set()
        sender.join(timeout=10)

    assert len(waits) > 10
    assert max(waits) < 1.0, sorted(waits)[-5:]
