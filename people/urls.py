from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("senators/", views.senator_list, name="senator-list"),
    path("senators/<slug:slug>/", views.senator_detail, name="senator"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
]
