from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from releases.sitemaps import SITEMAPS
from releases.views.home import home
from releases.views.uploads import PreviewView, VerifiedImageUploadView
from staff.decorators import staff_only
from staff.views import view_on_site

admin.site.site_header = f"{settings.NEWSROOM_NAME} — staff"
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "Press office"

urlpatterns = [
    path("", home, name="home"),
    path("", include("releases.urls")),
    # "Paste a release", in the release admin (before the admin's own catch-all).
    path("admin/releases/release/paste/", include("importing.urls")),
    # The admin's "View on site" shortcut, at the admin's own address (so reverse
    # "admin:view_on_site" still finds it) but ours: it asks the object's ModelAdmin first.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="staff_view_on_site",
    ),
    # The local outbox (mail kept as files on a laptop), in the admin.
    path("admin/outbox/", include("mailing.urls")),
    path("admin/", admin.site.urls),
    path("alerts/", include("alerts.urls")),
    path("advisories/", include("advisories.urls")),
    path("press/", include("distribution.urls")),
    path("api/v1/", include("api.urls")),
    path("archive/", include("bulkdata.urls")),
    # markdownx leaves its endpoints open to anyone; here they are for logged-in staff only.
    path(
        "markdownx/markdownify/",
        staff_only(PreviewView.as_view()),
        name="markdownx_markdownify",
    ),
    path(
        "markdownx/upload/",
        staff_only(VerifiedImageUploadView.as_view()),
        name="markdownx_upload",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
