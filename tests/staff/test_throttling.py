"""Login throttling beyond one username from one address (staff/throttling.py).

The attack: thirty wrong guesses for one username from six addresses (five each, under the
per-pair limit), then a login from a seventh, succeeded. Now a username is also limited
across addresses and an address across usernames, with a lock that grows with the failures
and always ends by itself; and X-Forwarded-For is read only from configured proxies.

The clock is moved with time_machine, frozen between moves, so cool-offs are exact.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import RequestFactory

from staff.throttling import client_ip, wide_cool_off
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"  # UserFactory's
LOGIN_URL = "/admin/login/"
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def press(db):
    return UserFactory(username="press")


def log_in(client, password, address, username="press", **headers):
    response = client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )
    if response.status_code == 302:
        client.logout()  # the next attempt starts logged out, as a guesser's does
    return response


def address(n):
    return f"198.51.100.{n}"


def guesses(client, count, at, username="press"):
    return [log_in(client, "wrong guess", at, username).status_code for _ in range(count)]


# One username, many addresses


def test_thirty_guesses_from_six_addresses_then_a_seventh_is_refused_until_the_cool_off(
    client, press, clock
):
    statuses = []
    for n in range(1, 7):
        statuses += guesses(client, 5, address(n))
    # The first two addresses' ten wrong passwords lock the username everywhere; the rest
    # are refused before any password is checked, and not counted.
    assert statuses[:9] == [200, 200, 200, 200, 429, 200, 200, 200, 200]
    assert statuses[9:] == [429] * 21

    refused = log_in(client, PASSWORD, address(7))
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Login for “press” is locked after 10 wrong passwords from several addresses." in page
    assert "Try again in 15 minutes" in page

    clock.shift(timedelta(minutes=14, seconds=59))
    assert log_in(client, PASSWORD, address(7)).status_code == 429
    clock.shift(timedelta(seconds=1))
    assert log_in(client, PASSWORD, address(7)).status_code == 302


def test_the_lock_grows_with_the_failures_and_still_ends(client, press, clock):
    for n in range(1, 3):  # ten failures: 15 minutes
        guesses(client, 5, address(n))
    clock.shift(timedelta(minutes=15))
    # After the lock, every further failure locks again at once (slowing the guesser):
    assert guesses(client, 1, address(3)) == [429]  # the 11th: another 15 minutes
    clock.shift(timedelta(minutes=15))
    for n in range(4, 6):  # one guess per lock, until twenty failures double the lock
        for _ in range(5):
            guesses(client, 1, address(n))
            clock.shift(timedelta(minutes=15))
    assert wide_cool_off(20, 10) == timedelta(minutes=30)
    assert log_in(client, "wrong guess", address(6)).status_code == 429  # now 30 minutes
    clock.shift(timedelta(minutes=29))
    assert log_in(client, PASSWORD, address(7)).status_code == 429
    clock.shift(timedelta(minutes=1))
    assert log_in(client, PASSWORD, address(7)).status_code == 302


def test_the_cool_off_doubles_up_to_the_longest(settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.LOGIN_MAX_COOLOFF = timedelta(hours=24)
    assert [wide_cool_off(n, 10) for n in (10, 19, 20, 30, 40)] == [
        timedelta(minutes=m) for m in (15, 15, 30, 60, 120)
    ]
    assert wide_cool_off(10_000, 10) == timedelta(hours=24)


def test_one_address_never_locks_a_colleague_out_everywhere(client, press, clock):
    """A guesser at one address hammering for an hour: that address is locked, the
    colleague at their own desk is not, and the guesser's lock ends by itself."""
    attacker = address(66)
    for _ in range(4):
        assert guesses(client, 5, attacker)[-1] == 429
        assert guesses(client, 20, attacker) == [429] * 20  # refused, not counted
        assert log_in(client, PASSWORD, address(7)).status_code == 302  # the colleague
        clock.shift(timedelta(minutes=16))
    assert log_in(client, PASSWORD, attacker).status_code == 302  # a single lock, lifted


