from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and that knows no newsroom model: caching, images, time."""

    name = "core"
    verbose_name = "Newsroom core"
