"""A release's versions (django-simple-history): one per save, what changed, and word diffs.

simple-history writes a version of a release each time the release row or one of its
topics, bills or organizations changes; one admin save or restore does several of those.
Inside `one_version_per_save()` they are folded into one version, dated when the save ends,
so staff read one line per save and the quotes and senators saved with it count as part of it.

The rest reads versions for the admin's history, diff and restore pages, with a fixed number
of queries however many versions a release has.
"""

import difflib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

from core.eastern import eastern
from people.models import Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic

# Fields a version shows, in the form's order, with the label staff know them by. Excluded:
# created_at/created_by never change; updated_by is the version's own "who".
TEXT_FIELDS = ["title", "slug", "highlights", "dateline", "body"]
# Compared word by word (body) or line by line (highlights), not as old → new.
LONG_TEXT_FIELDS = {"body": "words", "highlights": "lines"}
PUBLICATION_FIELDS = ["status", "published_at"]
IMAGE_FIELDS = ["lead_image", "lead_image_alt", "lead_image_caption"]
FIELDS = TEXT_FIELDS + PUBLICATION_FIELDS + IMAGE_FIELDS
M2M_FIELDS = {"topics": Topic, "legislation": Legislation, "organizations": Organization}
# What a restore brings back: the content. Status and publication time stay as they are
# (publishing has its own permission and actions), and so does the slug: the release's
# address is public and linked to.
RESTORED_FIELDS = ["title", "highlights", "dateline", "body", *IMAGE_FIELDS]
RESTORED_M2M = list(M2M_FIELDS)

LABELS = {
    "title": "Title", "slug": "Slug", "highlights": "Highlights", "dateline": "Dateline",
    "body": "Body", "status": "Status", "published_at": "Publication time",
    "lead_image": "Lead image", "lead_image_alt": "Lead image alt text",
    "lead_image_caption": "Lead image caption", "topics": "Topics", "legislation": "Bills",
    "organizations": "Organizations", "senators": "Issuing senators", "quotes": "Quotes",
}  # fmt: skip


# One version per save.

_folding = ContextVar("release_versions_folding", default=None)


@contextmanager
def one_version_per_save():
    """Within the block, each release written gets one new version, however many writes.

    The version is dated at the end of the block, after the quotes and senators saved with
    it, so that the diff reads them as part of the same save.
    """
    if _folding.get() is not None:  # nested: the outer block folds
        yield
        return
    kept = {}
    token = _folding.set(kept)
    try:
        yield
    finally:
        _folding.reset(token)
    if kept:
        Release.history.model.objects.filter(
            history_id__in=[v.history_id for v in kept.values()]
        ).update(history_date=timezone.now())


def _m2m_history_models():
    return [HistoricalRecords.m2m_models[Release._meta.get_field(name)] for name in M2M_FIELDS]


def fold_version(sender, instance, history_instance, **kwargs):
    """post_create_historical_record receiver (releases/signals.py): inside
    `one_version_per_save()`, a release's newer version replaces its earlier one."""
    kept = _folding.get()
    if kept is None or not isinstance(instance, Release):
        return
    earlier = kept.get(instance.pk)
    kept[instance.pk] = history_instance
    if earlier is None:
        return
    # The newest version holds the release as it ends up; it takes over the earlier one's
    # "created" and its user when it has none of its own, and the earlier one goes.
    changed = []
    if earlier.history_type == "+" and history_instance.history_type != "+":
        history_instance.history_type = "+"
        changed.append("history_type")
    if history_instance.history_user_id is None and earlier.history_user_id is not None:
        history_instance.history_user_id = earlier.history_user_id
        changed.append("history_user")
    if not history_instance.history_change_reason and earlier.history_change_reason:
        history_instance.history_change_reason = earlier.history_change_reason
        changed.append("history_change_reason")
    if changed:
        history_instance.save(update_fields=changed)
    for model in _m2m_history_models():
        model.objects.filter(history_id=earlier.history_id).delete()
    earlier.delete()


# Reading versions.


