"""Import senators from the unitedstates/congress-legislators data.

The project publishes every member of Congress as YAML, JSON and a flat CSV
(`legislators-current.*`, `legislators-historical.*`) and their official accounts in
`legislators-social-media.*`. Members who served in the Senate at any time are imported,
with party, state and term end from their latest Senate term, and every Senate term as a
`Term` (who was serving when); everyone else is skipped.

Choices this module makes, because the data does not decide them:
- Parties other than Democrat, Republican and Independent (Whigs and Federalists in the
  historical file) are skipped with a message: the newsroom records D, R and I, and
  filing a Whig as an Independent would be wrong.
- `term_start` is the start of the unbroken run of Senate terms that ends with the latest
  one, so a senator in a third term is "in office since" the first (as the demo has
  Senator Klobuchar since 2007); `term_end` is the end of the latest term.
- In office: one of the Senate terms has begun and not ended on `today`. The CSV has no term
  dates, so its rows are in office unless the file's name says "historical", and the
  dates a senator already has are kept.
- A new senator's slug is "first-last" (the nickname when the data gives one: "jack-reed"),
  then "first-last-state", then a number; an existing senator keeps the slug, since
  public addresses use it.
"""

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from people.models import Senator, Term

PARTIES = {
    "Democrat": Senator.Party.DEMOCRAT,
    "Democratic": Senator.Party.DEMOCRAT,
    "Republican": Senator.Party.REPUBLICAN,
    "Independent": Senator.Party.INDEPENDENT,
}
SOCIAL_FIELDS = ["twitter", "facebook", "youtube", "instagram", "mastodon"]
# Senate terms this close together are one stretch of service (a term ends on January 3 at
# noon and the next begins that day or the next; an appointee's elected term follows a few
# days after the special election).
CONTINUOUS_SERVICE_GAP = timedelta(days=31)

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is 10x faster


class RecordError(Exception):
    """A record that cannot be imported, with the reason."""


class Skip(Exception):  # noqa: N818 (not an error: a record the newsroom has no use for)
    """A record that is not for the newsroom (a House member, a Whig): counted, not an error."""


@dataclass
class FileReport:
    """What one file did to the roster."""

    path: Path
    kind: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)

    def summary(self):
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
        return (
            f"{self.path.name} ({self.kind}): {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {skipped} skipped" + (f" ({reasons})" if reasons else "")
        ) + (f", {len(self.errors)} failed" if self.errors else "")


@dataclass
class LegislatorsFile:
    path: Path
    kind: str  # "legislators", "social media" or "legislators CSV"
    records: list


