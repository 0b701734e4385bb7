from django.core.management.base import BaseCommand, CommandError

from people.services import legislators_import


class Command(BaseCommand):
    help = (
        "Import senators from unitedstates/congress-legislators files (YAML, JSON or CSV: "
        "legislators-current, legislators-historical, legislators-social-media). Upserts by "
        "Bioguide id; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        reports = legislators_import(paths=files)
        errors = [error for report in reports for error in report.errors]
        for error in errors:
            self.stderr.write(error)
        for report in reports:
            style = self.style.WARNING if report.errors else self.style.SUCCESS
            self.stdout.write(style(report.summary()))
        if errors:
            raise CommandError(
                f"{len(errors)} file(s) or record(s) could not be imported (listed above); "
                "the rest were."
            )
