from django.core.management.base import BaseCommand, CommandError

from people.portraits import senator_portraits_import


class Command(BaseCommand):
    help = (
        "Give senators their official portraits from a folder laid out as the public-domain "
        "unitedstates/images collection: the folder holding congress/, or congress/450x550/ "
        "or congress/original/ itself, with files named by Bioguide ID (K000367.jpg). Each "
        "portrait is checked and re-encoded like an upload; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER")

    def handle(self, *args, folder, verbosity, **options):
        try:
            report = senator_portraits_import(root=folder)
        except ValueError as e:
            raise CommandError(str(e)) from e
        self.stdout.write("Read " + ", ".join(str(f) for f in report.folders))
        if verbosity > 1:
            for bioguide_id in report.imported:
                self.stdout.write(f"imported {bioguide_id}")
            if report.unknown:
                self.stdout.write("No senator with Bioguide ID " + ", ".join(report.unknown))
        for path, reason in report.refused:
            self.stderr.write(f"{path}: {reason}")
        style = self.style.WARNING if report.refused else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        if report.refused:
            raise CommandError(
                f"{len(report.refused)} file(s) refused (listed above); the rest were imported."
            )
