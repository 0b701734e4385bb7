from django.conf import settings
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import export, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = True
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("senators", views.SenatorViewSet, basename="senator")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("legislation", views.LegislationViewSet, basename="legislation")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("quotes", views.QuoteViewSet, basename="quote")


# Redoc styles itself with <style> elements it makes at run time (no nonce) and searches in a
# blob: worker; this page alone gets those two relaxations of the site's policy.
REDOC_CSP = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
}
# The docs pages are HTML templates: DRF answers OPTIONS with its metadata through the
# page's template renderer, which has no template for it (a 500); GET and HEAD only.
DOCS_METHODS = ["get", "head"]
redoc = SpectacularRedocView.as_view(url_name="api:schema", http_method_names=DOCS_METHODS)


def not_found(request, rest=""):
    """Anything else under /api/v1/ answers in JSON too."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("releases/export.csv", export.ReleaseCSVExport.as_view(), name="release-export-csv"),
    path("releases/export.json", export.ReleaseJSONExport.as_view(), name="release-export-json"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", http_method_names=DOCS_METHODS),
        name="docs",
    ),
    path("redoc/", csp_override(REDOC_CSP)(redoc), name="redoc"),
    path("", include(router.urls)),
    # Paths ending in a slash only: one without keeps Django's redirect to the slashed URL.
    re_path(r"^(?P<rest>.*)/$", not_found),
]
