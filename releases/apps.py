from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Press releases"

    def ready(self):
        from core import caching
        from releases import signals
        from releases.browse import registry
        from releases.models import Release

        registry.register_defaults()  # the list's public filters (releases/browse/registry.py)
        signals.connect()  # every receiver on release data (releases/signals.py)
        # No page or count is kept past the next embargo (core/caching.py).
        caching.next_change_source(Release.objects.next_embargo)
