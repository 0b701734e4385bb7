"""/sitemap.xml: every public page a search engine should know, by section; public only."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from people.models import Organization, Senator
from releases.models import Legislation, Release, Topic
from releases.selectors import latest_public_change
from releases.seo import last_modified


class PageSitemap(Sitemap):
    """The home page and the index pages."""

    def items(self):
        return [
            "home",
            "releases:list",
            "releases:senator-list",
            "releases:topic-list",
            "releases:legislation-list",
            "releases:organization-list",
            "releases:quote-list",
            "api:docs",
        ]

    def location(self, name):
        return reverse(name)


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


class SubjectSitemap(Sitemap):
    """A senator's, topic's, bill's or organization's page, changed when its newest public
    release last changed."""

    order = ""  # the field the section is listed by
    releases_path = "releases"  # from the subject to its releases

    def items(self):
        return latest_public_change(self.model.objects.order_by(self.order), self.releases_path)

    def lastmod(self, subject):
        return subject.last_release


class SenatorSitemap(SubjectSitemap):
    model, order, releases_path = Senator, "slug", "releasesenator__release"


class TopicSitemap(SubjectSitemap):
    model, order = Topic, "slug"


class LegislationSitemap(SubjectSitemap):
    model, order = Legislation, "bill_id"


class OrganizationSitemap(SubjectSitemap):
    model, order = Organization, "slug"


SITEMAPS = {
    "pages": PageSitemap,
    "releases": ReleaseSitemap,
    "senators": SenatorSitemap,
    "topics": TopicSitemap,
    "legislation": LegislationSitemap,
    "organizations": OrganizationSitemap,
}
