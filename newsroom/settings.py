"""Settings for the newsroom, read from the environment.

Only the environment differs between a laptop, CI and production. DEBUG is off unless
DJANGO_DEBUG=1 says otherwise (`make run` and the tests do), so a server started without it
shows no debug page; with DEBUG off the site refuses to start without a real
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. The other defaults suit a laptop (SQLite in the
project folder).
"""

import ipaddress
import json
import os
import tempfile
import zlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

_INSECURE_KEY = "django-insecure-local-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = _INSECURE_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, with the press desk as its front page (desk/sites.py).
    "desk.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",  # admin login throttling, see AXES_* below
    "django_filters",
    "markdownx",
    "modelsearch",
    "simple_history",  # release revisions: who changed what, when; diff and restore
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files, no CDN
    # The newsroom's apps, each depending only on those above it (docs/architecture.md).
    "core",  # model-free: caching, image safety, outage middleware, Eastern time
    "people",  # senators, organizations, offices, the roster importer
    "search",  # the full-text backend, query cleaning, highlighting, indexing
    "releases",  # releases, quotes, topics, bills; the public pages and the admin
    "advisories",  # media advisories: their events, /advisories/ and iCalendar feeds
    "documents",  # PDF documents on releases: checked on upload, their text searched
    "importing",  # release files and pasted text into drafts
    "staff",  # roles, login throttling, staff accounts
    "api",  # the read-only JSON API
    "alerts",  # email alerts for any list filter, for the public
    "distribution",  # press lists, and releases sent to them under embargo
    "bulkdata",  # every public release in monthly files at /archive/, and a change log
    "handoff",  # export_office: a departing senator's newsroom as a BagIt bag
    "mailing",  # mail that goes out: sent once, retried, the local outbox
    "desk",  # the admin's front page: what each user's offices have going out and waiting
    "sampledata",  # the demo newsroom and the synthetic one; no request imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and feeds gzipped for clients that accept it, but never one that carries a CSRF
    # token or is for staff (BREACH; core/middleware.py). Outside the page cache, which keeps
    # pages uncompressed; static files come precompressed from whitenoise, above it.
    "core.middleware.PublicGZipMiddleware",
    # ETag on every page and feed; If-None-Match answers 304 (on kept pages too).
    "django.middleware.http.ConditionalGetMiddleware",
    # Whole public pages for anonymous visitors, ended by any change and at embargo times
    # (core/caching.py). Before the database's 503: kept pages outlive an outage.
    "core.middleware.PageCacheMiddleware",
    # The database out of reach is a 503 page (JSON under /api/), not a 500 and a traceback;
    # the broken connection is closed so the site recovers by itself (core/middleware.py).
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Records the logged-in user on each revision django-simple-history keeps.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# django-axes' backend first: it refuses a locked-out username+address before any
# password is checked; the model backend then does the real work.
AUTHENTICATION_BACKENDS = [
    "staff.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",  # {{ csp_nonce }}
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "core.context_processors.kept",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # modelsearch's PostgreSQL index uses SearchVectorField and GinIndex; without this app
    # `manage.py check` fails on PostgreSQL.
    INSTALLED_APPS.append("django.contrib.postgres")
    # libpq waits forever for an unreachable host; give up soon enough to answer a 503 before
    # gunicorn's worker timeout kills the request. A DATABASE_URL's ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Times are stored in UTC and shown in Eastern time, the Senate's clock.
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Caches: local memory by default; Redis when several servers share one
# (CACHE_URL=redis://127.0.0.1:6379/0).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// address (or unset: local memory).")
else:
    CACHES = {
        "default": {
            # Local memory, bounded by bytes as well as entries: what varying URLs can make
            # a process keep stays within CACHE_MAX_MB (the least recently used goes first).
            "BACKEND": "core.cache_backends.BoundedLocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": 5000,
                "MAX_BYTES": int(os.environ.get("CACHE_MAX_MB", "64")) * 1024 * 1024,
            },
        }
    }
