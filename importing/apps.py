from django.apps import AppConfig


class ImportingConfig(AppConfig):
    """Release files and pasted text into structured drafts."""

    name = "importing"
    verbose_name = "Importing"
