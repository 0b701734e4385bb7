from django.apps import AppConfig


class HandoffConfig(AppConfig):
    """A departing senator's newsroom as a BagIt bag an archivist can validate."""

    name = "handoff"
    verbose_name = "Office handoff"
