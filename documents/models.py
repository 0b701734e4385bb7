"""A PDF document on a release: a letter, a bill summary."""

import re
import secrets
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from documents.validation import PAGE_BREAK, pdf_check
from releases.models import Release

# PostgreSQL holds at most 1 MB of words in one index entry (a release's tsvector, its
# documents' words included), and a PDF read badly can be pages of words all different. Real
# documents share most of their words, and search needs each only once.
INDEXED_WORDS_MAX = 10_000
WORD = re.compile(r"\b\w{1,30}\b")  # longer runs of letters are no one's search words


def stored_name(name):
    """`letter-to-secretary-pompeo-3f9c0a1b2d4e.pdf` from the upload's name: readable, and
    not to be guessed, so an embargoed release's documents cannot be found before it is."""
    stem = slugify(PurePosixPath(name or "").stem)[:80].strip("-") or "document"
    return f"{stem}-{secrets.token_hex(6)}.pdf"


class Document(models.Model):
    """A PDF attached to a release, checked when uploaded (documents/validation.py), with
    its size, page count and text read then: once per upload, never per request."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300, help_text="E.g. “Letter to Secretary Pompeo”.")
    file = models.FileField(
        "PDF",
        upload_to="documents/%Y/%m/",
        max_length=255,
        help_text="A PDF: no JavaScript, embedded files or passwords.",
    )
    size = models.PositiveIntegerField("size in bytes", default=0, editable=False)
    page_count = models.PositiveIntegerField("pages", default=0, editable=False)
    # What search and the release page's "Read the text" show (documents/validation.py:
    # pages apart by a form feed, at most TEXT_MAX_CHARS).
    text = models.TextField(blank=True, default="", editable=False)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def summary(self):
        """“PDF, 3 pages, 182 KB”."""
        pages = "1 page" if self.page_count == 1 else f"{self.page_count:,} pages"
        return f"PDF, {pages}, {size_in_words(self.size)}"

    @property
    def text_pages(self):
        """Each page's number and paragraphs, to read on the release page (pages with no
        text left out)."""
        pages = enumerate(self.text.split(PAGE_BREAK), 1)
        return [(n, paragraphs_of(page)) for n, page in pages if page.strip()]

    @property
    def search_text(self):
        """What the release's search entry holds of the document: each distinct word once,
        the first INDEXED_WORDS_MAX of them (a few hundred KB of the index at most)."""
        words = {}
        for match in WORD.finditer(self.text):
            words.setdefault(match.group().lower(), None)
            if len(words) >= INDEXED_WORDS_MAX:
                break
        return " ".join(words)

    def check_upload(self):
        """Check a newly uploaded file, and derive its name, size, page count and text.

        Runs once per upload, from `clean()` (the admin's form) or else from `save()`;
        raises ValidationError on the file for anything documents/validation.py refuses.
        """
        if not self.file or self.file._committed:
            return
        upload = self.file.file
        if getattr(self, "_checked_upload", None) is upload:
            return
        try:
            checked = pdf_check(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.error_list}) from error
        self.size, self.page_count, self.text = checked.size, checked.page_count, checked.text
        self.file.name = stored_name(self.file.name)
        self._checked_upload = upload

    def clean(self):
        self.check_upload()

    def save(self, *args, **kwargs):
        self.check_upload()  # whatever saves it: the admin's inline, a command, code
        super().save(*args, **kwargs)


FULL_LINE = 0.75  # of the page's longest line: a line this long ran to the margin
SENTENCE_END = tuple(".!?:;")


def paragraphs_of(text):
    """A page's text as paragraphs. A PDF's text comes as the lines it was set in: a line
    that ran to the margin, mid-sentence, goes on in the next; one that stops short (a
    salutation, a signature, a list item, a paragraph's last line) or is followed by a
    blank line ends its paragraph."""
    lines = [line.strip() for line in text.splitlines()]
    width = max(map(len, lines), default=0)
    paragraphs, current = [], ""
    for line in lines:
        if line:
            joiner = "" if not current or current.endswith("-") else " "
            current = f"{current}{joiner}{line}"
        runs_on = len(line) >= FULL_LINE * width and not line.endswith(SENTENCE_END)
        if current and not (line and runs_on):
            paragraphs.append(current)
            current = ""
    return [*paragraphs, current] if current else paragraphs


def size_in_words(size):
    """182 KB, 1.4 MB: as a download link says it."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"
