"""Bills from the unitedstates/congress scrapers' `data.json` files: `bills_import()`.

One file per bill (`data/113/bills/s/s1733/data.json`): its ID, type, number and Congress,
titles, sponsor and cosponsors by Bioguide ID, status and introduction date. Bills are
matched by bill ID, so importing the same files again changes nothing. Sponsors and
cosponsors are linked when the newsroom has them as senators (a representative, or a
senator not imported yet, is counted, not created). Each file is read, checked and written
in its own savepoint: a bad file is reported by its path and leaves nothing behind.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Senator
from releases.models import Legislation
from search.indexing import reindex_once

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest real data.json (an omnibus's actions) is ~3 MB
FIELDS = ["official_title", "short_title", "sponsor_id", "status", "introduced_on"]
S = Legislation.Status
# The scrapers' status codes (congress/tasks/bill_info.py), to the newsroom's stages. A
# simple resolution passes in one chamber: PASSED:SIMPLERES is read by its type.
STATUSES = {
    "INTRODUCED": S.INTRODUCED, "REFERRED": S.INTRODUCED, "REPORTED": S.REPORTED,
    "PASS_OVER:HOUSE": S.PASSED_HOUSE, "PASS_BACK:HOUSE": S.PASSED_HOUSE,
    "PASS_OVER:SENATE": S.PASSED_SENATE, "PASS_BACK:SENATE": S.PASSED_SENATE,
    "PASSED:BILL": S.PASSED_CONGRESS, "PASSED:CONCURRENTRES": S.PASSED_CONGRESS,
    "PASSED:CONSTAMEND": S.PASSED_CONGRESS, "CONFERENCE:PASSED:HOUSE": S.PASSED_CONGRESS,
    "CONFERENCE:PASSED:SENATE": S.PASSED_CONGRESS,
    "ENACTED:SIGNED": S.ENACTED, "ENACTED:VETO_OVERRIDE": S.ENACTED,
    "ENACTED:TENDAYRULE": S.ENACTED,
    "PROV_KILL:VETO": S.VETOED, "VETOED:POCKET": S.VETOED,
    "VETOED:OVERRIDE_FAIL_ORIGINATING:HOUSE": S.VETOED,
    "VETOED:OVERRIDE_FAIL_ORIGINATING:SENATE": S.VETOED,
    "VETOED:OVERRIDE_PASS_OVER:HOUSE": S.VETOED, "VETOED:OVERRIDE_PASS_OVER:SENATE": S.VETOED,
    "VETOED:OVERRIDE_FAIL_SECOND:HOUSE": S.VETOED, "VETOED:OVERRIDE_FAIL_SECOND:SENATE": S.VETOED,
}  # fmt: skip
FAILED_PREFIXES = ("FAIL:", "PROV_KILL:")  # failed a vote, or killed short of one


class BadBill(ValueError):
    """A file that is not a bill in the data.json format; the message names the field."""


@dataclass
class BillsReport:
    created: list = field(default_factory=list)  # bill IDs
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # "path: reason"
    unknown_members: set = field(default_factory=set)  # Bioguide IDs not senators here

    def summary(self):
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed"
        )
        if self.unknown_members:
            text += (
                f"; {len(self.unknown_members)} sponsors or cosponsors are not senators in the "
                "newsroom (representatives, or senators not imported yet): not linked"
            )
        return text


def bill_files_find(paths):
    """The data.json files named or under the folders named (hidden folders skipped), in
    order; (path, None) for each, or (path, reason) for a path that is not there."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += [
                (p, None)
                for p in sorted(path.rglob("data.json"))
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
        elif path.is_file():
            found.append((path, None))
        else:
            found.append((path, "no such file or folder"))
    return found


def _text(data, key, limit=None):
    value = data.get(key) or ""
    if not isinstance(value, str):
        raise BadBill(f"{key}: not text")
    value = " ".join(value.split())
    if limit and len(value) > limit:
        raise BadBill(f"{key}: longer than {limit} characters")
    return value


def _whole_number(data, key):
    value = data.get(key)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadBill(f"{key}: {value!r} is not a positive whole number")
    return value


def _short_title(data):
    """The bill's current short title: the file's `short_title`, else the first short title
    of the whole bill in `titles` (the scrapers list the latest stage first)."""
    if data.get("short_title"):
        return _text(data, "short_title", 300)
    for title in data.get("titles") or []:
        if (
            isinstance(title, dict)
            and title.get("type") == "short"
            and not title.get("is_for_portion")
            and isinstance(title.get("title"), str)
        ):
            return _text(title, "title", 300)
    return ""


def _status(data, bill_type):
    code = data.get("status") or "INTRODUCED"
    if code == "PASSED:SIMPLERES":
        return S.PASSED_HOUSE if bill_type.startswith("h") else S.PASSED_SENATE
    if code in STATUSES:
        return STATUSES[code]
    if isinstance(code, str) and code.startswith(FAILED_PREFIXES):
        return S.FAILED
    raise BadBill(f"status: {code!r} is not a status of the format")


