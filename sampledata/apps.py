from django.apps import AppConfig


class SampleDataConfig(AppConfig):
    """The demo newsroom and the synthetic one for benchmarks; no request imports it."""

    name = "sampledata"
    verbose_name = "Sample data"
