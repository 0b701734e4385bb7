from django.apps import AppConfig


class MailingConfig(AppConfig):
    """Email that goes out: building it as mail providers expect, sending it once, retrying
    what the server refused for now, and the local outbox."""

    name = "mailing"
    verbose_name = "Mail"