def _member(entry, where):
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise BadBill(f"{where}: not a member")
    bioguide_id = entry.get("bioguide_id")
    if bioguide_id is None:  # old bills name members by THOMAS ID only
        return None
    if not isinstance(bioguide_id, str) or not bioguide_id.strip():
        raise BadBill(f"{where}.bioguide_id: {bioguide_id!r} is not a Bioguide ID")
    return bioguide_id.strip().upper()


def bill_read(path):
    """The fields of a bill from one data.json file, checked; BadBill names what is wrong."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadBill(f"over {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadBill(f"not JSON: {e}") from None
    if not isinstance(data, dict):
        raise BadBill("not a bill: the file holds no JSON object")
    bill_type = data.get("bill_type")
    if bill_type not in Legislation.BillType.values:
        raise BadBill(f"bill_type: {bill_type!r} is not one of {', '.join(Legislation.BillType)}")
    number, congress = _whole_number(data, "number"), _whole_number(data, "congress")
    bill_id = f"{bill_type}{number}-{congress}"
    if data.get("bill_id") not in (None, bill_id):
        raise BadBill(f"bill_id: {data['bill_id']!r} is not {bill_type} {number} of {congress}")
    introduced = data.get("introduced_at")
    try:
        introduced_on = date.fromisoformat(introduced[:10]) if introduced else None
    except (TypeError, ValueError):
        raise BadBill(f"introduced_at: {introduced!r} is not a date") from None
    cosponsors = data.get("cosponsors") or []
    if not isinstance(cosponsors, list):
        raise BadBill("cosponsors: not a list")
    summary = data.get("summary")
    return {
        "bill_id": bill_id, "bill_type": bill_type, "number": number, "congress": congress,
        "official_title": _text(data, "official_title"), "short_title": _short_title(data),
        "status": _status(data, bill_type), "introduced_on": introduced_on,
        "sponsor": _member(data.get("sponsor"), "sponsor"),
        "cosponsors": [
            _member(c, f"cosponsors[{i}]")
            for i, c in enumerate(cosponsors)
            if not (isinstance(c, dict) and c.get("withdrawn_at"))  # withdrawn: no longer one
        ],
        "summary": _text(summary, "text") if isinstance(summary, dict) else "",
    }  # fmt: skip


def _bill_write(record, senators, report):
    """Create or update one bill from its record; what happened goes to `report`."""
    sponsor_id = senators.get(record["sponsor"])
    members = [record["sponsor"], *record["cosponsors"]]
    report.unknown_members.update(m for m in members if m and m not in senators)
    cosponsor_ids = {senators[m] for m in record["cosponsors"] if m in senators} - {sponsor_id}
    values = {**{k: record[k] for k in FIELDS if k != "sponsor_id"}, "sponsor_id": sponsor_id}
    bill = Legislation.objects.filter(bill_id=record["bill_id"]).first()
    created = bill is None
    if created:
        bill = Legislation(
            bill_type=record["bill_type"], number=record["number"], congress=record["congress"]
        )
        stored_cosponsors = set()
    else:
        stored_cosponsors = set(bill.cosponsors.values_list("pk", flat=True))
    changed = [k for k, v in values.items() if getattr(bill, k) != v]
    if not (created or changed or stored_cosponsors != cosponsor_ids):
        report.unchanged.append(bill.bill_id)
        return
    for key, value in values.items():
        setattr(bill, key, value)
    if record["summary"] and not bill.summary:  # a summary staff wrote is kept
        bill.summary = record["summary"]
    try:
        bill.full_clean(exclude=["bill_id"], validate_unique=False)
    except ValidationError as e:
        raise BadBill(
            "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in e.message_dict.items())
        ) from None
    bill.save()
    if stored_cosponsors != cosponsor_ids:
        bill.cosponsors.set(cosponsor_ids)
    (report.created if created else report.updated).append(bill.bill_id)


def bills_import(*, paths):
    """Import the bills of the data.json files at `paths` (files or folders): a BillsReport."""
    report = BillsReport()
    senators = dict(Senator.objects.values_list("bioguide_id", "pk"))
    with reindex_once():
        for path, missing in bill_files_find(paths):
            if missing:
                report.failed.append(f"{path}: {missing}")
                continue
            try:
                record = bill_read(path)
                with transaction.atomic():
                    _bill_write(record, senators, report)
            except BadBill as e:
                report.failed.append(f"{path}: {e}")
            except OSError as e:
                report.failed.append(f"{path}: cannot be read ({e.strerror or e})")
            except Exception as e:  # a bug or a database error: this file only
                logger.exception("bill file %s failed", path)
                report.failed.append(f"{path}: {e}")
    return report
