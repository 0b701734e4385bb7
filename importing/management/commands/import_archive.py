import time

from django.core.management.base import BaseCommand, CommandError

from importing.archive import OUTCOMES, archive_import, archive_lines_count
from importing.management.commands.import_releases import Progress


class Command(BaseCommand):
    help = (
        "Import Senate releases from congress-press JSON Lines files (one record a line), "
        "published at their dates. Running again creates nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH",
            help=".jsonl or .jsonl.gz files, or folders of them (the dataset's data/)",
        )  # fmt: skip
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--batch-size", type=int, default=200, help="records a transaction (200)"
        )

    def handle(self, *args, paths, no_progress, batch_size, verbosity, **options):
        progress, done = None, 0
        if verbosity >= 1 and not no_progress:
            total = archive_lines_count(paths)
            progress = Progress(self.stderr, total, outcomes=OUTCOMES) if total else None

        def on_batch(lines, report):
            nonlocal done
            done += lines
            if progress:
                progress.update(min(done, progress.total), report.counts)

        started = time.monotonic()
        report = archive_import(paths=paths, batch_size=batch_size, on_batch=on_batch)
        seconds = time.monotonic() - started
        for problem in report.problems:
            self.stderr.write(problem)
        if report.unknown_ids:
            ids = ", ".join(f"{i} ({n})" for i, n in report.unknown_ids.most_common())
            self.stdout.write(self.style.WARNING(f"Senators not in the database: {ids}"))
        if verbosity >= 2:
            for where in report.no_date:
                self.stdout.write(f"no date    {where}")
        records = sum(report.counts.values())
        rate = records / seconds if seconds else 0
        self.stdout.write(
            f"{records} record(s) in {seconds:.1f} s ({rate:.0f}/s): {report.summary()}."
        )
        if wrong := report.counts["failed"] + report.counts["bad line"]:
            raise CommandError(f"{wrong} line(s) could not be imported (see above).")
