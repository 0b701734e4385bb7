from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Email alerts for the public: follow any list filter, confirmed, once per release."""

    name = "alerts"
    verbose_name = "Email alerts"

    def ready(self):
        from alerts import signals

        signals.connect()  # releases saved public or scheduled, corrections (alerts/signals.py)
