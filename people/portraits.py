"""Senators' official portraits from a folder laid out as unitedstates/images.

That collection (public domain) names each portrait by Bioguide ID, in folders by size:
`congress/original/K000367.jpg`, `congress/450x550/K000367.jpg`, `congress/225x275/...`.
`senator_portraits_import` takes the folder that holds `congress/`, `congress/` itself, or
one size folder, and gives each senator of the newsroom the portrait named by their
Bioguide ID.

Choices this module makes:
- 450x550 is preferred where both it and `original/` have a senator's portrait: it is
  already twice the widest rendition pages use, and originals run to several megabytes.
- A portrait goes through the same checks as an upload in the admin
  (`core.images.image_reencode`), then gets the same renditions. A file that fails them is
  refused with the reason, and the others import.
- The stored name carries the first characters of the source file's SHA-256
  (`senators/K000367-3f2a9c1b7d40.jpg`), so running the import again over the same folder
  sees an unchanged file without decoding it, and a new portrait gets a new address that no
  browser or cache holds an old copy of. The replaced file and its renditions are deleted.
- Files for people who are not senators in the newsroom (most of the collection: House
  members, senators of other eras) are counted, not errors.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from core.images import PHOTO_WIDTHS, image_reencode, image_renditions_make, rendition_name
from people.models import BIOGUIDE_RE, Senator

# Size folders of unitedstates/images, in the order a portrait is taken from them.
SIZE_FOLDERS = ("450x550", "original")
HASH_LENGTH = 12  # of the SHA-256 in hex, in the stored name: 48 bits, for one senator's few


@dataclass
class PortraitsReport:
    """What one import did: counts, and the files refused with their reasons."""

    folders: list = field(default_factory=list)
    imported: list = field(default_factory=list)  # Bioguide IDs
    unchanged: int = 0
    unknown: list = field(default_factory=list)  # Bioguide IDs of no senator here
    refused: list = field(default_factory=list)  # (path, reason)
    without_portrait: int = 0  # senators the folder has no portrait of

    def summary(self):
        return (
            f"{len(self.imported)} imported, {self.unchanged} unchanged, "
            f"{len(self.unknown)} unknown Bioguide ID(s), {len(self.refused)} refused; "
            f"{self.without_portrait} senator(s) with no portrait in the folder"
        )


def portrait_folders(root):
    """The folders to read portraits from, most preferred first.

    `root` is the folder that holds `congress/`, `congress/` itself, or a size folder;
    raises ValueError when it is none of these.
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"{root} is not a folder")
    for base in (root / "congress", root):
        found = [base / size for size in SIZE_FOLDERS if (base / size).is_dir()]
        if found:
            return found
    if any(_bioguide_id(path) for path in root.iterdir()):
        return [root]  # a size folder itself, whatever its name
    raise ValueError(
        f"{root} holds no portraits: expected congress/450x550/ or congress/original/ in it, "
        "or files named by Bioguide ID (K000367.jpg)"
    )


def _bioguide_id(path):
    """The Bioguide ID a portrait's file name gives, or "" for any other file."""
    stem = path.stem.upper()
    return stem if path.is_file() and re.match(BIOGUIDE_RE, stem) else ""


def portrait_files(folders):
    """{Bioguide ID: path}, each ID from the first folder that has it; other files are
    ignored (the collection's folders hold nothing else)."""
    files = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            bioguide_id = _bioguide_id(path)
            if bioguide_id and not path.name.startswith("."):
                files.setdefault(bioguide_id, path)
    return files


def portrait_name(senator, digest, extension):
    return f"{senator.bioguide_id}-{digest[:HASH_LENGTH]}.{extension}"


def _stored_digest(senator):
    """The source hash in the name the importer stored, or "" for a photo set otherwise."""
    match = re.fullmatch(
        rf"{senator.bioguide_id}-([0-9a-f]{{{HASH_LENGTH}}})", Path(senator.photo.name).stem
    )
    return match.group(1) if match else ""


def senator_portrait_set(*, senator, path):
    """Give `senator` the portrait at `path`: "imported", or "unchanged" when it already has it.

    Raises ValidationError with the reason for a file that is not a portrait the site
    accepts, and OSError for one that cannot be read; nothing is stored then.
    """
    path = Path(path)
    with path.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
        storage = senator.photo.storage
        if _stored_digest(senator) == digest[:HASH_LENGTH] and storage.exists(senator.photo.name):
            return "unchanged"
        f.seek(0)
        encoded = image_reencode(File(f, name=path.name), label="portrait")
    old_name, old_widths = senator.photo.name, list(senator.photo_widths)
    name = portrait_name(senator, digest, Path(encoded.name).suffix.lstrip("."))
    target = senator.photo.field.generate_filename(senator, name)
    if storage.exists(target):  # left by an import that failed: the name must be exact
        storage.delete(target)
    senator.photo.save(name, encoded, save=False)
    stored = [senator.photo.name]
    try:
        senator.photo_widths = image_renditions_make(field_file=senator.photo, widths=PHOTO_WIDTHS)
        stored += [rendition_name(senator.photo.name, w) for w in senator.photo_widths[:-1]]
        senator.save(update_fields=["photo", "photo_widths"])
    except BaseException:
        _delete_files(storage, stored)
        raise
    if old_name and old_name != senator.photo.name:
        transaction.on_commit(lambda: _delete_photo(storage, old_name, old_widths))
    return "imported"


def _delete_photo(storage, name, widths):
    renditions = [rendition_name(name, w) for w in widths if w != max(widths, default=0)]
    _delete_files(storage, [name, *renditions])


def _delete_files(storage, names):
    for name in names:
        if storage.exists(name):
            storage.delete(name)


def senator_portraits_import(*, root):
    """Import the portraits in `root` (see the module's docstring) for the newsroom's senators.

    Each file is taken on its own: a bad one is refused with its reason, the rest import.
    Raises ValueError when `root` is not a portraits folder.
    """
    report = PortraitsReport(folders=portrait_folders(root))
    files = portrait_files(report.folders)
    senators = Senator.objects.in_bulk(list(files), field_name="bioguide_id")
    report.unknown = sorted(set(files) - set(senators))
    report.without_portrait = Senator.objects.count() - len(senators)
    for bioguide_id, senator in sorted(senators.items()):
        path = files[bioguide_id]
        try:
            outcome = senator_portrait_set(senator=senator, path=path)
        except ValidationError as e:
            report.refused.append((path, " ".join(e.messages)))
        except OSError as e:
            report.refused.append((path, f"could not be read or stored: {e.strerror or e}"))
        else:
            if outcome == "unchanged":
                report.unchanged += 1
            else:
                report.imported.append(bioguide_id)
    return report
