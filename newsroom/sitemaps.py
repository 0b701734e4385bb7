"""/sitemap.xml: every public page a search engine should know, by section."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from people.sitemaps import OrganizationSitemap, SenatorSitemap
from releases.sitemaps import LegislationSitemap, ReleaseSitemap, TopicSitemap


class PageSitemap(Sitemap):
    """The home page and the index pages."""

    def items(self):
        return [
            "home",
            "releases:list",
            "people:senator-list",
            "releases:topic-list",
            "releases:legislation-list",
            "people:organization-list",
            "releases:quote-list",
            "api:docs",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "releases": ReleaseSitemap,
    "senators": SenatorSitemap,
    "topics": TopicSitemap,
    "legislation": LegislationSitemap,
    "organizations": OrganizationSitemap,
}