# The page cache (core/caching.py): on in production, off on a laptop and in tests
# unless asked for. The stamp file tells every process of one server that pages changed.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "0" if DEBUG else "300"))
# A page bigger than this is never kept (a feed of 50 whole releases is about 350 KB).
PAGE_CACHE_MAX_BYTES = int(os.environ.get("DJANGO_PAGE_CACHE_MAX_KB", "1024")) * 1024
# The X-Page-Cache header (hit or miss) says whether someone just asked for the same
# address: on a laptop and in tests only.
PAGE_CACHE_HEADER = env_bool("DJANGO_PAGE_CACHE_HEADER", DEBUG)
# Facet counts and list totals, kept until something changes (core/caching.py).
COUNT_CACHE_SECONDS = int(os.environ.get("DJANGO_COUNT_CACHE_SECONDS", "3600"))
PAGE_CACHE_STAMP_FILE = os.environ.get(
    "PAGE_CACHE_STAMP_FILE",
    # One stamp per checkout (not hash(): it differs between processes).
    str(Path(tempfile.gettempdir()) / f"newsroom-page-cache-{zlib.crc32(bytes(BASE_DIR)):08x}"),
)

# Bulk exports at once on this server, all its processes together (api/export.py): by
# default half the cores, so that the other half answers readers. Their places are locks on
# files in EXPORT_PLACES_DIR, one folder per checkout.
EXPORTS_AT_ONCE = int(os.environ.get("DJANGO_EXPORTS_AT_ONCE", "0")) or max(
    1, (os.cpu_count() or 2) // 2
)
EXPORT_PLACES_DIR = os.environ.get(
    "EXPORT_PLACES_DIR",
    str(Path(tempfile.gettempdir()) / f"newsroom-exports-{zlib.crc32(bytes(BASE_DIR)):08x}"),
)

STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded media (photos, lead images, documents) go through Django's storage API: files in
# MEDIA_ROOT by default; several servers share an S3-compatible store by setting the backend
# (e.g. storages.backends.s3.S3Storage, from django-storages) and its options as JSON.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_DEFAULT_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("DJANGO_DEFAULT_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {
        "BACKEND": os.environ.get(
            "DJANGO_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# HTTPS and cookies. Production (DEBUG off) is HTTPS only by default; a laptop keeps plain
# http on 127.0.0.1. Each can be switched by its variable (see README, "Production").
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Behind a proxy that ends TLS, Django sees plain http: trust its X-Forwarded-Proto, but only
# when told so, since anyone could send that header to a server that is not behind one.
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, on a laptop and in tests too, so that an inline script or style
# that production would block breaks there first. Only our own origin; inline <script> and
# <style> need the request's nonce ({{ csp_nonce }} / {% csp_nonce_attr %}); no inline style=
# attributes. The Redoc page gets its own policy in api/urls.py.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Admin login throttling (django-axes, with the limits of staff/throttling.py): after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is refused
# (429) for the cool-off time, even with the right password; LOGIN_USERNAME_FAILURE_LIMIT
# for one username from any addresses lock it everywhere, and LOGIN_ADDRESS_FAILURE_LIMIT
# from one address for any usernames lock the address, for a cool-off that grows with the
# failures up to LOGIN_MAX_COOLOFF. A successful login clears its own count. Attempts
# during a lock are refused uncounted. Attempts are kept in the database.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "staff.throttling.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HANDLER = "staff.throttling.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "staff.throttling.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per wrong password: what limits 2 and 3 count
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_USERNAME_FAILURE_LIMIT", "10"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_MAX_COOLOFF = timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_MAX_COOLOFF_MINUTES", str(24 * 60)))
)
# The proxies whose X-Forwarded-For is believed (with DJANGO_BEHIND_PROXY=1): addresses or
# networks. A request from anywhere else is taken to come from its own address.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None

NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Senate Newsroom")
RELEASES_PER_PAGE = 20
# The site's address, for links in mail (read far from any request): https in production.
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")

