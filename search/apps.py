from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search: the database backend, query cleaning, highlighting, indexing."""

    name = "search"
    verbose_name = "Search"
