"""Showing a release before it is public: to its office's staff, and by a shared link.

Both pages use the public design with a banner saying what the reader is looking at, and
both tell caches and search engines to keep nothing: an embargoed release must not leak
through a proxy, a search index or a link preview.
"""

from django.contrib.auth.views import redirect_to_login
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.eastern import eastern
from releases.clients import client_description
from releases.models import OPENS_KEPT_PER_LINK, PreviewLink, PreviewLinkOpen, Release
from releases.selectors import related_releases, releases_for


def _link_from_token(token):
    """The PreviewLink a token names, or 404: a bad signature never reaches the database."""
    lookup = PreviewLink.lookup_for_token(token)
    if lookup is None:
        raise Http404("No such preview.")
    return get_object_or_404(PreviewLink.objects.select_related("release"), **lookup)


def preview_state(release):
    """What the banner says the release is: (kind, heading)."""
    if release.is_public():
        return "published", "Published"
    if release.is_embargoed():
        return "embargoed", f"Embargoed until {eastern(release.published_at, 'embargo')}"
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


def _record_open(request, link, outcome):
    """Note that `link` was opened (a GET or HEAD: what a reader, a mail filter or a chat
    preview sends), when and by what kind of program: never the address it came from or the
    header itself (releases/models/editorial.py PreviewLinkOpen says why)."""
    if request.method not in ("GET", "HEAD"):
        return
    if PreviewLinkOpen.objects.filter(link=link).count() >= OPENS_KEPT_PER_LINK:
        return
    PreviewLinkOpen.objects.create(
        link=link, outcome=outcome,
        client=client_description(request.headers.get("User-Agent", "")),
    )  # fmt: skip


@never_cache
def preview_link(request, token):
    """/preview/<token>/: a release shown to someone the office shared a link with.

    Every opening is recorded (PreviewLinkOpen), whatever the link answers: an ended link
    still tried tells the office where it went."""
    link = _link_from_token(token)
    if not link.is_active():
        _record_open(request, link, PreviewLinkOpen.Outcome.ENDED)
        gone = {"revoked": link.revoked_at is not None}
        response = render(request, "releases/preview_link_gone.html", gone, status=410)
        return _not_for_robots(response)
    release = link.release
    if release.is_public():
        _record_open(request, link, PreviewLinkOpen.Outcome.PUBLIC)
        # Once it is out, the public page is the page; the link needn't be kept secret.
        return redirect(release)
    _record_open(request, link, PreviewLinkOpen.Outcome.SHOWN)
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
        "expires": eastern(link.expires_at, "embargo"),
    }
    return _render_preview(request, release, banner)
