from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff accounts: roles, offices, the log of account changes, login throttling, the
    staff-only guard."""

    name = "staff"
    verbose_name = "Staff"

    def ready(self):
        from django.db.models.signals import post_migrate

        from staff import signals
        from staff.roles import roles_post_migrate

        # The roles' groups and permissions, kept exact after every migrate (staff/roles.py).
        post_migrate.connect(roles_post_migrate, dispatch_uid="staff.roles_sync")
        # Every change to a staff account is written to the log (staff/signals.py).
        signals.connect()
