from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff accounts: roles, offices, login throttling, the staff-only guard."""

    name = "staff"
    verbose_name = "Staff"

    def ready(self):
        from django.db.models.signals import post_migrate

        from staff.roles import roles_post_migrate

        # The roles' groups and permissions, kept exact after every migrate (staff/roles.py).
        post_migrate.connect(roles_post_migrate, dispatch_uid="staff.roles_sync")
