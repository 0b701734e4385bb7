from django.urls import path

from alerts import views

app_name = "alerts"
# Permanent addresses: they are in emails already sent.
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
