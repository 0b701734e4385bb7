"""gunicorn's settings for the newsroom, from the environment (docs/operations.md).

gunicorn reads this file from the working directory on its own: `gunicorn newsroom.wsgi`.
"""

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
