"""Checking an uploaded PDF before it is stored, and reading its text, once per upload.

A document is refused, with a message naming the problem, when it is not a PDF (the bytes
start with ``%PDF-`` and pypdf opens it), is encrypted, is over the size or page cap
(``DOCUMENT_MAX_BYTES``, ``DOCUMENT_MAX_PAGES``), or carries anything that acts when it is
opened: JavaScript (in the /Names tree, an /OpenAction, an /AA additional action, a link or a
form field), a /Launch action, or an embedded file. Refusing is simpler and safer than
stripping: a PDF rewritten without its scripts may no longer be the document its office
signed, and a stripper has to know every place a viewer looks; a checker only has to find
one. An office that meets the refusal prints the document to a fresh PDF and uploads that.

The work is bounded: the size is checked before a byte is read, the page count before any
text is extracted, the objects walked are capped, and the text kept is capped.
"""

import io
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

TEXT_MAX_CHARS = 1_000_000  # the text kept for search and the page: a long bill is ~500 KB
OBJECTS_MAX = 200_000  # PDF objects looked at: far past a 500-page letter, short of a trap
TEXT_SECONDS = 30  # reading text stops at the first page after this; the PDF is still kept
PAGE_BREAK = "\f"  # between pages in the text kept (as pdftotext writes it)

# Keys whose presence anywhere means something runs, or another file comes along.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript (a document-level script, in its /Names tree)",
    "/EmbeddedFiles": "an embedded file",
    "/EF": "an embedded file",
    "/XFA": "an XFA form (XFA forms can run scripts)",
}
# Action types (/S) and annotation kinds (/Subtype) refused wherever they are.
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "a /Launch action (it starts a program)",
}
ACTIVE_SUBTYPES = {
    "/FileAttachment": "an embedded file",
    "/RichMedia": "rich media (Flash or other content that can run code)",
}
# Where a viewer runs an action by itself, named in the message.
AUTOMATIC = {"/OpenAction": "its /OpenAction", "/AA": "an /AA additional action"}


@dataclass(frozen=True)
class CheckedPdf:
    """What an accepted upload is: its size in bytes, its pages, and its text."""

    size: int
    page_count: int
    text: str


def pdf_check(upload, *, max_bytes=None, max_pages=None):
    """Check `upload` (a Django File) and read its text; a ``CheckedPdf``.

    Raises ``ValidationError`` naming the problem for anything this module refuses; nothing
    is stored here.
    """
    max_bytes = max_bytes or settings.DOCUMENT_MAX_BYTES
    max_pages = max_pages or settings.DOCUMENT_MAX_PAGES
    size = upload.size
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:  # a file that did not say its size
        raise ValidationError(
            f"The file is over the limit of {_megabytes(max_bytes)}.", code="too_large"
        )
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            "The file is not a PDF (a PDF starts with “%PDF-”); export the document as "
            "PDF and upload that.",
            code="not_pdf",
        )
    reader, page_count = _open(data)
    if page_count > max_pages:
        raise ValidationError(
            f"The PDF has {page_count:,} pages; the limit is {max_pages:,}.",
            code="too_many_pages",
        )
    if page_count == 0:
        raise ValidationError("The PDF has no pages.", code="no_pages")
    problem = _active_content(reader)
    if problem:
        raise ValidationError(
            f"The PDF contains {problem}. Documents that can run code or carry other files "
            "are refused; print the document to a new PDF and upload that.",
            code="active_content",
        )
    return CheckedPdf(size=len(data), page_count=page_count, text=_text(reader))


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def _unreadable():
    return ValidationError(
        "The file starts like a PDF but cannot be read as one (it may be damaged or "
        "truncated); export it again and upload the new file.",
        code="unreadable",
    )


def _open(data):
    """pypdf's reader on the bytes, and the page count; refuses encrypted files."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        page_count = None if encrypted else len(reader.pages)
    except Exception as e:  # pypdf raises many kinds on broken input; all mean unreadable
        raise _unreadable() from e
    if encrypted:
        raise ValidationError(
            "The PDF is encrypted (it has a password or restrictions); save a copy "
            "without them and upload that.",
            code="encrypted",
        )
    return reader, page_count


def _active_content(reader):
    """What in the file acts or carries another file, in words; None when nothing does.

    Walks every object reachable from the trailer once (a visited set of indirect
    references), looking at dictionaries only: content streams are drawn, not run.
    """
    try:
        return _walk(reader.trailer)
    except ValidationError:
        raise
    except Exception as e:
        raise _unreadable() from e


def _walk(start):
    seen = set()
    stack = [(start, None)]  # (object, the automatic trigger it is under, if any)
    looked_at = 0
    while stack:
        obj, trigger = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        looked_at += 1
        if looked_at > OBJECTS_MAX:
            raise ValidationError(
                f"The PDF has more than {OBJECTS_MAX:,} objects, too many to check.",
                code="too_complex",
            )
        if isinstance(obj, DictionaryObject):
            if _resolved(obj, "/Type") in ("/Page", "/Pages"):
                trigger = None  # an /OpenAction that opens a page: the page is not its action
            if problem := _problem_in(obj):
                return f"{problem} in {trigger}" if trigger else problem
            for name, value in obj.items():
                if name == "/Parent":  # back up the page tree: already on the way down
                    continue
                stack.append((value, AUTOMATIC.get(name, trigger)))
        elif isinstance(obj, ArrayObject):
            stack.extend((item, trigger) for item in obj)
    return None


def _problem_in(dictionary):
    for key, problem in ACTIVE_KEYS.items():
        if key in dictionary:
            return problem
    action = _resolved(dictionary, "/S")
    if isinstance(action, NameObject) and action in ACTIVE_ACTIONS:
        return ACTIVE_ACTIONS[action]
    subtype = _resolved(dictionary, "/Subtype")
    if isinstance(subtype, NameObject) and subtype in ACTIVE_SUBTYPES:
        return ACTIVE_SUBTYPES[subtype]
    return None


def _resolved(dictionary, key):
    value = dict.get(dictionary, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _text(reader):
    """Each page's text, pages apart by a form feed, at most TEXT_MAX_CHARS in all."""
    pages, total = [], 0
    deadline = time.monotonic() + TEXT_SECONDS
    for page in reader.pages:
        if time.monotonic() > deadline:
            break
        try:
            text = page.extract_text() or ""
        except Exception:  # a page pypdf cannot read has no text for search; the PDF stays
            text = ""
        # No NUL (PostgreSQL's text refuses it) and no lone surrogate (nor does UTF-8).
        text = text.replace(PAGE_BREAK, "\n").replace("\x00", "").strip()
        text = text.encode("utf-8", "replace").decode("utf-8")
        pages.append(text[: TEXT_MAX_CHARS - total])
        total += len(pages[-1]) + len(PAGE_BREAK)
        if total >= TEXT_MAX_CHARS:
            break
    return PAGE_BREAK.join(pages)
