"""Bring in a public archive of Senate releases: congress-press JSON Lines files.

The congress-press dataset (github.com/dwillis/congress-press) keeps congressional releases
as monthly `data/YYYY/YYYY-MM.jsonl` files, one JSON object a line: `url`, `title`, `date`,
`member` (`bioguide_id`, `chamber`, ...), `text` (null when the page is gone). Each record is
one office's posting; `archive_import` makes Senate releases of them:

- The record's senator (its Bioguide ID) issues the release; the senators its text names
  (through the same parser and recognizer as `import_releases`, matched to those serving on
  its date) join as joint issuers, as do its quotes' senators.
- The releases were public already, so they come in published at their date (noon Eastern),
  without an announcement (`services._publish_archived`), with `source_url` the address.
- The same joint release posted by several offices is one release with several issuers:
  a record whose text (the first 1,000 characters of its words) is that of a release dated
  the same day or the day either side joins it, its office a joint issuer, as does one of
  the same title (six words or more) whose text is alike or gone; the same title over
  different texts stays two releases. Every posting's address stays as an `ArchiveSource`.
- Skipped and counted: House and other non-Senate records; records with no year (only
  `date_partial`) or no date; records of a senator not in the database (by Bioguide ID,
  named in the report); lines that are no record (reported by file and line).
- A record whose text holds several releases (past an end mark) gives the one of its
  title, else the first, and the report names its line: the others are records of their own.
- A record without text is imported with its title and address only: the page is gone, but
  the release was issued, and its record is what the archive keeps.

Idempotent: a posting is found again by the hash of its address, so a second run creates
nothing. Resumable: records are written in batches, each batch in one transaction (its
search entries and versions included), so an interruption leaves no half release; a rerun
skips what was done with one query a batch.
"""

import difflib
import gzip
import hashlib
import itertools
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max

from importing.models import ArchiveSource
from importing.parsing import ParsedRelease, ParseError, releases_parse
from importing.recognizing import fold
from importing.services import RecognizersByDay, release_import
from people.models import Senator
from releases.models import ReleaseSenator
from releases.versions import one_version_per_save
from search.indexing import reindex_once

OUTCOMES = [
    "imported",
    "joint merged",
    "already there",
    "not Senate",
    "no date",
    "unknown senator",
    "bad line",
    "failed",
]
BATCH_SIZE = 200  # records a transaction: an interruption loses at most this much work
KEY_CHARS = 1000  # the start of a text that identifies it
MIN_KEY_CHARS = 200  # shorter texts ("Watch the video") are no fingerprint
MIN_TITLE_WORDS = 6  # "Statement on the Budget" is many releases
# Postings of one title are one release when this share of their first words agree in order.
ALIKE_WORDS, ALIKE_RATIO = 300, 0.6
WORD_RE = re.compile(r"[a-z0-9]+")
# The body of a release whose page was gone when the archive collected it (a release needs
# one); the page shows the address it was published at.
TEXT_GONE = (
    "The text of this release was no longer online when it was archived; its title, date "
    "and original address are kept."
)


class BadLine(Exception):  # noqa: N818 (a line that is no record: reported, not raised)
    """A line that is no archive record, with the reason."""


@dataclass
class ArchiveReport:
    """What an archive import did: counts by outcome, and what went wrong, by file and line."""

    counts: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)  # "file:line: reason"
    unknown_ids: Counter = field(default_factory=Counter)  # Bioguide ID -> records
    no_date: list = field(default_factory=list)  # "file:line"

    def summary(self):
        return ", ".join(f"{self.counts[o]} {o}" for o in OUTCOMES)


def archive_key(url):
    return hashlib.sha256(f"archive:{url}".encode()).hexdigest()


def _words(text):
    return " ".join(WORD_RE.findall(fold(text).lower()))


def text_key_of(parsed):
    """A hash of the first words of the release's text (dateline, body, quotes), or "" when
    it is too short to tell one release from another. Two offices' copies of a joint release
    have different titles, addresses and page furniture, and the same text."""
    words = _words(" ".join([*parsed.body, *(q.text for q in parsed.quotes)]))[:KEY_CHARS]
    return hashlib.sha256(words.encode()).hexdigest() if len(words) >= MIN_KEY_CHARS else ""


