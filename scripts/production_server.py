"""The site in its production configuration on 127.0.0.1, for the measuring scripts
(bench.py, lighthouse.py): the environment of DEBUG-off settings over plain http, and
gunicorn started from gunicorn.conf.py, waited for, and stopped with its workers."""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def production_env(work, database_url, *, secret_key=None, extra=None):
    """os.environ with the production settings, files under `work` (a throwaway folder)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback: no redirect to https (nginx ends TLS in production),
        # cookies over http.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(Path(work) / "static"),
        "MEDIA_ROOT": str(Path(work) / "media"),
        "PAGE_CACHE_STAMP_FILE": str(Path(work) / "page-cache-stamp"),
        "DJANGO_LOG_LEVEL": "ERROR",
        **(extra or {}),
    }


def gunicorn_start(env, port, seconds=60):
    """gunicorn on 127.0.0.1:`port` with `env`, once it answers /robots.txt."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "/dev/null"}
    server = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    if not answering(port, seconds, server):
        raise SystemExit(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")
    return server


def answering(port, seconds, process):
    """Whether 127.0.0.1:`port` answers /robots.txt within `seconds` while `process` runs;
    if not, the process and its children are killed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
            return True
        except OSError:
            time.sleep(0.3)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    return False


def process_stop(server):
    """The process and its children: asked to stop, then killed after 30 s."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
