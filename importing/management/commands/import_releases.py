import argparse
import time
from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from importing.services import RecognizersByDay, release_file_import, release_files_find
from people.models import Senator

OUTCOMES = ["created", "updated", "unchanged", "skipped", "failed"]


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD") from None


class Progress:
    """A progress bar with counts, on stderr: redrawn in place on a terminal, and a line
    every tenth of the way in a log. Django's own output, so no dependency for it."""

    WIDTH = 24

    def __init__(self, stream, total, outcomes=OUTCOMES):
        self.stream, self.total, self.outcomes = stream, total, outcomes
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.shown_tenth = 0

    def update(self, done, counts):
        tenth = done * 10 // self.total
        if not self.tty and tenth == self.shown_tenth and done != self.total:
            return
        self.shown_tenth = tenth
        filled = self.WIDTH * done // self.total
        rate = done / max(time.monotonic() - self.started, 1e-9)
        counts = " ".join(f"{counts[o]} {o}" for o in self.outcomes if counts[o])
        line = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total} "
            f"({rate:.0f}/s) {counts}"
        )
        # style_func=str: a progress bar, not an error, though on stderr.
        if self.tty:
            ending = "\n" if done == self.total else ""
            self.stream.write(f"\r{line}\033[K", style_func=str, ending=ending)
            self.stream.flush()
        else:
            self.stream.write(line, style_func=str)


class Command(BaseCommand):
    help = (
        "Import press releases from plain-text files and saved HTML pages (files or folders) "
        "as drafts. Importing a file again updates its draft; published releases are never "
        "changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        parser.add_argument(
            "--date", type=_date, help="YYYY-MM-DD, for files whose text gives no date"
        )
        parser.add_argument("--title", default="", help="for files whose text has no title")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be imported; write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--senator",
            metavar="BIOGUIDE",
            help="whose archive this is: the lead issuer of every release (e.g. K000367)",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish each release at its date (an archive already public); "
            "releases without a date stay drafts",
        )

    def handle(
        self, *args, paths, date, title, dry_run, no_progress, verbosity, senator, publish, **_
    ):
        lead = None
        if senator:
            lead = Senator.objects.filter(bioguide_id=senator.strip().upper()).first()
            if lead is None:
                raise CommandError(f"No senator with the Bioguide ID {senator} in the database.")
        files, missing = release_files_find(paths=paths)
        counts = Counter()
        for path, reason in missing:
            counts["failed"] += 1
            self.stderr.write(f"failed     {path}: {reason}")
        if not files and not missing:
            raise CommandError("No .txt or .html files in the paths given.")
        recognizer = RecognizersByDay()  # names matched to the senators serving at each date
        many = len(files) > 20
        progress = (
            Progress(self.stderr, len(files))
            if len(files) > 1 and verbosity >= 1 and not no_progress
            else None
        )
        for done, path in enumerate(files, start=1):
            result = release_file_import(
                path=path,
                recognizer=recognizer,
                title=title,
                published_on=date,
                dry_run=dry_run,
                lead=lead,
                publish=publish,
            )
            counts[result.outcome] += 1
            if result.outcome == "failed":
                self.stderr.write(f"failed     {path}: {result.reason}")
            elif result.outcome == "skipped":
                self.stdout.write(self.style.WARNING(f"skipped    {path}: {result.reason}"))
            elif dry_run or verbosity >= 2 or (verbosity >= 1 and not many):
                self._describe(result, dry_run)
            if progress:
                progress.update(done, counts)

        summary = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)
        if dry_run:
            summary = f"Dry run, nothing written. Would be: {summary}."
        else:
            summary = f"{len(files) + len(missing)} file(s): {summary}."
        self.stdout.write(self.style.WARNING(summary) if counts["failed"] else summary)
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) could not be imported (see above).")

    def _describe(self, result, dry_run):
        parsed, links, release = result.parsed, result.links, result.release
        verb = {"created": "would create", "updated": "would update"}.get(result.outcome)
        verb = verb if dry_run and verb else result.outcome
        kind = "draft" if release and release.is_draft() else "published"
        where = f" ({kind} #{release.pk})" if release and release.pk else ""
        self.stdout.write(f"{verb:<10} {result.source}{where}: {parsed.title}")
        if not dry_run:
            for note in result.notes:
                self.stdout.write(f"  note: {note}")
            return
        senators = [f"{s} ({'lead' if i == 0 else 'joint'})" for i, s in enumerate(links.senators)]
        quotes = [
            f"{link.senator or link.speaker_name}: “{quote.text[:60]}…”"
            for quote, link in zip(parsed.quotes, links.quotes, strict=True)
        ]
        details = [
            ("date", parsed.published_on or "none"),
            ("dateline", parsed.dateline or "none"),
            ("highlights", len(parsed.highlights)),
            ("body", f"{len(parsed.body)} paragraph(s)"),
            ("senators", "; ".join(senators) or "none"),
            ("quotes", "; ".join(quotes) or "none"),
            ("legislation", "; ".join(str(b) for b in links.bills) or "none"),
            ("organizations", "; ".join(o.name for o in links.organizations) or "none"),
            *(("note", note) for note in result.notes),
        ]
        for label, value in details:
            self.stdout.write(f"  {label}: {value}")
