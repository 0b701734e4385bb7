"""What feeds, search engines and link previews read about a release.

A summary, the time its public page last changed, and its schema.org `NewsArticle`.
"""

import json
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from core.eastern import eastern_iso

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
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": release.title,
        "description": summary(release),
        "datePublished": eastern_iso(release.published_at),
        "dateModified": eastern_iso(last_modified(release)),
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
            "logo": {"@type": "ImageObject", "url": absolute(root, static("img/favicon.svg"))},
        },
        "isAccessibleForFree": True,
        "inLanguage": "en-US",
    }
    if release.dateline:
        article["dateline"] = release.dateline
    if release.lead_image:
        article["image"] = [absolute(root, release.lead_image.url)]
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
