"""Sitemap sections for senators' and organizations' pages."""

from django.contrib.sitemaps import Sitemap

from releases.sitemaps import latest_public_change

from .models import Organization, Senator


class SenatorSitemap(Sitemap):
    def items(self):
        return latest_public_change(Senator.objects.order_by("slug"), "releasesenator__release")

    def lastmod(self, senator):
        return senator.last_release


class OrganizationSitemap(Sitemap):
    def items(self):
        return latest_public_change(Organization.objects.order_by("slug"), "releases")

    def lastmod(self, organization):
        return organization.last_release
