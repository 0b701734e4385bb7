"""Sitemap sections for releases, topics and bills: only what the public can see."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from .models import Legislation, Release, Topic
from .seo import last_modified


def latest_public_change(queryset, path):
    """Each object annotated with `last_release`: when its newest public release last
    changed (None without one), `path` leading from the object to its releases."""
    public = Release.objects.published()
    return queryset.annotate(
        last_release=Max(f"{path}__updated_at", filter=Q(**{f"{path}__in": public}))
    )


class ReleaseSitemap(Sitemap):
    def items(self):
        # The publication rule per request: embargoed releases appear when their time comes.
        return (
            Release.objects.published()
            .only("slug", "published_at", "created_at", "updated_at")
            .with_last_correction()  # a correction changes the page
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, release):
        return last_modified(release)


class TopicSitemap(Sitemap):
    def items(self):
        return latest_public_change(Topic.objects.order_by("slug"), "releases")

    def lastmod(self, topic):
        return topic.last_release


class LegislationSitemap(Sitemap):
    def items(self):
        return latest_public_change(Legislation.objects.order_by("bill_id"), "releases")

    def lastmod(self, bill):
        return bill.last_release
