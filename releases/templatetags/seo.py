"""A release page's tags for search engines and link previews."""

from django import template
from django.conf import settings

from core.eastern import eastern_iso
from releases import seo

register = template.Library()


@register.inclusion_tag("includes/release_meta.html", takes_context=True)
def release_meta(context, release):
    """OpenGraph, Twitter card and schema.org JSON-LD for a release page's <head>."""
    root = seo.site_root(context["request"])
    return {
        "release": release,
        "site_name": settings.NEWSROOM_NAME,
        "url": seo.absolute(root, release.get_absolute_url()),
        "description": seo.summary(release),
        "published": eastern_iso(release.published_at),
        "modified": eastern_iso(seo.public_updated_at(release)),
        "senator_urls": [
            seo.absolute(root, issuer.senator.get_absolute_url()) for issuer in release.issuers
        ],
        "image": seo.share_image(release, root),
        "json_ld": seo.json_ld_script(seo.news_article(release, root)),
    }


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_meta(context, senator=None):
    """OpenGraph and Twitter card tags for a page other than a release: a senator's page
    shows their portrait, every other page the site's card."""
    request = context.get("request")
    if request is None:  # a page rendered outside a request (a server error) has no address
        return {}
    root = seo.site_root(request)
    return {
        "site_name": settings.NEWSROOM_NAME,
        "url": seo.absolute(root, request.path),
        "senator": senator,
        "image": seo.senator_share_image(senator, root) if senator else seo.site_share_image(root),
    }
