from django.apps import AppConfig


class BulkdataConfig(AppConfig):
    """Every public release in monthly files at /archive/, rebuilt by a task, and the log of
    what changed in them (corrections, withdrawals)."""

    name = "bulkdata"
    verbose_name = "Bulk data"

    def ready(self):
        from bulkdata import signals

        signals.connect()  # what queues a rebuild, and what the change log notes
