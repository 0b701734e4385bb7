"""What feeds, search engines and link previews read about a release.

A summary, the time its public page last changed, its schema.org `NewsArticle`, and the
picture a link to it shows (`share_image`).
"""

import json
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.eastern import eastern_iso
from core.images import rendition_name
from releases.models import ReleaseType

# The characters that could end a <script> element or open a comment in it, as JSON
# escapes; json.loads reads them back as the same characters (as Django's json_script).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def site_root(request):
    """ "https://newsroom.example/", from the request (behind a proxy, set
    SECURE_PROXY_SSL_HEADER so the scheme is right)."""
    return f"{request.scheme}://{request.get_host()}/"


def absolute(root, url):
    """`url` on the site at `root`; an address that is already absolute stays as it is."""
    return urljoin(root, url)


# The site's own raster pictures (drawn by scripts/share_images.py from the favicon's design):
# search engines want a raster publisher logo, not an SVG; the card is what a link to a page
# with no picture of its own shows.
LOGO = ("img/logo.png", 512, 512)
SHARE_CARD = ("img/share.png", 1200, 630)
# Link previews show 1200 pixels at most, and refuse large files (5 to 8 MB): a lead image
# is shared by its widest rendition up to this, not by the original.
SHARE_WIDTH = 1600


@dataclass(frozen=True)
class ShareImage:
    """The picture a link preview shows, with what is known of its size."""

    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    wide: bool = True  # a landscape picture: Twitter's large card; a portrait is a summary


def site_share_image(root):
    path, width, height = SHARE_CARD
    return ShareImage(absolute(root, static(path)), settings.NEWSROOM_NAME, width, height)


def senator_share_image(senator, root):
    """A senator's portrait, else the site's card."""
    if not senator.photo:
        return site_share_image(root)
    return ShareImage(
        absolute(root, senator.photo.url), f"Official portrait of {senator.name}", wide=False
    )


def share_image(release, root):
    """The release's lead image, else its lead senator's portrait, else the site's card."""
    if release.lead_image:
        url = lead_image_at_most(release, SHARE_WIDTH)
        return ShareImage(absolute(root, url), release.lead_image_alt)
    lead = release.lead_senator
    return senator_share_image(lead, root) if lead else site_share_image(root)


def lead_image_at_most(release, width):
    """The address of the widest stored version of the lead image no wider than `width`
    (the original when it is narrower, or has no renditions)."""
    image, widths = release.lead_image, release.lead_image_widths or []
    fitting = [w for w in widths if w <= width]
    if not fitting or max(fitting) == max(widths):
        return image.url
    return image.storage.url(rendition_name(image.name, max(fitting)))


def publisher_logo(root):
    path, width, height = LOGO
    return {
        "@type": "ImageObject",
        "url": absolute(root, static(path)),
        "width": width,
        "height": height,
    }


def summary(release, words=40):
    """The first highlight, as the release itself leads with it; else the body's start."""
    highlights = release.highlight_list
    if highlights:
        return highlights[0]
    return Truncator(strip_tags(release.body_html)).words(words)


def latest_correction_at(release):
    """When the release's latest correction was noted, or None: read from the
    `last_correction_at` annotation (ReleaseQuerySet.with_last_correction) when there is one."""
    if "last_correction_at" in release.__dict__:
        return release.last_correction_at
    return max((note.noted_at for note in release.corrections.all()), default=None)


def public_updated_at(release):
    """The time readers are told the release was updated: its latest correction, else its
    publication (never before it: a note made under embargo went live with the release)."""
    corrected = latest_correction_at(release)
    return max(corrected, release.published_at) if corrected else release.published_at


def last_modified(release):
    """When the public page last changed: an embargoed release saved before it went live
    first changed for readers at its publication time; a correction changes it too."""
    return max(release.updated_at, public_updated_at(release))


def news_article(release, root):
    """The release as a schema.org NewsArticle, for search engines (JSON-LD).

    Expects the release as release_detail loads it: `issuers` with senators, topics.
    """
    url = absolute(root, release.get_absolute_url())
    topics = list(release.topics.all())
    article = {
        "@context": "https://schema.org",
        # An op-ed is opinion (schema.org's OpinionNewsArticle); the rest report.
        "@type": "OpinionNewsArticle" if release.type == ReleaseType.OP_ED else "NewsArticle",
        "genre": release.get_type_display(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": release.title,
        "description": summary(release),
        "datePublished": eastern_iso(release.published_at),
        # As the feeds and the API: the publication or the latest correction, not the last
        # save (search engines read a resave as news).
        "dateModified": eastern_iso(public_updated_at(release)),
        "author": [
            {
                "@type": "Person",
                "name": issuer.senator.name,
                "url": absolute(root, issuer.senator.get_absolute_url()),
            }
            for issuer in release.issuers
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.NEWSROOM_NAME,
            "url": absolute(root, reverse("home")),
            "logo": publisher_logo(root),
        },
        "isAccessibleForFree": True,
        "inLanguage": "en-US",
    }
    if release.dateline:
        article["dateline"] = release.dateline
    article["image"] = [share_image(release, root).url]
    if topics:
        article["keywords"] = [topic.name for topic in topics]
        article["about"] = [
            {"@type": "Thing", "name": topic.name, "url": absolute(root, topic.get_absolute_url())}
            for topic in topics
        ]
    return article


def json_ld_script(data):
    """A <script type="application/ld+json"> element that no value can break out of."""
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(encoded.translate(_SCRIPT_ESCAPES)),
    )
