from django.contrib import admin
from django.urls import path

from importing import views

app_name = "importing"
urlpatterns = [
    # The admin's login, staff check and CSRF protection, as for the admin's own pages.
    path("", admin.site.admin_view(views.paste_release), name="paste"),
]