def legislators_file_read(*, path):
    """Read one file of the congress-legislators data; raise RecordError when it is no such file.

    YAML and JSON hold a list of people (with `terms`) or of social-media entries (with
    `social`); CSV is the flat `legislators-*.csv`, one row per person.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise RecordError(f"cannot read it: {e}") from e
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_file(path, text)
    try:
        data = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=YamlLoader)
    except json.JSONDecodeError as e:
        raise RecordError(f"not valid JSON (line {e.lineno}, column {e.colno}): {e.msg}") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise RecordError(f"not valid YAML{where}: {getattr(e, 'problem', e)}") from e
    if not isinstance(data, list) or not data:
        raise RecordError("expected a list of legislators or of social-media entries")
    first = next((r for r in data if isinstance(r, dict)), {})
    if "social" in first:
        return LegislatorsFile(path, "social media", data)
    if "terms" in first:
        return LegislatorsFile(path, "legislators", data)
    raise RecordError("its records have neither `terms` (legislators) nor `social` (accounts)")


CSV_REQUIRED = {"bioguide_id", "first_name", "last_name", "type", "state", "party"}


def _csv_file(path, text):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = CSV_REQUIRED - set(reader.fieldnames or [])
    if missing:
        raise RecordError(f"not a legislators CSV: no column {', '.join(sorted(missing))}")
    return LegislatorsFile(path, "legislators CSV", list(reader))


def _date(value, what):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as e:
        raise RecordError(f"{what} is not a date: {value!r}") from e


def _text(value):
    return "" if value is None else str(value).strip()


def _party(name):
    try:
        return PARTIES[name]
    except KeyError:
        raise Skip(f"party {name!r} is not D, R or I") from None


def _slug_base(first, nickname, last):
    return slugify(f"{nickname or first} {last}")[:110]


def senator_fields_from_legislator(*, record, today):
    """The Senator fields a congress-legislators person record gives (YAML/JSON form)."""
    if not isinstance(record, dict):
        raise RecordError("not a mapping")
    ids, name, terms = record.get("id"), record.get("name"), record.get("terms")
    if not isinstance(ids, dict) or not ids.get("bioguide"):
        raise RecordError("no id.bioguide")
    if not isinstance(name, dict) or not name.get("first") or not name.get("last"):
        raise RecordError("no name.first and name.last")
    if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms):
        raise RecordError("`terms` is not a list of terms")
    senate = [t for t in terms if t.get("type") == "sen"]
    if not senate:
        raise Skip("never senators")
    spans = []
    for t in senate:
        start, end = _date(t.get("start"), "term start"), _date(t.get("end"), "term end")
        if end < start:
            raise RecordError(f"a Senate term ends ({end}) before it starts ({start})")
        spans.append((start, end, t))
    spans.sort(key=lambda s: s[0])
    start, end, latest = spans[-1]
    for earlier_start, earlier_end, _ in reversed(spans[:-1]):
        if start - earlier_end > CONTINUOUS_SERVICE_GAP:
            break
        start = earlier_start
    for key in ("state", "party"):
        if not latest.get(key):
            raise RecordError(f"the latest Senate term has no {key}")
    return {
        "bioguide_id": _text(ids["bioguide"]),
        "first_name": _text(name["first"]),
        "last_name": _text(name["last"]),
        "official_full_name": _text(name.get("official_full")),
        "party": _party(latest["party"]),
        "state": _text(latest["state"]).upper(),
        "website": _text(latest.get("url")),
        "term_start": start,
        "term_end": end,
        "in_office": any(s <= today <= e for s, e, _ in spans),
        "_slug": _slug_base(_text(name["first"]), _text(name.get("nickname")), name["last"]),
        "_terms": [
            {
                "start": s,
                "end": e,
                "state": _text(t.get("state")).upper(),
                # An earlier term in a party the newsroom does not record keeps its dates.
                "party": PARTIES.get(_text(t.get("party")), ""),
                "senate_class": t.get("class") if isinstance(t.get("class"), int) else None,
            }
            for s, e, t in spans
        ],
    }


def senator_fields_from_csv_row(*, row, historical):
    """The Senator fields a row of the flat CSV gives; it has the latest term, without dates."""
    bioguide_id = _text(row.get("bioguide_id"))
    if not bioguide_id:
        raise RecordError("no bioguide_id")
    if _text(row.get("type")) != "sen":
        raise Skip("not senators")
    first, last = _text(row.get("first_name")), _text(row.get("last_name"))
    if not first or not last:
        raise RecordError("no first_name and last_name")
    if not _text(row.get("state")):
        raise RecordError("no state")
    fields = {
        "bioguide_id": bioguide_id,
        "first_name": first,
        "last_name": last,
        "official_full_name": _text(row.get("full_name")),
        "party": _party(_text(row.get("party"))),
        "state": _text(row["state"]).upper(),
        "website": _text(row.get("url")),
        "in_office": not historical,
        "_slug": _slug_base(first, _text(row.get("nickname")), last),
    }
    # The CSV has some of the accounts; an empty or missing cell leaves an account as it is.
    fields.update({k: v for k, v in _social_fields(row).items() if v})
    return fields


def _social_fields(social):
    return {
        "twitter": _text(social.get("twitter")).lstrip("@"),
        "facebook": _text(social.get("facebook")),
        # The channel id is stable; user names are a legacy YouTube address.
        "youtube": _text(social.get("youtube_id")) or _text(social.get("youtube")),
        "instagram": _text(social.get("instagram")).lstrip("@"),
        "mastodon": _text(social.get("mastodon")),
    }


def _unique_slug(base, state, taken):
    for candidate in [base, f"{base}-{state.lower()}"]:
        if candidate not in taken:
            return candidate
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def senator_upsert(*, fields, taken_slugs):
    """Create or update one senator by Bioguide id; return "created", "updated" or "unchanged".

    Validates like the admin does, so a bad state or id is an error, not a stored row.
    """
    fields = dict(fields)
    slug_base = fields.pop("_slug", "")
    terms = fields.pop("_terms", None)  # the CSV has none: the terms stay as they are
    senator = Senator.objects.filter(bioguide_id=fields["bioguide_id"]).first()
    if senator is None:
        senator = Senator(**fields)
        senator.slug = _unique_slug(slug_base or "senator", fields["state"], taken_slugs)
        outcome = "created"
    else:
        changed = [k for k, v in fields.items() if getattr(senator, k) != v]
        outcome = "updated" if changed else "unchanged"
        for key in changed:
            setattr(senator, key, fields[key])
    if outcome != "unchanged":
        try:
            senator.full_clean(validate_unique=False)
        except ValidationError as e:
            raise RecordError(_validation_message(e)) from e
        senator.save()
        taken_slugs.add(senator.slug)
    if terms is not None and senator_terms_set(senator=senator, terms=terms):
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def senator_terms_set(*, senator, terms):
    """Make the senator's Senate terms these (dicts of Term fields); whether any changed.

    Each is validated as the admin would, so a term in no state is an error, not a row."""
    key = ("start", "end", "state", "party", "senate_class")
    stored = list(senator.terms.order_by("start"))
    if [tuple(getattr(t, k) for k in key) for t in stored] == [
        tuple(t[k] for k in key) for t in sorted(terms, key=lambda t: t["start"])
    ]:
        return False
    new = [Term(senator=senator, **t) for t in terms]
    for term in new:
        try:
            term.full_clean(exclude=["senator"], validate_unique=False)
        except ValidationError as e:
            raise RecordError(f"a term from {term.start}: {_validation_message(e)}") from e
    senator.terms.all().delete()
    Term.objects.bulk_create(new)
    return True


def senator_social_update(*, entry):
    """Set a senator's official accounts from one social-media entry."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), dict):
        raise RecordError("no id")
    bioguide_id = _text(entry["id"].get("bioguide"))
    if not bioguide_id:
        raise RecordError("no id.bioguide")
    if not isinstance(entry.get("social"), dict):
        raise RecordError("`social` is not a mapping")
    senator = Senator.objects.filter(bioguide_id=bioguide_id).first()
    if senator is None:
        raise Skip("not senators in the database")
    fields = _social_fields(entry["social"])
    changed = [k for k, v in fields.items() if getattr(senator, k) != v]
    if not changed:
        return "unchanged"
    for key in changed:
        setattr(senator, key, fields[key])
    try:
        senator.full_clean(validate_unique=False)
    except ValidationError as e:
        raise RecordError(_validation_message(e)) from e
    senator.save(update_fields=changed)
    return "updated"


