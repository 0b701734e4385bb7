"""Hardened deployment: production settings, security headers, the CSP, login throttling."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.support.factories import ReleaseFactory, SenatorFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "x7Kq!p2v" * 8  # 64 characters, more than 5 distinct: a "real" key
PASSWORD = "correct horse battery staple"
LOGIN_URL = "/admin/login/"


def manage(*args, **env):
    """Run manage.py in a fresh process with only the given DJANGO_* variables set."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": PRODUCTION_SECRET,
    "DJANGO_ALLOWED_HOSTS": "news.example.senate.gov",
}


# --- Production settings -------------------------------------------------------------


def test_check_deploy_reports_no_warnings_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


LAPTOP = {"DJANGO_DEBUG": "1"}  # what `make run` sets


def test_check_deploy_warns_on_the_local_defaults():
    # The same check does find the laptop's settings unfit for production: it is not vacuous.
    result = manage("check", "--deploy", "--fail-level", "WARNING", **LAPTOP)
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


PRINT_SECURITY_SETTINGS = (
    "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
    "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def test_production_is_https_only_with_a_year_of_hsts():
    result = manage("shell", "--no-imports", "-c", PRINT_SECURITY_SETTINGS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "True", "31536000", "True", "True", "True", "True", "True", "None",
    ]  # fmt: skip


def test_a_laptop_keeps_plain_http():
    result = manage("shell", "--no-imports", "-c", PRINT_SECURITY_SETTINGS, **LAPTOP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True", "False", "0", "True", "True", "False", "True", "False", "None",
    ]  # fmt: skip


def test_behind_a_proxy_its_forwarded_protocol_is_trusted_and_switches_can_be_turned_off():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        PRINT_SECURITY_SETTINGS,
        **PRODUCTION,
        DJANGO_BEHIND_PROXY="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
    )
    assert result.returncode == 0, result.stderr
    values = result.stdout.split(None, 8)
    assert values[1] == "False"  # no redirect: the proxy does it
    assert values[4] == "False"  # no preload
    assert values[8].strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_without_django_debug_the_settings_are_production_ones():
    """A server started without DJANGO_DEBUG shows no debug page and wants a real key."""
    unset = manage("check")
    assert unset.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in unset.stderr
    keyed = manage(
        "shell", "--no-imports", "-c", PRINT_SECURITY_SETTINGS,
        DJANGO_SECRET_KEY=PRODUCTION_SECRET, DJANGO_ALLOWED_HOSTS="news.example.senate.gov",
    )  # fmt: skip
    assert keyed.returncode == 0, keyed.stderr
    assert keyed.stdout.split()[:3] == ["False", "True", "31536000"]


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"], ids=["secret", "hosts"]
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


# --- Security headers and the Content-Security-Policy -----------------------------------


class PageScan(HTMLParser):
    """What a Content-Security-Policy judges in a page: scripts, <style>s, style= attributes."""

    def __init__(self):
        super().__init__()
        self.inline_scripts = []  # the nonce attribute of each executable inline <script>
        self.styles = []  # the nonce attribute of each <style>
        self.style_attributes = []  # tags that carry style=
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append(self.get_starttag_text())
        if tag == "style":
            self.styles.append(attrs.get("nonce"))
        if tag == "script" and not attrs.get("src"):
            kind = (attrs.get("type") or "text/javascript").lower()
            if "json" not in kind:  # data blocks are not run, and a CSP does not judge them
                self.inline_scripts.append(attrs.get("nonce"))


def scan(response):
    page = PageScan()
    page.feed(response.content.decode())
    return page


def csp_nonce(response):
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", response["Content-Security-Policy"])
    return match and match.group(1)


@pytest.mark.django_db
def test_pages_carry_the_security_headers_and_a_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in response["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_docs_inline_script_and_style_carry_this_requests_nonce(client):
    first = client.get("/api/v1/docs/")
    second = client.get("/api/v1/docs/")
    assert first.status_code == 200
    nonce = csp_nonce(first)
    assert nonce and len(nonce) >= 16
    assert nonce != csp_nonce(second)  # a fresh one per response
    assert f"style-src 'self' 'nonce-{nonce}'" in first["Content-Security-Policy"]
    page = scan(first)
    assert page.inline_scripts == [nonce]  # the Swagger UI start-up script
    assert page.styles == [nonce]
    assert page.style_attributes == []


@pytest.mark.django_db
def test_redoc_alone_may_style_itself_inline_and_loads_no_google_fonts(client):
    response = client.get("/api/v1/redoc/")
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in header
    nonce = csp_nonce(response)
    assert nonce and all(found == nonce for found in scan(response).inline_scripts)
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "googleapis" not in response.content.decode()
    assert "unsafe-inline" not in client.get("/api/v1/docs/")["Content-Security-Policy"]


def assert_csp_clean(response):
    """Nothing in the page that the policy would block."""
    nonce = csp_nonce(response)
    page = scan(response)
    assert page.style_attributes == [], page.style_attributes
    assert all(found == nonce for found in page.inline_scripts), page.inline_scripts
    assert all(found == nonce for found in page.styles), page.styles


@pytest.mark.django_db
def test_public_pages_have_nothing_the_policy_would_block(client):
    senator = SenatorFactory()
    release = ReleaseFactory(senators=[senator])
    for url in ["/", "/releases/", release.get_absolute_url(), senator.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response, url
        assert_csp_clean(response)


@pytest.mark.django_db
def test_admin_pages_have_nothing_the_policy_would_block(client):
    client.force_login(UserFactory(is_superuser=True))
    SenatorFactory()
    for url in [
        "/admin/",
        "/admin/releases/release/add/",
        "/admin/people/senator/",
        "/admin/people/senator/add/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response)


def test_the_error_page_has_no_inline_style():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = scan(response)
    assert page.styles == [] and page.style_attributes == []
    assert "css/error.css" in response.content.decode()


# --- Admin login throttling ---------------------------------------------------------------


@pytest.fixture
def press_secretary(settings):
    return UserFactory(username="press", is_superuser=True)


def log_in(client, password, address="203.0.113.7", username="press"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def logged_in(client):
    return client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login_even_with_the_right_one(client, press_secretary):
    for _ in range(4):
        response = log_in(client, "guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = log_in(client, "guess")  # the fifth
    assert response.status_code == 429
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    assert not logged_in(client)


@pytest.mark.django_db
def test_the_lock_is_for_that_username_from_that_address(client, press_secretary):
    UserFactory(username="other", is_superuser=True)
    for _ in range(5):
        log_in(client, "guess")
    assert log_in(client, PASSWORD).status_code == 429
    # Another staff member in the same office logs in; so does the same one from elsewhere.
    assert log_in(client, PASSWORD, username="other").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, address="198.51.100.20").status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_clears_the_count(client, press_secretary):
    for _ in range(4):
        log_in(client, "guess")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "guess").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_the_lock_lifts_after_its_cool_off(client, press_secretary):
    for _ in range(5):
        log_in(client, "guess")
    assert log_in(client, PASSWORD).status_code == 429
    # Sixteen minutes pass since the last failure.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)
