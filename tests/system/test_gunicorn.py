"""gunicorn as configured (gunicorn.conf.py): where it listens, whom it believes."""

import json
import os
import runpy
import subprocess
import sys

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


def gunicorn_settings(**env):
    """gunicorn.conf.py's values, read in a process with only `env` of ours set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DJANGO_"))}
    code = (
        "import json, runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps([c['bind'], c['forwarded_allow_ips']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
        text=True, timeout=30, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_it_listens_on_this_machine_only_unless_told_otherwise():
    assert gunicorn_settings()[0] == "127.0.0.1:8000"
    assert gunicorn_settings(PORT="9000")[0] == "127.0.0.1:9000"
    assert gunicorn_settings(GUNICORN_BIND="0.0.0.0:80")[0] == "0.0.0.0:80"


def test_it_believes_forwarded_headers_only_behind_a_proxy():
    assert gunicorn_settings()[1] == ""
    assert gunicorn_settings(DJANGO_BEHIND_PROXY="1")[1] == "127.0.0.1,::1"
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["wsgi_app"] == "newsroom.wsgi:application"


def test_a_worker_freezes_what_it_built_after_its_first_requests():
    """The objects a worker has after its 1st, 10th and 100th request are frozen (out of
    the full garbage collections' walk), and only then: what requests in between make is
    collected as usual."""
    code = (
        "import gc, json, runpy; hook = runpy.run_path('gunicorn.conf.py')['post_request']; "
        "counts = [gc.get_freeze_count()]; kept = []\n"
        "for n in range(1, 101):\n"
        "    kept.append([[] for _ in range(100)]); hook(None, None, None, None)\n"
        "    counts.append(gc.get_freeze_count())\n"
        "print(json.dumps(counts))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30,
        check=True,
    )  # fmt: skip
    counts = json.loads(result.stdout)
    assert counts[0] == 0
    grew = [n for n in range(1, 101) if counts[n] > counts[n - 1]]
    assert grew == [1, 10, 100]
    assert counts[10] - counts[9] >= 9 * 101  # the nine requests' lists, frozen at the 10th


@pytest.mark.django_db(transaction=True)
def test_a_forged_forwarded_scheme_does_not_make_plain_http_secure(tmp_path):
    ReleaseFactory()
    env = production_env(
        database_url_for_server(tmp_path), free_port(), DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_STATICFILES_STORAGE=PLAIN_STATIC_STORAGE,
    )  # fmt: skip
    server = start_gunicorn(env, tmp_path / "gunicorn.log")
    try:
        forged = requests.get(
            f"{server.url}/robots.txt", headers={"X-Forwarded-Proto": "https"},
            allow_redirects=False, timeout=10,
        )  # fmt: skip
    finally:
        server.stop()

    assert forged.status_code == 301  # still plain HTTP: sent to HTTPS
    assert forged.headers["Location"].startswith("https://")
