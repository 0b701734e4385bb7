"""Turn press releases from files or pasted text into draft releases.

`release_import` is the one service: `import_releases`, `import_archive` and the admin's
paste view call it with what `parsing.release_parse` read. It creates drafts (or, for an
archive already public, published releases at their dates), and finds a release it
imported before by its `import_key`: a hash of the file's absolute path, or of the pasted
text. Importing again updates that draft (or leaves it when nothing changed), and never
touches a release that has since been published.

Each file is imported in a transaction of its own, its search entries included: a file that
fails, for any reason, leaves nothing behind, and the batch goes on.
"""

import bisect
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from core.eastern import EASTERN
from importing.parsing import (
    MAX_BYTES,
    NoTitleError,
    ParseError,
    releases_parse,
    size_check,
)
from importing.recognizing import Recognizer
from people.models import Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator
from releases.versions import one_version_per_save
from search.indexing import reindex_once

RELEASE_SUFFIXES = {".txt", ".text", ".htm", ".html"}

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What importing one file or text did: created, updated, unchanged, skipped or failed.

    In a dry run, "created" and "updated" say what would be done; nothing is written.
    """

    source: str
    outcome: str
    reason: str = ""
    release: Release | None = None
    parsed: object = None
    links: object = None
    notes: list = field(default_factory=list)


def import_key_for_path(path):
    return hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()


def import_key_for_text(text):
    normalized = "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
    return hashlib.sha256(f"pasted:{normalized}".encode()).hexdigest()


def release_files_find(*, paths):
    """The release files in paths (folders searched recursively for .txt and .html files),
    and (path, reason) for those that are neither a file nor a folder."""
    files, missing = [], []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in RELEASE_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append((path, "no such file or folder"))
    return list(dict.fromkeys(files)), missing


class RecognizersByDay:
    """The recognizer for a release's date: it knows the senators serving that day.

    Names are matched to the senators in office when the release was issued: "Senator
    Kennedy" in 2005 is Ted Kennedy, in 2020 John Kennedy of Louisiana, and a senator who
    left in 2002 is no candidate for a 2015 release. The roster, bills and organizations are
    read once; a recognizer is built once per stretch of days with the same senators (the
    days between two term boundaries), so a year of releases builds one or two. A release
    without a date is read with every senator, as `Recognizer.from_database()` does.
    """

    def __init__(self):
        self.senators = list(Senator.objects.prefetch_related("terms"))
        self.bills = list(Legislation.objects.prefetch_related("cosponsors"))
        self.organizations = list(Organization.objects.all())
        bounds = set()
        for senator in self.senators:
            spans = [(t.start, t.end) for t in senator.terms.all()]
            spans = spans or [(senator.term_start, senator.term_end)]
            for start, end in spans:
                bounds.update(d for d in (start, end and end + timedelta(days=1)) if d)
        self.bounds = sorted(bounds)  # who serves changes only on these days
        self.built = {}

    KEPT = 16  # recognizers kept: an archive comes a month at a time, in a few stretches

    def for_day(self, day):
        stretch = bisect.bisect_right(self.bounds, day) if day else None
        if stretch not in self.built:
            serving = [s for s in self.senators if s.served_on(day)] if day else self.senators
            if len(self.built) >= self.KEPT:  # each holds its compiled patterns
                del self.built[next(iter(self.built))]
            self.built[stretch] = Recognizer(
                senators=serving, bills=self.bills, organizations=self.organizations
            )
        return self.built[stretch]


def _published_at(day):
    # A release dated by day only is set at noon Eastern, as the demo's is.
    return datetime.combine(day, time(12), tzinfo=EASTERN) if day else None


def _unique_slug(release):
    return Release.objects.free_slug(release.derive_slug() or "release", by=release)


def _may_set_publication_time(by):
    """Whether an import by `by` stores the date it reads as the publication time.

    Setting it is a publishing decision (the release form locks the field for staff without
    `releases.publish_release`): a press secretary publishing a draft that already has a time
    publishes it at that time, backdated or embargoed. The command runs with no user, for
    whoever runs manage.py."""
    return by is None or by.has_perm("releases.publish_release")


def _wanted(parsed, links, existing, *, dated=True, publish=False, source_url=None):
    """The state of the release the import should leave, comparable with `_stored`.

    Undated (`dated=False`), the read date still tells which Congress the bills belong to
    (the recognizer), but the draft's publication time stays as it was. `publish` makes a
    dated release published at its date; an undated one stays a draft."""
    published_at = _published_at(parsed.published_on) if dated else None
    if published_at is None and existing is not None:
        published_at = existing.published_at  # staff may have dated it; the file has no date
    status = existing.status if existing is not None else Release.Status.DRAFT
    if publish and dated and parsed.published_on:
        status = Release.Status.PUBLISHED
    if source_url is None:
        source_url = existing.source_url if existing is not None else ""
    return {
        "status": status,
        "source_url": source_url[:1000],
        "title": parsed.title[:300],
        "highlights": "\n".join(parsed.highlights),
        "dateline": parsed.dateline[:100],
        "body": "\n\n".join(parsed.body),
        "published_at": published_at,
        "senators": [
            (s.pk, ReleaseSenator.Role.LEAD if i == 0 else ReleaseSenator.Role.JOINT, i)
            for i, s in enumerate(links.senators)
        ],
        "quotes": [
            (
                link.senator.pk if link.senator else None,
                link.speaker_name,
                link.speaker_title,
                quote.text,
                i,
            )
            for i, (quote, link) in enumerate(zip(parsed.quotes, links.quotes, strict=True))
        ],  # fmt: skip
        "legislation": sorted(b.pk for b in links.bills),
        "organizations": sorted(o.pk for o in links.organizations),
    }


def _stored(release):
    return {
        "status": release.status,
        "source_url": release.source_url,
        "title": release.title,
        "highlights": release.highlights,
        "dateline": release.dateline,
        "body": release.body,
        "published_at": release.published_at,
        "senators": [
            (r.senator_id, r.role, r.order) for r in release.releasesenator_set.order_by("order")
        ],
        "quotes": [
            (q.senator_id, q.speaker_name, q.speaker_title, q.text, q.order)
            for q in release.quotes.order_by("order", "id")
        ],
        "legislation": sorted(release.legislation.values_list("pk", flat=True)),
        "organizations": sorted(release.organizations.values_list("pk", flat=True)),
    }


# The index is written inside the transaction: a file that fails leaves no entry either.
@transaction.atomic
@reindex_once()  # the release and each quote indexed once, after all the rows are written
@one_version_per_save()  # the release, then its links: one version in its history
def release_import(
    *,
    parsed,
    key,
    recognizer=None,
    by=None,
    dry_run=False,
    source="",
    among=None,
    lead=None,
    publish=False,
    source_url=None,
):
    """Create or update the draft release for a parsed release, found again by `key`.

    Links the senators, bills and organizations the recognizer knows (a `RecognizersByDay`
    gives the one for the release's date); quotes become Quote records. `lead` is the
    issuing senator whatever the text says (an archive's own senator); the senators the text
    names join as joint issuers. A release with this key that has been published is skipped,
    never changed (reported unchanged when `publish` would leave it as it is).
    `among` is the releases the import may find (all by default; the paste view gives the
    user's offices': a release outside them is not there, and the text makes a new draft).
    `by` without the permission to publish stores no publication time (see
    `_may_set_publication_time`). `publish` publishes a dated release at its date (see
    `_publish_archived`); `source_url` is where it was first published.
    """
    if isinstance(recognizer, RecognizersByDay):
        recognizer = recognizer.for_day(parsed.published_on)
    recognizer = recognizer or Recognizer.from_database()
    links = recognizer.recognize(parsed)
    if lead is not None:
        links.senators = [lead, *(s for s in links.senators if s.pk != lead.pk)]
        links.notes = [n for n in links.notes if not n.startswith("no senator recognized")]
    notes = [*parsed.notes, *links.notes]
    result = ImportResult(source, "", parsed=parsed, links=links, notes=notes)
    among = Release.objects.all() if among is None else among
    existing = among.filter(import_key=key).order_by("pk").first()
    result.release = existing
    dated = _may_set_publication_time(by)
    wanted = _wanted(parsed, links, existing, dated=dated, publish=publish, source_url=source_url)
    if existing is not None and not existing.is_draft():
        if publish and _stored(existing) == wanted:
            result.outcome = "unchanged"
            return result
        result.outcome = "skipped"
        result.reason = f"already published as “{existing.title}”; not changed"
        return result
    if parsed.published_on and not dated:
        result.notes.append(
            f"the date it gives ({parsed.published_on:%B} {parsed.published_on.day}, "
            f"{parsed.published_on.year}) tells its bills' Congress; the publication time "
            "is a press secretary's to set"
        )
    if publish and wanted["status"] != Release.Status.PUBLISHED:
        result.notes.append("no date to publish it at: left a draft")
    if existing is not None and _stored(existing) == wanted:
        result.outcome = "unchanged"
        return result
    result.outcome = "created" if existing is None else "updated"
    if dry_run:
        return result

    release = existing or Release(import_key=key, status=Release.Status.DRAFT, created_by=by)
    for name in ("title", "highlights", "dateline", "body", "published_at", "source_url"):
        setattr(release, name, wanted[name])
    release.updated_by = by
    if not release.slug:
        release.slug = _unique_slug(release)
    # Field checks (lengths, choices); a draft with no image meets the table's constraints.
    release.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    release.save()
    if existing is not None:  # its links are replaced by what the text says now
        release.releasesenator_set.all().delete()
        release.quotes.all().delete()
    for senator_id, role, order in wanted["senators"]:
        ReleaseSenator.objects.create(
            release=release, senator_id=senator_id, role=role, order=order
        )
    for senator_id, speaker_name, speaker_title, text, order in wanted["quotes"]:
        Quote.objects.create(
            release=release,
            senator_id=senator_id,
            speaker_name="" if senator_id else speaker_name,
            speaker_title="" if senator_id else speaker_title,
            text=text,
            order=order,
        )
    if existing is not None or wanted["legislation"]:
        release.legislation.set(wanted["legislation"])
    if existing is not None or wanted["organizations"]:
        release.organizations.set(wanted["organizations"])
    if wanted["status"] == Release.Status.PUBLISHED:
        _publish_archived(release)
    result.release = release
    return result


def _publish_archived(release):
    """Mark an imported release published at the publication time it was saved with.

    Saving a release as public sets off its announcement (alerts' instant alerts, the press
    lists' follow-ups): right for news, wrong for a release public since 2014, which would go
    to every subscriber of its senator, once for each of thousands. So the import saves it as
    a draft (its version, search entry and links written as any import's), then marks it
    published with one UPDATE, which sends no signals, and marks the version it wrote the
    same, so its history reads "published" from the start. Only for what was public
    elsewhere already (an archive, `import_releases --publish`); the desk publishes with
    `releases.services.release_publish`."""
    Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED)
    release.status = Release.Status.PUBLISHED
    versions = Release.history.model.objects.filter(id=release.pk)
    latest = versions.order_by("-history_id").values_list("history_id", flat=True).first()
    if latest is not None:
        versions.filter(history_id=latest).update(status=Release.Status.PUBLISHED)


def release_file_import(
    *,
    path,
    recognizer,
    title="",
    published_on=None,
    by=None,
    dry_run=False,
    lead=None,
    publish=False,
):
    """Read, parse and import one file. A file that cannot be read or parsed, is over a cap,
    or fails in any other way is "failed" with the reason, and nothing of it is stored.
    `lead` and `publish` as for `release_import`."""
    path = Path(path)
    options = {"by": by, "dry_run": dry_run, "lead": lead, "publish": publish}
    try:
        return _file_import(path, recognizer, title, published_on, options)
    except Exception as e:  # a bug or a database error: this file fails, the batch goes on
        logger.exception("Importing %s failed", path)
        return ImportResult(
            str(path), "failed", reason=f"unexpected error ({type(e).__name__}: {e}); not stored"
        )


def _file_import(path, recognizer, title, published_on, options):
    try:
        size_check(path.stat().st_size)
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # bounded, should it grow while being read
    except OSError as e:
        return ImportResult(str(path), "failed", reason=f"cannot read it: {e.strerror or e}")
    except ParseError as e:
        return ImportResult(str(path), "failed", reason=str(e))
    try:
        releases = releases_parse(
            text=data,
            html=path.suffix.lower() in {".htm", ".html"} or None,
            title=title,
            published_on=published_on,
        )
    except NoTitleError as e:
        return ImportResult(str(path), "failed", reason=f"{e}; give one with --title")
    except ParseError as e:
        return ImportResult(str(path), "failed", reason=str(e))
    try:
        with transaction.atomic():  # a file of several releases: all of them, or none
            results = [
                release_import(
                    parsed=parsed,
                    key=_part_key(path, number),
                    recognizer=recognizer,
                    source=str(path),
                    **options,
                )
                for number, parsed in enumerate(releases, start=1)
            ]
    except ValidationError as e:  # rolled back: nothing of this file is stored
        return ImportResult(str(path), "failed", reason="; ".join(e.messages))
    return results[0] if len(results) == 1 else _several(results)


def _part_key(path, number):
    """The import key of a file's `number`th release: the file's own for the first (so a
    file imported before it was found to hold several keeps its draft)."""
    if number == 1:
        return import_key_for_path(path)
    return hashlib.sha256(f"{Path(path).resolve()}#{number}".encode()).hexdigest()


def _several(results):
    """One result for a file of several releases, each imported as a draft of its own: the
    first's, with a note naming each; its outcome the one they share, else "updated" (or
    "created") when any was written."""
    outcomes = {r.outcome for r in results}
    first = results[0]
    if len(outcomes) > 1:
        first.outcome = next((o for o in ("updated", "created") if o in outcomes), first.outcome)
    first.notes.append(
        f"the file holds {len(results)} releases, one draft each: "
        + "; ".join(f"{i}. “{r.parsed.title}” {r.outcome}" for i, r in enumerate(results, 1))
    )
    return first
