"""Showing a release before it is public: to its office's staff, and by a shared link.

Both pages use the public design with a banner saying what the reader is looking at, and
both tell caches and search engines to keep nothing: an embargoed release must not leak
through a proxy, a search index or a link preview.
"""

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache

from .editorial import PreviewLink
from .models import EASTERN, Release
from .offices import releases_for
from .views import related_releases

# Tokens signed for preview links are good for nothing else, and no other signature is
# good for a preview link.
PREVIEW_LINK_SALT = "releases.preview-link"
# Eastern time with the zone named, as staff and reporters read an embargo:
# "Tuesday, May 20, 2014, 10:00 a.m. EDT".
EASTERN_FORMAT = "l, F j, Y, g:i a T"


def eastern(moment):
    return dateformat.format(timezone.localtime(moment, EASTERN), EASTERN_FORMAT)


def preview_link_token(link):
    """The signed token in a preview link's address: the link's pk and its random key."""
    return signing.Signer(salt=PREVIEW_LINK_SALT).sign_object([link.pk, link.key])


def preview_link_path(link):
    return reverse("releases:preview-link", kwargs={"token": preview_link_token(link)})


def _link_from_token(token):
    """The PreviewLink a token names, or 404: a bad signature never reaches the database."""
    try:
        pk, key = signing.Signer(salt=PREVIEW_LINK_SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404("No such preview.") from None
    if not isinstance(pk, int) or not isinstance(key, str):
        raise Http404("No such preview.")
    # The key is checked too, so a link stays unguessable even if the secret key leaked.
    return get_object_or_404(PreviewLink.objects.select_related("release"), pk=pk, key=key)


def preview_state(release):
    """What the banner says the release is: (kind, heading)."""
    if release.is_public():
        return "published", "Published"
    if release.is_embargoed():
        return "embargoed", f"Embargoed until {eastern(release.published_at)}"
    return "draft", "Draft — not public"


def _not_for_robots(response):
    """No cache keeps the page; no search engine indexes it or follows its links."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render_preview(request, release, banner, status=200):
    response = render(
        request,
        "releases/release_detail.html",
        {"release": release, "related": related_releases(release), "preview": banner},
        status=status,
    )
    return _not_for_robots(response)


@never_cache
def release_preview(request, pk):
    """/releases/preview/<pk>/: a release as the public will see it, for its office's staff."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    # Anyone else (not staff, another office) learns nothing, not even that it exists.
    release = get_object_or_404(releases_for(request.user).for_display(), pk=pk)
    kind, heading = preview_state(release)
    banner = {"kind": kind, "heading": heading, "public_url": None}
    if kind == "published":
        banner["public_url"] = release.get_absolute_url()
    return _render_preview(request, release, banner)


@never_cache
def preview_link(request, token):
    """/preview/<token>/: a release shown to someone the office shared a link with."""
    link = _link_from_token(token)
    if not link.is_active():
        gone = {"revoked": link.revoked_at is not None}
        response = render(request, "releases/preview_link_gone.html", gone, status=410)
        return _not_for_robots(response)
    release = link.release
    if release.is_public():
        # Once it is out, the public page is the page; the link needn't be kept secret.
        return redirect(release)
    release = Release.objects.for_display().get(pk=release.pk)
    now = timezone.now()
    PreviewLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=now
    )
    kind, heading = preview_state(release)
    banner = {
        "kind": kind,
        "heading": heading,
        "shared_with": link.label,
        "expires": eastern(link.expires_at),
    }
    return _render_preview(request, release, banner)
