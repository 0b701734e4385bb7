"""Admin login throttling: who is asking, when django-axes should count an attempt, and the
three limits a login is held to.

1. One username from one address: AXES_FAILURE_LIMIT wrong passwords lock that pair for
   AXES_COOLOFF_TIME after the last one. This is django-axes' own lock (AccessAttempt rows).
2. One username from any address: LOGIN_USERNAME_FAILURE_LIMIT wrong passwords lock the
   username everywhere. A guesser spreading guesses over many addresses is stopped by it.
3. One address, any usernames: LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords lock the address.
   A guesser trying many usernames from one address is stopped by it.

Limits 2 and 3 count axes' failure log (one AccessFailureLog row per wrong password) over
the last LOGIN_MAX_COOLOFF. In either, one address (for 2) or one username (for 3) counts
for at most AXES_FAILURE_LIMIT failures, the most limit 1 lets it make: so one address alone
never locks a colleague's username everywhere, and one person mistyping their own password
never locks their office's shared address. Their lock lasts AXES_COOLOFF_TIME, doubled for
each further limit's worth of failures, at most LOGIN_MAX_COOLOFF, from the last failure:
it slows a guesser down and always ends by itself. While any lock holds, attempts are
refused without being counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so being
locked never makes a lock longer. A successful login forgets its own username and
address's failures.
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.shortcuts import render
from django.utils import timezone

# Client addresses


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text):
    """`text` as a normalized IP address, or None if it is not one."""
    try:
        return ipaddress.ip_address(text.strip())
    except (AttributeError, ValueError):
        return None


def _trusted(address):
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The address a login attempt came from.

    Behind a proxy (DJANGO_BEHIND_PROXY=1) every request comes from the proxy, which appends
    the address it saw to X-Forwarded-For. The header is read only when the request comes
    from one of TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES), since anyone else could send it;
    the client is then the right-most entry that is not itself a trusted proxy. Entries to
    its left are whatever the client chose to send and are never read.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or not _trusted(_address(remote)):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [part for part in forwarded.split(",") if part.strip()]
    for entry in reversed(entries):
        address = _address(entry)
        if address is None:
            return remote  # not what a trusted proxy appends: believe none of it
        if not _trusted(address):
            return str(address)
    # Only proxies (a health check from the proxy itself, say): the first of them.
    first = _address(entries[0]) if entries else None
    return str(first) if first is not None else remote


# The locks


@dataclass(frozen=True)
class Lock:
    """A lock on a login attempt: what it holds (pair, username, address), after how many
    failures, and until when."""

    scope: str
    failures: int
    limit: int
    until: datetime

    def remaining(self, now=None):
        return max(self.until - (now or timezone.now()), timedelta(0))


def wide_cool_off(failures, limit):
    """How long limits 2 and 3 lock after `failures` (at least `limit`): the cool-off time,
    doubled for each further `limit` failures, at most LOGIN_MAX_COOLOFF."""
    doublings = min(failures // limit - 1, 32)
    return min(settings.AXES_COOLOFF_TIME * 2**doublings, settings.LOGIN_MAX_COOLOFF)


def _wide_lock(scope, rows, by, limit, now):
    """Limit 2 or 3 over failure log `rows`, each `by` value counting for at most the pair
    limit (see the module's docstring)."""
    per = settings.AXES_FAILURE_LIMIT
    counted, last = 0, None
    for row in rows.values(by).annotate(n=Count("id"), last=Max("attempt_time")):
        counted += min(row["n"], per)
        last = row["last"] if last is None else max(last, row["last"])
    if counted < limit:
        return None
    until = last + wide_cool_off(counted, limit)
    return Lock(scope, counted, limit, until) if now < until else None


def wide_lock(username, address, now=None):
    """The lock limits 2 and 3 put on `username` from `address` now, or None."""
    now = now or timezone.now()
    recent = AccessFailureLog.objects.filter(attempt_time__gte=now - settings.LOGIN_MAX_COOLOFF)
    locks = []
    if username:
        locks.append(_wide_lock("username", recent.filter(username=username), "ip_address",
                                settings.LOGIN_USERNAME_FAILURE_LIMIT, now))  # fmt: skip
    if address:
        locks.append(_wide_lock("address", recent.filter(ip_address=address), "username",
                                settings.LOGIN_ADDRESS_FAILURE_LIMIT, now))  # fmt: skip
    locks = [lock for lock in locks if lock is not None]
    return max(locks, key=lambda lock: lock.until) if locks else None


def pair_lock(username, address, now=None):
    """Limit 1 as axes applies it (its rows for the pair, within the cool-off), for the
    lockout page's words."""
    now = now or timezone.now()
    found = AccessAttempt.objects.filter(
        username=username, ip_address=address, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if found["last"] is None:
        return None
    until = found["last"] + settings.AXES_COOLOFF_TIME
    return Lock("pair", found["failures"], settings.AXES_FAILURE_LIMIT, until)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with limits 2 and 3 added to its own (limit 1)."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return wide_lock(username, request.axes_ip_address) is not None

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        # This failure may be the one that reaches limit 2 or 3: answer it with the lock
        # page at once, as axes does for its own limit.
        username = get_client_username(request, credentials)
        if wide_lock(username, request.axes_ip_address) is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        AccessFailureLog.objects.filter(
            username=user.get_username(), ip_address=request.axes_ip_address
        ).delete()

    def clean_expired_user_attempts(self, request=None, credentials=None):
        count = super().clean_expired_user_attempts(request, credentials)
        # Older failures lock nothing any more (the longest lock is LOGIN_MAX_COOLOFF).
        AccessFailureLog.objects.filter(
            attempt_time__lt=timezone.now() - settings.LOGIN_MAX_COOLOFF
        ).delete()
        return count

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        """`manage.py axes_reset`, `axes_reset_username`, `axes_reset_ip`: all three limits."""
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        failures = AccessFailureLog.objects.all()
        if ip_or_username:
            failures = failures.filter(ip_address=ip_address) | failures.filter(username=username)
        else:
            if ip_address:
                failures = failures.filter(ip_address=ip_address)
            if username:
                failures = failures.filter(username=username)
        failures.delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The 429 page: which lock holds the attempt, and how long it has left."""
    username = get_client_username(request, credentials) or ""
    address = getattr(request, "axes_ip_address", None)
    now = timezone.now()
    lock = wide_lock(username, address, now) or pair_lock(username, address, now)
    if lock is None:  # lifted between the check and this page
        lock = Lock("pair", 0, settings.AXES_FAILURE_LIMIT, now + settings.AXES_COOLOFF_TIME)
    context = {
        "username": username,
        "scope": lock.scope,
        "failure_limit": lock.limit,
        "minutes": max(1, math.ceil(lock.remaining(now).total_seconds() / 60)),
    }
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come in over the web.

    A password guesser only reaches authenticate() through a request. Calls without one
    (management commands, the test client's login()) have no address to throttle and are
    left to the next backend instead of failing as axes' own backend would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
