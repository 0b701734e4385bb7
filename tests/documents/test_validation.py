"""Checking a PDF on upload: what is refused, with what words, and that nothing is kept."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from documents import validation
from documents.models import Document
from documents.validation import pdf_check
from tests.support.factories import ReleaseFactory
from tests.support.pdfs import pdf_bytes, pdf_upload

LETTER = ["Dear Secretary Pompeo,\nWe write about the trafficking report.", "Sincerely,"]


def checked(data, **caps):
    return pdf_check(ContentFile(data, name="letter.pdf"), **caps)


def refusal(data, **caps):
    with pytest.raises(ValidationError) as caught:
        checked(data, **caps)
    return " ".join(caught.value.messages)


def test_a_pdf_is_read_for_its_size_pages_and_text():
    data = pdf_bytes(LETTER)
    result = checked(data)
    assert result.size == len(data)
    assert result.page_count == 2
    # One page after the other, a form feed between them.
    assert result.text.split("\f") == [
        "Dear Secretary Pompeo,\nWe write about the trafficking report.",
        "Sincerely,",
    ]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"javascript": "app.alert('hi')"}, "JavaScript (a document-level script, in its /Names"),
        ({"open_action": "javascript"}, "JavaScript in its /OpenAction"),
        ({"open_action": "launch"}, "a /Launch action (it starts a program) in its /OpenAction"),
        ({"page_action": "javascript"}, "JavaScript in an /AA additional action"),
        ({"link_action": "javascript"}, "JavaScript."),
        ({"attachment": True}, "an embedded file"),
    ],
    ids=["names-javascript", "openaction-javascript", "launch", "page-aa", "link", "embedded-file"],
)
def test_a_pdf_that_runs_code_or_carries_a_file_is_refused_by_name(options, words):
    message = refusal(pdf_bytes(LETTER, **options))
    assert f"The PDF contains {words}" in message
    assert "print the document to a new PDF" in message


def test_an_openaction_that_only_opens_a_page_is_fine():
    assert checked(pdf_bytes(LETTER, open_action="destination")).page_count == 2
    # What is wrong with the page it opens is named as the page's, not the /OpenAction's.
    opens_a_page_with_a_link = pdf_bytes(LETTER, open_action="destination", link_action="launch")
    assert refusal(opens_a_page_with_a_link).startswith(
        "The PDF contains a /Launch action (it starts a program). "
    )


def test_an_encrypted_pdf_is_refused():
    assert "The PDF is encrypted" in refusal(pdf_bytes(LETTER, password="secret"))
    # Restrictions without an opening password are encryption too.
    assert "The PDF is encrypted" in refusal(pdf_bytes(LETTER, password=""))


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name():
    word_file = b"PK\x03\x04" + b"\x00" * 200  # a .docx renamed letter.pdf
    assert "The file is not a PDF" in refusal(word_file)
    assert "The file is not a PDF" in refusal(b"<html><script>alert(1)</script></html>")


def test_a_damaged_pdf_is_refused():
    whole = pdf_bytes(LETTER)
    assert "cannot be read as one" in refusal(whole[: len(whole) // 3])
    assert "cannot be read as one" in refusal(b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_the_size_cap_is_checked_before_anything_is_read(settings):
    data = pdf_bytes(LETTER)
    settings.DOCUMENT_MAX_BYTES = len(data) - 1
    assert "the limit is 0.0 MB" in refusal(data)
    settings.DOCUMENT_MAX_BYTES = len(data)
    assert checked(data).size == len(data)


def test_the_page_cap(settings):
    settings.DOCUMENT_MAX_PAGES = 3
    assert "The PDF has 4 pages; the limit is 3." in refusal(pdf_bytes(["Page."] * 4))
    assert checked(pdf_bytes(["Page."] * 3)).page_count == 3


def test_the_text_kept_is_capped(monkeypatch):
    monkeypatch.setattr(validation, "TEXT_MAX_CHARS", 40)
    text = checked(pdf_bytes(["A" * 30, "B" * 30, "C" * 30])).text
    assert len(text) <= 40
    assert text.startswith("A" * 30 + "\f" + "B")
    assert "C" not in text


@pytest.mark.django_db
def test_a_refused_document_stores_nothing(settings):
    release = ReleaseFactory()
    with pytest.raises(ValidationError) as caught:
        Document.objects.create(
            release=release, title="Letter", file=pdf_upload(javascript="app.alert(1)")
        )
    assert "JavaScript" in caught.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert list(settings.MEDIA_ROOT.rglob("*.pdf")) == []


@pytest.mark.django_db
def test_an_accepted_document_is_stored_under_a_name_no_one_can_guess(settings):
    document = Document.objects.create(
        release=ReleaseFactory(), title="Letter", file=pdf_upload("Letter to Pompeo.PDF")
    )
    assert document.page_count == 1 and document.size > 0
    assert document.text == "A page of text."
    name = document.file.name
    assert name.startswith("documents/") and name.endswith(".pdf")
    stem = name.rsplit("/", 1)[1].removesuffix(".pdf")
    assert stem.startswith("letter-to-pompeo-") and len(stem) == len("letter-to-pompeo-") + 12
    assert (settings.MEDIA_ROOT / name).read_bytes().startswith(b"%PDF-")
