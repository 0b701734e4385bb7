from django.urls import path

from bulkdata import views

app_name = "bulkdata"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("index.json", views.index_json, name="index-json"),
    path("SHA256SUMS", views.sha256sums, name="sha256sums"),
    path("changes.jsonl", views.changes_jsonl, name="changes"),
    path("<str:name>", views.bulk_file, name="file"),
]
