from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Press lists: an office's reporters, and releases sent to them under embargo."""

    name = "distribution"
    verbose_name = "Press lists"

    def ready(self):
        from distribution import signals

        signals.connect()