@dataclass
class Version:
    """One version of a release, with what it linked and what issued and quoted it."""

    record: object  # the HistoricalRelease row
    values: dict
    links: dict = field(default_factory=dict)  # m2m name -> frozenset of ids
    senators: dict = field(default_factory=dict)  # ReleaseSenator id -> (senator id, role, order)
    quotes: dict = field(default_factory=dict)  # Quote id -> (attribution, text, order)
    previous: "Version | None" = None
    changes: list = field(default_factory=list)  # field names changed from `previous`

    @property
    def id(self):
        return self.record.history_id

    @property
    def date(self):
        return self.record.history_date

    @property
    def user(self):
        return self.record.history_user

    @property
    def is_created(self):
        return self.record.history_type == "+"

    @property
    def summary(self):
        """ "Created", or "Changed title, body and topics"; one line for the history list."""
        if self.is_created:
            return "Created"
        if self.previous is None:  # the release is older than its history
            return "First version recorded"
        if not self.changes:
            return "Saved without changes"
        names = [LABELS[name].lower() for name in self.changes]
        names[0] = names[0].capitalize()
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"Changed: {listed}"


def _comparable(name, value):
    # A browser posts text with CRLF line ends, an import or the shell with LF: the same text.
    if name in LONG_TEXT_FIELDS and value:
        return value.replace("\r\n", "\n")
    return value


def changed_fields(old, new):
    names = [
        name
        for name in FIELDS
        if _comparable(name, old.values.get(name)) != _comparable(name, new.values.get(name))
    ]
    names += [name for name in M2M_FIELDS if old.links.get(name) != new.links.get(name)]
    # By content, not row: an import replaces the rows with new ones saying the same.
    if sorted(old.senators.values()) != sorted(new.senators.values()):
        names.append("senators")
    if sorted(old.quotes.values()) != sorted(new.quotes.values()):
        names.append("quotes")
    return names


def versions_for(release, *, ids=None):
    """The release's versions, newest first, each with `previous` and `changes` set.

    `ids` limits the list to those versions (and their predecessors, for the changes).
    A fixed number of queries: the versions, one per kind of link, one per related history.
    """
    history = Release.history.filter(id=release.pk).order_by("-history_date", "-history_id")
    if ids is not None:
        order = list(history.values_list("history_id", flat=True))
        wanted = set(ids)
        keep = set()
        for i, history_id in enumerate(order):
            if history_id in wanted:
                keep.update(order[i : i + 2])  # with its predecessor, for the changes
        history = history.filter(history_id__in=keep)
    records = list(history.select_related("history_user"))
    versions = [
        Version(record=r, values={name: getattr(r, name) for name in FIELDS}) for r in records
    ]
    _add_links(versions)
    _add_senators_and_quotes(release, versions)
    for newer, older in zip(versions, versions[1:], strict=False):
        newer.previous = older
        newer.changes = changed_fields(older, newer)
    if ids is not None:
        versions = [v for v in versions if v.id in wanted]
    return versions


def _add_links(versions):
    by_id = {v.id: v for v in versions}
    for name in M2M_FIELDS:
        for v in versions:
            v.links[name] = set()
        model = HistoricalRecords.m2m_models[Release._meta.get_field(name)]
        target = Release._meta.get_field(name).m2m_reverse_field_name()
        rows = model.objects.filter(history_id__in=by_id).values_list("history_id", f"{target}_id")
        for history_id, target_id in rows:
            by_id[history_id].links[name].add(target_id)
        for v in versions:
            v.links[name] = frozenset(v.links[name])


def _replay(rows, until):
    """The rows' objects as they stood at `until`: id -> last row at or before it, undeleted."""
    state = {}
    for row in rows:
        if row.history_date > until:
            break
        if row.history_type == "-":
            state.pop(row.id, None)
        else:
            state[row.id] = row
    return state