# Background work: Django's tasks framework. The default queue is the database itself
# (django-tasks-db; `manage.py db_worker` runs it, and `make run` starts one); several
# servers can share Redis instead (TASKS_BACKEND=rq: django-tasks-rq and RQ's workers,
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job`).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "database":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("TASKS_REDIS_URL", "redis://127.0.0.1:6379/1")}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be database or rq.")

# Mail (Django 6.1's MAILERS): SMTP from the environment in production; on a laptop
# (DJANGO_DEBUG=1) the outbox, files under EMAIL_OUTBOX_DIR that staff read at /admin/outbox/
# (mailing/backends.py). EMAIL_BACKEND=smtp or outbox chooses either way.

EMAIL_OUTBOX_DIR = Path(os.environ.get("EMAIL_OUTBOX_DIR", BASE_DIR / "var" / "outbox"))
_mail_backend = os.environ.get("EMAIL_BACKEND", "outbox" if DEBUG else "smtp")
if _mail_backend == "outbox":
    MAILERS = {"default": {"BACKEND": "mailing.backends.OutboxBackend",
                           "OPTIONS": {"folder": str(EMAIL_OUTBOX_DIR)}}}  # fmt: skip
elif _mail_backend == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
            },
        }
    }
else:
    raise ImproperlyConfigured("EMAIL_BACKEND must be smtp or outbox.")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{NEWSROOM_NAME} <news@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_MESSAGE_ID_DOMAIN = os.environ.get(
    "EMAIL_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "localhost"
)

# Email alerts for the public (alerts/, docs/alerts.md): how long a confirmation link lasts,
# and the limits that keep sign-ups from being a way to flood someone's inbox.
ALERTS_CONFIRM_DAYS = int(os.environ.get("ALERTS_CONFIRM_DAYS", "7"))
ALERTS_MAX_PER_ADDRESS = int(os.environ.get("ALERTS_MAX_PER_ADDRESS", "25"))
ALERTS_SIGNUPS_PER_CLIENT_HOUR = int(os.environ.get("ALERTS_SIGNUPS_PER_CLIENT_HOUR", "20"))
ALERTS_SIGNUPS_PER_ADDRESS_DAY = int(os.environ.get("ALERTS_SIGNUPS_PER_ADDRESS_DAY", "10"))
ALERTS_CONFIRMATIONS_PER_DAY = int(os.environ.get("ALERTS_CONFIRMATIONS_PER_DAY", "3"))

# django-markdownx: the admin preview uses the same sanitized renderer as the public page;
# its endpoints are wrapped for staff only in newsroom/urls.py.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "releases.markdown.render_markdown"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"]
MARKDOWNX_UPLOAD_MAX_SIZE = 10 * 1024 * 1024
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_SERVER_CALL_LATENCY = 400

# PDF documents on releases (documents/validation.py): an upload over either cap is refused.
DOCUMENT_MAX_BYTES = int(os.environ.get("DJANGO_DOCUMENT_MAX_MB", "20")) * 1024 * 1024
DOCUMENT_MAX_PAGES = int(os.environ.get("DJANGO_DOCUMENT_MAX_PAGES", "500"))

# Full-text search: the database by default (SQLite FTS5 or PostgreSQL full-text search);
# SEARCH_BACKEND=modelsearch.backends.elasticsearch8 (or opensearch2, ...) with SEARCH_URLS
# for an installation that outgrows its database.
MODELSEARCH_BACKENDS = {
    "default": {
        "BACKEND": os.environ.get("SEARCH_BACKEND", "search.backend"),
        **(
            {"URLS": env_list("SEARCH_URLS"), "INDEX": os.environ.get("SEARCH_INDEX", "newsroom")}
            if os.environ.get("SEARCH_URLS")
            else {}
        ),
    }
}

# The read-only JSON API at /api/v1/ (api/): public data only, so no authentication, no
# sessions; JSON whatever the Accept header; the schema and docs by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "api.schema.NewsroomAutoSchema",  # the registry's filters
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{NEWSROOM_NAME} API",
    "DESCRIPTION": "Read-only press releases of U.S. senators, with their senators, quotes, "
    "topics, bills and organizations. Public releases only. Every release at once: the "
    "monthly bulk files at [/archive/](/archive/), with checksums and a change log.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # pypdf logs each oddity of an uploaded PDF it works around (documents/validation.py).
    "loggers": {
        # Django's own console handler (DEBUG only) goes: django.* records reach the root's
        # console once, not twice ("Task ... SUCCESSFUL" in `make run`'s worker).
        "django": {"handlers": [], "level": "INFO"},
        "pypdf": {"level": "ERROR"},
    },
}
