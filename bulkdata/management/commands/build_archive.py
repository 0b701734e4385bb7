"""manage.py build_archive [--all | --month 2014-05 ...]: rebuild the bulk files.

The catch-up beside the task: after a restore, a lost queue, or on a schedule. A month whose
bytes are unchanged is not written again, so running it often costs reads only.
"""

import re

from django.core.management.base import BaseCommand, CommandError

from bulkdata.models import BulkFile
from bulkdata.services import archive_build, public_months

MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = "Rebuild the monthly bulk files at /archive/ (only those whose content changed)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="Every month (the default).")
        which.add_argument(
            "--month", action="append", default=[], metavar="YYYY-MM",
            help="One month of publication, Eastern time; repeat for more.",
        )  # fmt: skip

    def handle(self, *args, month, **options):
        for one in month:
            if not MONTH.match(one):
                raise CommandError(f"--month {one!r}: expected a month like 2014-05.")
        # Every month with a public release, and every month that has files (a month whose
        # releases were all withdrawn loses its files).
        months = month or sorted(
            {*public_months(), *BulkFile.objects.values_list("month", flat=True)}
        )
        built = archive_build(months=months)
        changed = {m: formats for m, formats in built.items() if formats}
        for m, formats in changed.items():
            self.stdout.write(f"{m}: {', '.join(formats)} rewritten")
        self.stdout.write(
            f"{len(built)} month(s) checked, {len(changed)} rewritten, "
            f"{len(built) - len(changed)} unchanged."
        )
