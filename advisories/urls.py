from django.urls import path

from advisories import views

app_name = "advisories"
urlpatterns = [
    path("", views.advisory_list, name="list"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("<int:release_id>.ics", views.event_file, name="event-ics"),
]
