"""gunicorn's settings for the newsroom, from the environment (docs/operations.md).

gunicorn reads this file from the working directory on its own: `gunicorn newsroom.wsgi`.
"""

import gc
import itertools
import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"
# This machine only: the reverse proxy in front (docs/operations.md) is what the world sees,
# and it is what holds slow clients, not gunicorn's threads.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Pages are mostly database reads: a few processes, each with a few threads.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# Access and error logs to stdout/stderr, for the service manager to keep.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy in front (a comma-separated list of addresses),
# and only behind one: without DJANGO_BEHIND_PROXY=1 nobody may say the request was HTTPS.
_behind_proxy = os.environ.get("DJANGO_BEHIND_PROXY", "0").lower() in {"1", "true", "yes", "on"}
forwarded_allow_ips = os.environ.get(
    "GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1" if _behind_proxy else ""
)


# Python's full garbage collection walks every object a worker holds: Django's, the URL
# resolver's, the compiled templates', the serializers'. At 150,000 objects that took 60 to
# 100 ms, now and then in the middle of a request (the p99 of a page at 500,000 releases,
# docs/benchmarks). What a worker builds at start and in its first requests lives as long as
# it does, so it is frozen (gc.freeze, as Python's documentation advises for long-running
# servers): full collections then walk only what later requests make (5 to 25 ms). Frozen
# after the 1st, the 10th and the 100th request, each time just after a collection, so that
# no garbage is frozen with it; after the response is sent.
FREEZE_AFTER = frozenset({1, 10, 100})
_served = itertools.count(1)


def post_request(worker, req, environ, resp):
    if next(_served) in FREEZE_AFTER:
        gc.collect()
        gc.freeze()
