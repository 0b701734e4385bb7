from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "JSON API"

    def ready(self):
        from core import caching

        # Kept API pages are told apart by their cursor and page size too (core/caching.py).
        caching.page_parameters(lambda: {"cursor": 1, "page_size": 1})
