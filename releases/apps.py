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

        def parameters_read():
            # The list's filters (as many values as they take), its search, its page and
            # position, the sitemap's page: what kept pages are told apart by.
            many = {f.parameter: registry.MOST_VALUES for f in registry.public_filters()}
            # The index pages' letter, Congress, chamber, state, party and "all".
            index = {"letter": 1, "congress": 1, "chamber": 1, "state": 1, "party": 1, "all": 1}
            return {**many, **index, "q": 1, "page": 1, "older": 1, "newer": 1, "p": 1}

        caching.page_parameters(parameters_read)
