"""Admin login throttling: who is asking, and when django-axes should count an attempt."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


def client_ip(request):
    """The address a login attempt came from.

    Behind a proxy (DJANGO_BEHIND_PROXY=1) every request comes from the proxy, so the client
    is the last address the proxy appended to X-Forwarded-For; earlier entries are whatever
    the client chose to send and are not trusted.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR")


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
