from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import export, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = True
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("senators", views.SenatorViewSet, basename="senator")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("legislation", views.LegislationViewSet, basename="legislation")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("quotes", views.QuoteViewSet, basename="quote")


def not_found(request, rest=""):
    """Anything else under /api/v1/ answers in JSON too."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("releases/export.csv", export.ReleaseCSVExport.as_view(), name="release-export-csv"),
    path("releases/export.json", export.ReleaseJSONExport.as_view(), name="release-export-json"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    # Paths ending in a slash only: one without keeps Django's redirect to the slashed URL.
    re_path(r"^(?P<rest>.*)/$", not_found),
]