def title_key_of(title):
    words = _words(title)
    return (
        hashlib.sha256(words.encode()).hexdigest() if len(words.split()) >= MIN_TITLE_WORDS else ""
    )


def archive_record_read(raw):
    """One line's record, checked: a BadLine says why it is none."""
    try:
        record = json.loads(raw.rstrip(b"\r\n") if isinstance(raw, bytes) else raw)
    except UnicodeDecodeError:
        raise BadLine("not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise BadLine(f"not JSON ({e.msg}, column {e.colno})") from None
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    url = record.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BadLine("no url")
    if not isinstance(record.get("member"), dict):
        raise BadLine("no member")
    for name in ("title", "text", "date"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise BadLine(f"`{name}` is not a string")
    if not (record.get("title") or "").strip() and not (record.get("text") or "").strip():
        raise BadLine("neither title nor text")
    return record


def _record_day(record):
    """The record's date, None when it has none or no year; BadLine when it is no date."""
    value = record.get("date")
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise BadLine(f"date {value!r} is not YYYY-MM-DD") from None


def archive_files(paths):
    """The files to read: those named, and under a folder named (the dataset's
    `data/YYYY/YYYY-MM.jsonl`) every `.jsonl` and `.jsonl.gz` in order of name, hidden
    ones left out. A path that is not there stays, to be reported."""
    found = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(path)
            continue
        found += sorted(
            p
            for p in path.rglob("*")
            if p.name.endswith((".jsonl", ".jsonl.gz"))
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    return found


def _open(path):
    """A file's bytes, gunzipped when its name ends in .gz."""
    path = Path(path)
    return gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")


def _lines(path):
    with _open(path) as file:
        yield from enumerate(file, start=1)


def archive_lines_count(paths):
    """Lines in the files (for a progress bar), read in chunks; unreadable files count 0."""
    total = 0
    for path in archive_files(paths):
        try:
            with _open(path) as file:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
        except (OSError, EOFError, zlib.error):
            pass
    return total


class ArchiveImport:
    """One run over archive files; the roster and recognizers are read once for the run."""

    def __init__(self, *, batch_size=BATCH_SIZE, on_batch=None):
        self.batch_size = batch_size
        self.on_batch = on_batch or (lambda lines, report: None)
        self.report = ArchiveReport()
        self.senators = {s.bioguide_id: s for s in Senator.objects.all()}
        self.recognizers = RecognizersByDay()

    def run(self, paths):
        for path in archive_files(paths):
            try:
                lines = _lines(path)
                for batch in itertools.batched(lines, self.batch_size):
                    self._batch(path, batch)
                    self.on_batch(len(batch), self.report)
            except (OSError, EOFError, zlib.error) as e:  # gzip: a bad or cut-off file
                self.report.counts["failed"] += 1
                reason = getattr(e, "strerror", None) or str(e) or "the file ends too soon"
                self.report.problems.append(f"{path}: cannot read it: {reason}")
        return self.report

    def _problem(self, outcome, where, reason):
        self.report.counts[outcome] += 1
        self.report.problems.append(f"{where}: {reason}")

    def _batch(self, path, batch):
        counts, todo = self.report.counts, []
        for number, raw in batch:
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = archive_record_read(raw)
                day = _record_day(record)
            except BadLine as e:
                self._problem("bad line", where, e)
                continue
            member = record["member"]
            if member.get("chamber") != "Senate":
                counts["not Senate"] += 1
            elif day is None:
                counts["no date"] += 1
                self.report.no_date.append(where)
            elif (senator := self.senators.get(str(member.get("bioguide_id") or ""))) is None:
                counts["unknown senator"] += 1
                self.report.unknown_ids[str(member.get("bioguide_id") or "(none)")] += 1
            else:
                todo.append((where, record, day, senator, archive_key(record["url"])))
        done = set(
            ArchiveSource.objects.filter(import_key__in=[t[-1] for t in todo]).values_list(
                "import_key", flat=True
            )
        )
        # One transaction a batch, its search entries and versions written at its end.
        with transaction.atomic(), reindex_once(), one_version_per_save():
            for where, record, day, senator, key in todo:
                if key in done:  # also the same address twice in a file
                    counts["already there"] += 1
                    continue
                try:
                    with transaction.atomic():  # a failed record leaves nothing
                        outcome = self._record(record, day, senator, key, where)
                except ParseError as e:
                    self._problem("failed", where, e)
                except ValidationError as e:
                    self._problem("failed", where, "; ".join(e.messages))
                except DatabaseError as e:
                    self._problem("failed", where, f"database error ({e})")
                else:
                    counts[outcome] += 1
                    done.add(key)

    def _record(self, record, day, senator, key, where):
        title = " ".join((record.get("title") or "").split())
        text = (record.get("text") or "").strip()
        if text:
            parsed = self._the_records_release(text, title, where)
            parsed.title = title or parsed.title  # the archive's title, not a page remnant
        else:  # the page is gone: the release keeps its title, date, senator and address
            parsed = ParsedRelease(title=title, body=[TEXT_GONE])
        parsed.published_on = day  # the record's date, not one the text mentions
        source = ArchiveSource(
            senator=senator,
            url=record["url"][:1000],
            import_key=key,
            title=title[:300],
            published_on=day,
            text_key=text_key_of(parsed),
            title_key=title_key_of(title),
        )
        if joint := self._same_release(source, parsed):
            source.release = joint.release
            _joint_issuer_add(joint.release, senator)
            source.save()
            return "joint merged"
        result = release_import(
            parsed=parsed,
            key=key,
            recognizer=self.recognizers,
            lead=senator,
            publish=True,
            source_url=source.url,
            source=where,
        )
        source.release = result.release
        source.save()
        return "imported" if result.outcome in ("created", "updated") else "already there"

    def _the_records_release(self, text, title, where):
        """The release a record's text holds: the one of its title when the text goes on
        past an end mark with others (a page listing releases: each of them is a record of
        its own), named in the report; the first when none has the title."""
        releases = releases_parse(text=text, html=False, title=title)
        if len(releases) == 1:
            return releases[0]
        folded = fold(title).lower()
        chosen = next((r for r in releases if fold(r.title).lower() == folded), releases[0])
        self.report.problems.append(
            f"{where}: its text holds {len(releases)} releases, each closed by an end mark; "
            f"imported “{chosen.title}”, the record's"
        )
        return chosen

    def _same_release(self, source, parsed):
        """Another office's posting of the same release, a day either side, or None: the
        same text, or the same title and text alike (or either text gone). The same title
        over different texts is two releases: "Senate Passes the Defense Bill" may be two
        offices' own words on one day, and neither may be lost in the other."""
        day = source.published_on
        near = ArchiveSource.objects.filter(
            published_on__range=(day - timedelta(1), day + timedelta(1))
        ).select_related("release")
        same = source.text_key and near.filter(text_key=source.text_key).order_by("pk").first()
        if same:
            return same
        if not source.title_key:
            return None
        for same in near.filter(title_key=source.title_key).order_by("pk")[:5]:
            if not source.text_key or not same.text_key or _alike(parsed, same.release):
                return same
        return None


def _alike(parsed, release):
    """Whether a posting's text is the release's, told apart from another release of the
    same title: most of their first words in the same order."""
    quotes = release.quotes.values_list("text", flat=True)
    ours = _words(" ".join([*parsed.body, *(q.text for q in parsed.quotes)])).split()
    theirs = _words(" ".join([release.body, *quotes])).split()
    matcher = difflib.SequenceMatcher(None, ours[:ALIKE_WORDS], theirs[:ALIKE_WORDS], False)
    return matcher.ratio() >= ALIKE_RATIO


def _joint_issuer_add(release, senator):
    """The senator issues the release too (last, as a joint issuer), unless already."""
    issuers = release.releasesenator_set
    if issuers.filter(senator=senator).exists():
        return
    last = issuers.aggregate(last=Max("order"))["last"]
    ReleaseSenator.objects.create(
        release=release,
        senator=senator,
        role=ReleaseSenator.Role.JOINT,
        order=0 if last is None else last + 1,
    )


def archive_import(*, paths, batch_size=BATCH_SIZE, on_batch=None):
    """Import congress-press JSON Lines files; an ArchiveReport. `on_batch(lines, report)`
    is called after each batch (a progress bar)."""
    return ArchiveImport(batch_size=batch_size, on_batch=on_batch).run(paths)
