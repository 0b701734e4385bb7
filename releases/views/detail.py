"""One release's page, at its one address."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from releases.feeds import feed_links
from releases.models import FormerSlug, Release
from releases.selectors import related_releases


def release_detail(request, year, month, slug):
    try:
        release = get_object_or_404(Release.objects.published().for_display(), slug=slug)
    except Http404:
        # A public release renamed since: its old address keeps working.
        # The slug's few former owners first, then which of them is public (a subquery of
        # every public release would read them all).
        owners = FormerSlug.objects.filter(slug=slug).values("release_id")
        release = Release.objects.published().filter(pk__in=owners).first()
        if release is not None:
            return redirect(release, permanent=True)
        raise
    # One release, one address: an old or mistyped date sends readers to the right one.
    if request.path != release.get_absolute_url():
        return redirect(release, permanent=True)
    return render(
        request,
        "releases/release_detail.html",
        {"release": release, "related": related_releases(release), "feeds": release_feeds(release)},
    )


def release_feeds(release):
    """The feed a reader of this release would follow: its lead senator's, else the site's."""
    lead = next((i for i in release.issuers if i.role == "lead"), None) or next(
        iter(release.issuers), None
    )
    return feed_links({"senator": [lead.senator]} if lead else {})
