from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """PDF documents on releases: a letter, a bill summary; checked, their text searched."""

    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from documents import signals

        signals.connect()
