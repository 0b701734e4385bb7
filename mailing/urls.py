from django.contrib import admin
from django.urls import path

from mailing import views

app_name = "mailing"
urlpatterns = [
    path("", admin.site.admin_view(views.outbox), name="outbox"),
    path("<str:name>/", admin.site.admin_view(views.outbox_message), name="outbox-message"),
    path(
        "<str:name>/html/",
        admin.site.admin_view(views.outbox_message_html),
        name="outbox-message-html",
    ),
]
