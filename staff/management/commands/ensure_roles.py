from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from staff.roles import roles_sync
from staff.services import staff_changes_by


class Command(BaseCommand):
    help = (
        "Create the groups Press assistants, Press secretaries and Newsroom admins and set "
        "their permissions exactly (migrate does this too), and remove per-user permissions "
        "of the newsroom's apps: staff rights come from the groups. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        try:
            with staff_changes_by(None, source="ensure_roles"):
                report = roles_sync(using=database)
        except LookupError as e:
            raise CommandError(str(e)) from e
        for changed, line in report:
            self.stdout.write(self.style.SUCCESS(line) if changed else line)
