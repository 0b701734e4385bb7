"""What staff (and reporters' unsubscribe links) do to press lists; the admin, the views,
the signals and the tasks call these.

- `contacts_import`: contacts from a CSV file, each row created, updated, left unchanged
  or skipped with the reason, in one transaction.
- `distribution_create`: a scheduled release to press lists: one preview link and one
  embargoed email per contact, and the sending task.
- `contact_unsubscribe`, `contacts_unsubscribe`: a contact gets no more press email.
- `press_link_revoke`: one recipient's link ends; the others' go on working.
- `now_public_make`, `correction_notes_make`: the follow-ups, for those sent the release.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.eastern import eastern
from distribution import tasks
from distribution.models import (
    Distribution,
    PressContact,
    PressDelivery,
    PressList,
    normalize_email,
)
from distribution.selectors import (
    distribution_plan,
    embargoed_deliveries,
    link_expiry,
    send_refusal,
    sending_offices,
)
from releases.models import Release
from releases.services import preview_link_create, preview_link_revoke

# Unsubscribing.


def unsubscribed_reason(contact):
    return f"Not sent: {contact.name} unsubscribed on {eastern(contact.unsubscribed_at)}."


@transaction.atomic
def contact_unsubscribe(*, contact, via):
    """`contact` gets no more press email from their office; emails not yet sent are not."""
    changed = PressContact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now(), unsubscribed_via=via
    )
    contact.refresh_from_db(fields=["unsubscribed_at", "unsubscribed_via"])
    return bool(changed)


@transaction.atomic
def contacts_unsubscribe(*, contacts, by):
    """Staff unsubscribe contacts who asked them to; how many were not already."""
    return sum(
        contact_unsubscribe(contact=contact, via=PressContact.Via.STAFF) for contact in contacts
    )


# Importing contacts from CSV.

COLUMNS = ["name", "outlet", "email", "beats", "lists"]
REQUIRED = ["name", "email"]
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
LIMITS = {
    name: PressContact._meta.get_field(name).max_length for name in ["name", "outlet", "beats"]
}
LIST_NAME_LIMIT = PressList._meta.get_field("name").max_length


class NotCSV(ValidationError):
    """The file is not a CSV file of contacts: nothing was read from it."""


@dataclass
class ImportRow:
    line: int  # the line of the file, the header being line 1
    name: str
    email: str
    outcome: str  # created, updated, unchanged, skipped
    details: list = field(default_factory=list)  # what changed, or why it was skipped


@dataclass
class ImportReport:
    office: object
    dry_run: bool
    rows: list = field(default_factory=list)
    new_lists: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self):
        return {o: self.count(o) for o in ["created", "updated", "unchanged", "skipped"]}


def _decode(data):
    if b"\x00" in data[:4096]:
        raise NotCSV("This file is not a CSV file (it holds binary data). Save the sheet as CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" on Windows writes Windows-1252, not UTF-8.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise NotCSV(
                "This file's text is neither UTF-8 nor Windows-1252: save it as “CSV UTF-8”."
            ) from None


def csv_records(data):
    """(header, [(line, {column: value})]) from a CSV file's bytes, or NotCSV saying why."""
    if len(data) > MAX_IMPORT_BYTES:
        raise NotCSV(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    text = _decode(data)
    if not text.strip():
        raise NotCSV("The file is empty.")
    first = text.splitlines()[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # Strict: a quote left open is an error to report, not a row that swallows the file.
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise NotCSV(
                "The first line must name the columns (name, outlet, email, beats, lists); "
                f"it has no {' or '.join(missing)} column. It reads: {first[:200]!r}."
            )
        records = []
        for values in reader:
            if len(records) >= MAX_ROWS:
                raise NotCSV(f"The file has more than {MAX_ROWS} rows: split it.")
            cells = {name: value.strip() for name, value in zip(header, values, strict=False)}
            records.append((reader.line_num, cells))
    except csv.Error as error:
        raise NotCSV(
            f"This file could not be read as CSV (line {reader.line_num}): {error}."
        ) from None
    return header, records


def _row_problems(cells, seen):
    """Why a row cannot be imported (empty when it can)."""
    problems = []
    name, email = cells.get("name", ""), normalize_email(cells.get("email", ""))
    if not name:
        problems.append("no name")
    if not email:
        problems.append("no email address")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"“{cells.get('email')}” is not an email address")
    for column, limit in LIMITS.items():
        if len(cells.get(column, "")) > limit:
            problems.append(f"the {column} is longer than {limit} characters")
    for list_name in _list_names(cells):
        if len(list_name) > LIST_NAME_LIMIT:
            problems.append(f"the list name “{list_name[:40]}…” is too long")
    if email and email in seen:
        problems.append(f"the same email address as line {seen[email]}; only that one is imported")
    return problems


def _list_names(cells):
    names, seen = [], set()
    for name in (cells.get("lists") or "").split(";"):
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def contacts_import(*, office, data, by, dry_run=False):
    """Contacts for `office` from a CSV file's bytes: columns name, outlet, email, beats and
    lists (list names separated by “;”; a list not yet there is made), the first line
    naming them. Each row is created, updated, left unchanged or skipped with its reason;
    a blank cell leaves what is stored as it is; a contact is added to lists, never taken
    off one; an unsubscribed contact stays so. One transaction: the import is whole or,
    with `dry_run` or on any error, nothing. A file that is not CSV raises NotCSV."""
    header, records = csv_records(data)
    report = ImportReport(office=office, dry_run=dry_run)
    report.ignored_columns = [name for name in header if name and name not in COLUMNS]
    with transaction.atomic():
        _import(report, office, records, by)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import(report, office, records, by):
    existing = {c.email: c for c in PressContact.objects.filter(office=office)}
    lists = {pl.name.lower(): pl for pl in PressList.objects.filter(office=office)}
    on_lists = set(
        PressList.contacts.through.objects.filter(presslist__office=office).values_list(
            "presslist_id", "presscontact_id"
        )
    )
    seen = {}
    for line, cells in records:
        if not any(cells.values()):
            continue  # a blank line
        email = normalize_email(cells.get("email", ""))
        problems = _row_problems(cells, seen)
        if email and email not in seen:
            seen[email] = line
        if problems:
            report.rows.append(ImportRow(line, cells.get("name", ""), email, "skipped",
                                         problems))  # fmt: skip
            continue
        contact = existing.get(email)
        row = ImportRow(line, cells["name"], email, "unchanged")
        if contact is None:
            contact = PressContact.objects.create(
                office=office, email=email, name=cells["name"], outlet=cells.get("outlet", ""),
                beats=cells.get("beats", ""), created_by=by, updated_by=by,
            )  # fmt: skip
            existing[email] = contact
            row.outcome = "created"
        else:
            changed = [
                column
                for column in ["name", "outlet", "beats"]
                if cells.get(column) and cells[column] != getattr(contact, column)
            ]
            if changed:
                for column in changed:
                    setattr(contact, column, cells[column])
                contact.updated_by = by
                contact.save(update_fields=[*changed, "updated_by", "updated_at"])
                row.outcome = "updated"
                row.details.append("changed: " + ", ".join(changed))
            if contact.is_unsubscribed():
                row.details.append(
                    f"unsubscribed on {eastern(contact.unsubscribed_at)}: stays unsubscribed"
                )
        joined = []
        for list_name in _list_names(cells):
            press_list = lists.get(list_name.lower())
            if press_list is None:
                press_list = PressList.objects.create(
                    office=office, name=list_name, created_by=by, updated_by=by
                )
                lists[list_name.lower()] = press_list
                report.new_lists.append(press_list.name)
            if (press_list.pk, contact.pk) not in on_lists:
                press_list.contacts.add(contact)
                on_lists.add((press_list.pk, contact.pk))
                joined.append(press_list.name)
        if joined:
            row.details.append("added to " + ", ".join(joined))
            if row.outcome == "unchanged":
                row.outcome = "updated"
        report.rows.append(row)


# Sending a release to press lists.


def _lock(release_id):
    """Hold the release's row: two sends of one release happen one after the other."""
    Release.objects.select_for_update().filter(pk=release_id).values_list("pk").first()


@transaction.atomic
def distribution_create(*, release, lists, by, follow_up_when_public=False, send_corrections=False):
    """Send `release`, scheduled, to `lists` of `by`'s offices before its embargo: for each
    contact on them (once, however many lists name them) a preview link of their own and
    the embargoed email, sent by a background task at once. Contacts already sent the
    release are passed by; unsubscribed ones are recorded as not sent.

    Refused with a ValidationError saying why (a draft, a public release, one a sign-off
    holds back, a list that is not the office's) or PermissionDenied (not a press secretary
    of an office issuing it). Returns (distribution, plan)."""
    _lock(release.pk)
    release = Release.objects.get(pk=release.pk)
    offices = {senator.pk for senator in sending_offices(by, release)}
    if not offices:
        raise PermissionDenied(
            "Only a press secretary of an office issuing this release may send it to the press."
        )
    if refusal := send_refusal(release, by=by):
        raise ValidationError(refusal, code="not_sendable")
    lists = list(lists)
    if not lists:
        raise ValidationError("Pick at least one press list.", code="no_lists")
    if others := [pl for pl in lists if pl.office_id not in offices]:
        raise ValidationError(
            [f"“{pl}” is not one of your office's lists for this release." for pl in others],
            code="other_office",
        )
    plan = distribution_plan(release, lists)
    if not plan.to_send:
        raise ValidationError(
            "Everyone on these lists has already been sent this release, or unsubscribed: "
            "there is no one new to send it to.",
            code="no_one_new",
        )
    distribution = Distribution.objects.create(
        release=release, sent_by=by, embargo_at=release.published_at,
        follow_up_when_public=follow_up_when_public, send_corrections=send_corrections,
    )  # fmt: skip
    distribution.lists.set(lists)
    existing = embargoed_deliveries(release, [c.pk for c in plan.to_send + plan.unsubscribed])
    expires = link_expiry(release)
    for contact in plan.to_send:
        _embargoed_delivery(distribution, contact, existing.get(contact.pk), expires, by)
    for contact in plan.unsubscribed:
        if contact.pk not in existing:
            PressDelivery.objects.create(
                distribution=distribution, release=release, contact=contact, to=contact.email,
                kind=PressDelivery.Kind.EMBARGOED, state=PressDelivery.State.SKIPPED,
                last_error=unsubscribed_reason(contact),
            )  # fmt: skip
    tasks.press_mail_wake(distribution.pk, timezone.now())
    if follow_up_when_public:
        follow_up_plan(distribution=distribution, at=release.published_at)
    return distribution, plan


def _embargoed_delivery(distribution, contact, earlier, expires, by):
    """The contact's embargoed email in `distribution`, with a link of their own. One that
    failed, or was not sent, is made again (the unique row, waiting once more)."""
    link = earlier.preview_link if earlier is not None else None
    if link is None or not link.is_active():
        link = preview_link_create(
            release=distribution.release, label=contact.link_label, expires_at=expires, by=by
        )
    if earlier is None:
        return PressDelivery.objects.create(
            distribution=distribution, release=distribution.release, contact=contact,
            to=contact.email, kind=PressDelivery.Kind.EMBARGOED, preview_link=link,
        )  # fmt: skip
    PressDelivery.objects.filter(pk=earlier.pk).update(
        distribution=distribution, state=PressDelivery.State.PENDING, attempts=0,
        claimed_at=None, next_attempt_at=None, last_error="", message_id="",
        to=contact.email, preview_link=link,
    )  # fmt: skip
    return earlier


def follow_up_plan(*, distribution, at):
    """Plan the "now public" follow-up of `distribution` for the release's publication
    time `at` (when it moves, the release's save plans it again: distribution/signals.py)."""
    Distribution.objects.filter(pk=distribution.pk).update(follow_up_for=at)
    distribution.follow_up_for = at
    tasks.now_public_enqueue(distribution.pk, at)


@transaction.atomic
def press_link_revoke(*, delivery, by):
    """End one recipient's preview link now; everyone else's goes on working."""
    if delivery.preview_link is None:
        raise ValidationError("This email had no preview link.")
    return preview_link_revoke(link=delivery.preview_link, by=by)


# Follow-ups.


def _follow_up(distribution, contact, kind, correction=None):
    skipped = contact.is_unsubscribed()
    return PressDelivery(
        distribution=distribution, release_id=distribution.release_id, contact=contact,
        to=contact.email, kind=kind, correction=correction,
        state=PressDelivery.State.SKIPPED if skipped else PressDelivery.State.PENDING,
        last_error=unsubscribed_reason(contact) if skipped else "",
    )  # fmt: skip


@transaction.atomic
def now_public_make(*, distribution):
    """The "now public" emails of `distribution`, once: to each contact it sent the release
    to under embargo who has not had one. How many were made."""
    distribution = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if distribution.followed_up_at is not None:
        return 0
    sent = PressDelivery.objects.filter(
        distribution=distribution, kind=PressDelivery.Kind.EMBARGOED,
        state=PressDelivery.State.SENT,
    ).select_related("contact")  # fmt: skip
    had = set(
        PressDelivery.objects.filter(
            release=distribution.release_id, kind=PressDelivery.Kind.NOW_PUBLIC
        ).values_list("contact_id", flat=True)
    )
    rows = [
        _follow_up(distribution, row.contact, PressDelivery.Kind.NOW_PUBLIC)
        for row in sent
        if row.contact_id not in had
    ]
    PressDelivery.objects.bulk_create(rows)
    distribution.followed_up_at = timezone.now()
    distribution.save(update_fields=["followed_up_at"])
    return len(rows)


@transaction.atomic
def correction_notes_make(*, correction):
    """A note of `correction` to each contact sent its release under embargo by a send that
    chose corrections; once per correction and contact. The sending starts at the commit."""
    sent = PressDelivery.objects.filter(
        release=correction.release_id, kind=PressDelivery.Kind.EMBARGOED,
        state=PressDelivery.State.SENT, distribution__send_corrections=True,
    ).select_related("contact", "distribution")  # fmt: skip
    had = set(
        PressDelivery.objects.filter(correction=correction).values_list("contact_id", flat=True)
    )
    rows = [
        _follow_up(row.distribution, row.contact, PressDelivery.Kind.CORRECTION, correction)
        for row in sent
        if row.contact_id not in had
    ]
    PressDelivery.objects.bulk_create(rows)
    for distribution_id in sorted({row.distribution_id for row in rows}):
        tasks.press_mail_wake(distribution_id, timezone.now())
    return len(rows)


def follow_ups_replan(*, release):
    """After a save of `release`: each send waiting to follow up "now public" whose planned
    time is no longer the release's is planned again for its time (or waits, while it is a
    draft)."""
    if not (release.is_embargoed() or release.is_public()):
        return
    waiting = Distribution.objects.filter(
        release=release, follow_up_when_public=True, followed_up_at__isnull=True
    ).exclude(Q(follow_up_for=release.published_at))
    for distribution in waiting:
        follow_up_plan(distribution=distribution, at=release.published_at)
