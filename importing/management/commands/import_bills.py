from django.core.management.base import BaseCommand, CommandError

from importing.bills import bills_import


class Command(BaseCommand):
    help = (
        "Import bills from unitedstates/congress data.json files (a file, or a folder such as "
        "data/113/bills searched for data.json). Upserts by bill ID; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, verbosity, **options):
        report = bills_import(paths=paths)
        for failure in report.failed:
            self.stderr.write(failure)
        if verbosity >= 2:
            for label, bill_ids in [("created", report.created), ("updated", report.updated)]:
                if bill_ids:
                    self.stdout.write(f"{label}: {', '.join(bill_ids)}")
            if report.unknown_members:
                unknown = ", ".join(sorted(report.unknown_members))
                self.stdout.write(f"not senators in the newsroom: {unknown}")
        style = self.style.WARNING if report.failed else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} file(s) could not be imported (listed above); the rest were."
            )
