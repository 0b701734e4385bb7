from django.apps import AppConfig


class AdvisoriesConfig(AppConfig):
    """Media advisories: a release announcing an event (a press conference, a stakeout), on
    its page, at /advisories/ and in iCalendar feeds a calendar app subscribes to."""

    name = "advisories"
    verbose_name = "Media advisories"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from advisories.models import Event
        from core import caching

        # An event shows on its release's page, the list and the calendars: kept pages go.
        for signal in (post_save, post_delete):
            signal.connect(caching.invalidate, sender=Event, dispatch_uid="advisories.event")
        caching.page_parameters(parameters_read)


def parameters_read():
    """What /advisories/ reads besides the list's filters: kept pages are told apart by it."""
    return {"when": 1}
