from django.urls import path, register_converter

from releases import feeds
from releases.views import detail, lists, preview, quotes, subjects


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")

app_name = "releases"
urlpatterns = [
    path("releases/", lists.release_list, name="list"),
    path("releases/preview/<int:pk>/", preview.release_preview, name="preview"),
    path("preview/<str:token>/", preview.preview_link, name="preview-link"),
    path("releases/feed/rss/", feeds.ReleaseFeed(), name="feed-rss"),
    path("releases/feed/atom/", feeds.ReleaseAtomFeed(), name="feed-atom"),
    path("releases/<yyyy:year>/", lists.release_list, name="archive-year"),
    path("releases/<yyyy:year>/<mm:month>/", lists.release_list, name="archive-month"),
    path("releases/<yyyy:year>/<mm:month>/<slug:slug>/", detail.release_detail, name="release"),
    path("quotes/", quotes.quote_list, name="quote-list"),
    path("senators/", subjects.senator_list, name="senator-list"),
    path("senators/<slug:slug>/", subjects.SenatorDetailView.as_view(), name="senator"),
    path("topics/", subjects.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", subjects.TopicDetailView.as_view(), name="topic"),
    path("legislation/", subjects.legislation_list, name="legislation-list"),
    path(
        # Any way of writing a bill's ID (S.1733-113, 113-s-1733); the view redirects.
        "legislation/<str:bill_id>/",
        subjects.LegislationDetailView.as_view(),
        name="legislation",
    ),
    path("organizations/", subjects.organization_list, name="organization-list"),
    path(
        "organizations/<slug:slug>/",
        subjects.OrganizationDetailView.as_view(),
        name="organization",
    ),
]