def _validation_message(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


def _record_label(record, index, is_csv):
    """ "record 12 (K000367)"; in a CSV "row 12 (K000367)", the header not counted."""
    bioguide = ""
    if isinstance(record, dict):
        ids = record.get("id")
        bioguide = ids.get("bioguide") if isinstance(ids, dict) else record.get("bioguide_id")
    label = f"row {index}" if is_csv else f"record {index}"
    return label + (f" ({bioguide})" if bioguide else "")


def legislators_import(*, paths, today=None):
    """Import senators and their accounts from congress-legislators files; one report a file.

    Legislator files are read before social-media files, whatever the order given, so that
    accounts reach the senators the same run creates. Each record is written in its own
    savepoint: a bad record is reported and leaves nothing behind; the others import.
    """
    today = today or timezone.localdate()
    reports, files = [], []
    for path in paths:
        report = FileReport(Path(path))
        reports.append(report)
        try:
            files.append((report, legislators_file_read(path=path)))
        except RecordError as e:
            report.kind = "unread"
            report.errors.append(f"{report.path}: {e}")
    files.sort(key=lambda item: item[1].kind == "social media")
    taken_slugs = set(Senator.objects.values_list("slug", flat=True))
    for report, data in files:
        report.kind = data.kind
        historical = "historical" in data.path.name.lower()
        with transaction.atomic():
            for index, record in enumerate(data.records, start=1):
                try:
                    with transaction.atomic():
                        if data.kind == "social media":
                            outcome = senator_social_update(entry=record)
                        elif data.kind == "legislators CSV":
                            fields = senator_fields_from_csv_row(row=record, historical=historical)
                            outcome = senator_upsert(fields=fields, taken_slugs=taken_slugs)
                        else:
                            fields = senator_fields_from_legislator(record=record, today=today)
                            outcome = senator_upsert(fields=fields, taken_slugs=taken_slugs)
                except Skip as e:
                    report.skipped[str(e)] += 1
                except (RecordError, DatabaseError) as e:
                    label = _record_label(record, index, data.kind.endswith("CSV"))
                    report.errors.append(f"{data.path}: {label}: {e}")
                else:
                    setattr(report, outcome, getattr(report, outcome) + 1)
    return reports