def _add_senators_and_quotes(release, versions):
    if not versions:
        return
    issuer_rows = list(
        ReleaseSenator.history.filter(release_id=release.pk).order_by("history_date", "history_id")
    )
    quote_rows = list(
        Quote.history.filter(release_id=release.pk).order_by("history_date", "history_id")
    )
    senator_ids = {r.senator_id for r in issuer_rows} | {r.senator_id for r in quote_rows}
    senators = {s.pk: str(s) for s in Senator.objects.filter(pk__in=senator_ids - {None})}
    organization_ids = {r.speaker_organization_id for r in quote_rows} - {None}
    organizations = dict(
        Organization.objects.filter(pk__in=organization_ids).values_list("pk", "name")
    )

    def attribution(row):
        if row.senator_id:
            return senators.get(row.senator_id, f"Senator #{row.senator_id}")
        parts = [row.speaker_name, row.speaker_title]
        parts.append(organizations.get(row.speaker_organization_id, ""))
        return ", ".join(p for p in parts if p)

    for v in versions:
        v.senators = {
            pk: (senators.get(r.senator_id, f"Senator #{r.senator_id}"), r.role, r.order)
            for pk, r in _replay(issuer_rows, v.date).items()
        }
        v.quotes = {
            pk: (attribution(r), r.text, r.order) for pk, r in _replay(quote_rows, v.date).items()
        }


# Showing a change.


def _display(name, value):
    if name == "status":
        return Release.Status(value).label if value else "—"
    if name == "published_at":
        return eastern(value)
    return str(value) if value not in (None, "") else "—"


_TOKENS = re.compile(r"\s+|[^\s\w]|\w+")


def text_diff(old, new, *, by="words"):
    """HTML showing `old` turned into `new`: removed runs in <del>, added runs in <ins>.

    Every piece of text is escaped: a body holding <script> shows it as text.
    """
    old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
    if by == "lines":
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    else:
        a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))


@dataclass
class FieldChange:
    name: str
    label: str
    old: str = ""
    new: str = ""
    diff: str = ""  # HTML, for long text
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (label, diff HTML) for quotes


def _names(model, ids_by_side):
    ids = set().union(*ids_by_side)
    found = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
    return lambda pk: found.get(pk, f"(deleted {model._meta.verbose_name} #{pk})")


def compare(old, new):
    """What changed from version `old` to version `new`, field by field."""
    changes = []
    for name in changed_fields(old, new):
        label = LABELS[name]
        if name in LONG_TEXT_FIELDS:
            diff = text_diff(
                old.values[name] or "", new.values[name] or "", by=LONG_TEXT_FIELDS[name]
            )
            changes.append(FieldChange(name, label, diff=diff))
        elif name in FIELDS:
            changes.append(
                FieldChange(
                    name, label, old=_display(name, old.values[name]),
                    new=_display(name, new.values[name]),
                )
            )  # fmt: skip
        elif name in M2M_FIELDS:
            before, after = old.links[name], new.links[name]
            label_of = _names(M2M_FIELDS[name], [before, after])
            changes.append(
                FieldChange(
                    name, label,
                    added=sorted(label_of(pk) for pk in after - before),
                    removed=sorted(label_of(pk) for pk in before - after),
                )
            )  # fmt: skip
        elif name == "senators":

            def describe(row):
                return f"{row[0]} ({row[1]})"

            before = {describe(r) for r in old.senators.values()}
            after = {describe(r) for r in new.senators.values()}
            change = FieldChange(name, label, added=sorted(after - before),
                                 removed=sorted(before - after))  # fmt: skip
            if not (change.added or change.removed):
                change.old = ", ".join(r[0] for r in sorted(old.senators.values(), key=_order))
                change.new = ", ".join(r[0] for r in sorted(new.senators.values(), key=_order))
            changes.append(change)
        elif name == "quotes":
            change = FieldChange(name, label)
            for pk in new.quotes.keys() - old.quotes.keys():
                who, text, _ = new.quotes[pk]
                change.added.append(f"{who}: “{text}”")
            for pk in old.quotes.keys() - new.quotes.keys():
                who, text, _ = old.quotes[pk]
                change.removed.append(f"{who}: “{text}”")
            for pk in sorted(old.quotes.keys() & new.quotes.keys()):
                (old_who, old_text, _), (new_who, new_text, _) = old.quotes[pk], new.quotes[pk]
                if (old_who, old_text) != (new_who, new_text):
                    who = new_who if old_who == new_who else f"{old_who} → {new_who}"
                    change.changed.append((who, text_diff(old_text, new_text)))
            changes.append(change)
    return changes


def _order(row):
    return row[2]