def test_a_successful_login_forgets_its_own_failures(client, press, clock):
    for n in range(1, 4):  # twelve typos in all, each followed by the right password
        assert guesses(client, 4, address(n)) == [200] * 4
        assert log_in(client, PASSWORD, address(n)).status_code == 302
    assert log_in(client, PASSWORD, address(4)).status_code == 302


def test_axes_reset_username_lifts_the_lock(client, press, clock):
    for n in range(1, 3):
        guesses(client, 5, address(n))
    assert log_in(client, PASSWORD, address(3)).status_code == 429
    call_command("axes_reset_username", "press")
    assert log_in(client, PASSWORD, address(3)).status_code == 302


# One address, many usernames


def test_many_usernames_from_one_address_lock_that_address(client, press, clock):
    sprayer = address(99)
    statuses = []
    for n in range(20):
        statuses += guesses(client, 1, sprayer, username=f"staff-{n}")
    assert statuses == [200] * 19 + [429]

    refused = log_in(client, PASSWORD, sprayer)  # even a real user, at that address
    assert refused.status_code == 429
    assert "Logins from your address are locked after 20 wrong passwords" in (
        refused.content.decode()
    )
    assert log_in(client, PASSWORD, address(7)).status_code == 302  # elsewhere: fine

    clock.shift(timedelta(minutes=15))
    assert log_in(client, PASSWORD, sprayer).status_code == 302


def test_one_person_mistyping_does_not_lock_their_shared_address(client, press, clock, settings):
    """An office behind one address: one user's typos lock only that user there."""
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 1000  # out of the way: this is the address's
    office = address(50)
    UserFactory(username="colleague")
    for _ in range(4):  # twenty wrong passwords from the address: its limit, but one user's
        clock.shift(timedelta(minutes=16))
        assert guesses(client, 5, office)[-1] == 429
    assert log_in(client, PASSWORD, office, username="colleague").status_code == 302


# Forwarded addresses


def test_a_forged_forwarded_address_from_an_untrusted_client_is_ignored(
    client, press, clock, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind a proxy
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    statuses = [
        log_in(client, "wrong guess", "203.0.113.7", HTTP_X_FORWARDED_FOR=address(n)).status_code
        for n in range(1, 6)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # one address, whatever the header said
    forged = log_in(client, PASSWORD, "203.0.113.7", HTTP_X_FORWARDED_FOR=address(9))
    assert forged.status_code == 429
    # Through the proxy, the client it names is its own: not locked.
    via_proxy = log_in(client, PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=address(9))
    assert via_proxy.status_code == 302


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not from a proxy: header ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client sent: no
        ("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1"),  # a second proxy
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),  # a proxy in a trusted network
        ("::1", "2001:DB8:0:0::7", "2001:db8::7"),  # normalized
        ("127.0.0.1", "198.51.100.1, not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "10.1.2.3", "10.1.2.3"),  # only proxies: the first of them
    ],
)
def test_client_ip_reads_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, expected
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]
    assert client_ip(request_from(remote, forwarded)) == expected


def test_client_ip_without_a_proxy_is_the_peer(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request_from("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


# Settings


def manage_shell(code, command="shell", **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update({"DJANGO_DEBUG": "1", **env})
    arguments = ["shell", "--no-imports", "-c", code] if command == "shell" else [command]
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_limits_and_proxies_come_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.LOGIN_USERNAME_FAILURE_LIMIT, "
        "s.LOGIN_ADDRESS_FAILURE_LIMIT, int(s.LOGIN_MAX_COOLOFF.total_seconds()), "
        "','.join(s.TRUSTED_PROXIES))"
    )
    result = manage_shell(
        code,
        DJANGO_LOGIN_USERNAME_FAILURE_LIMIT="12",
        DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT="40",
        DJANGO_LOGIN_MAX_COOLOFF_MINUTES="60",
        DJANGO_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["12", "40", "3600", "10.0.0.0/8,192.0.2.1"]

    bad = manage_shell("", DJANGO_TRUSTED_PROXIES="10.0.0.0/8,proxy.internal", command="check")
    assert bad.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network." in (
        bad.stderr
    )
