from django.urls import path, register_converter

from . import feeds, preview, views
from .quotes import quote_list


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
    path("releases/", views.release_list, name="list"),
    path("releases/preview/<int:pk>/", preview.release_preview, name="preview"),
    path("preview/<str:token>/", preview.preview_link, name="preview-link"),
    path("releases/feed/rss/", feeds.ReleaseFeed(), name="feed-rss"),
    path("releases/feed/atom/", feeds.ReleaseAtomFeed(), name="feed-atom"),
    path("releases/<yyyy:year>/", views.release_list, name="archive-year"),
    path("releases/<yyyy:year>/<mm:month>/", views.release_list, name="archive-month"),
    path("releases/<yyyy:year>/<mm:month>/<slug:slug>/", views.release_detail, name="release"),
    path("quotes/", quote_list, name="quote-list"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("legislation/", views.legislation_list, name="legislation-list"),
    path("legislation/<slug:bill_id>/", views.legislation_detail, name="legislation"),
]
