"""PDFs made in the test, with pypdf: pages of real text, and the kinds a newsroom refuses.

pdf_bytes(["Dear Secretary Pompeo,\\n\\nWe write..."])        # one page of text
pdf_bytes(["..."], javascript="app.alert(1)")              # a script in /Names
pdf_bytes(["..."], open_action="javascript")               # or "launch"
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _name(value):
    return NameObject(value)


def _text_stream(text):
    """A page's content stream drawing `text` line by line in Helvetica."""
    escaped = [
        line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        for line in text.split("\n")
    ]
    body = " ".join(f"({line}) Tj T*" for line in escaped)
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 14 TL 72 720 Td {body} ET".encode("latin-1"))
    return stream


def pdf_bytes(
    pages=("A page of text.",),
    *,
    javascript=None,
    open_action=None,
    page_action=None,
    link_action=None,
    attachment=False,
    password=None,
):
    """A PDF whose pages draw `pages`' texts; optionally with a document-level script, an
    /OpenAction ("javascript", "launch" or "destination": a harmless jump), a page's /AA
    action or a link's action ("javascript" or "launch"), an embedded file, or encrypted
    (RC4, which needs no other library)."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject({
            _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type1"),
            _name("/BaseFont"): _name("/Helvetica"),
        })
    )  # fmt: skip
    for text in pages:
        page = writer.add_blank_page(612, 792)
        page[_name("/Resources")] = DictionaryObject(
            {_name("/Font"): DictionaryObject({_name("/F1"): font})}
        )
        page[_name("/Contents")] = writer._add_object(_text_stream(text))
    if javascript:  # a document-level script: the catalog's /Names /JavaScript name tree
        script = writer._add_object(DictionaryObject({
            _name("/S"): _name("/JavaScript"), _name("/JS"): TextStringObject(javascript),
        }))  # fmt: skip
        tree = DictionaryObject({_name("/Names"): ArrayObject([TextStringObject("s"), script])})
        writer._root_object[_name("/Names")] = DictionaryObject({_name("/JavaScript"): tree})
    actions = {
        "javascript": DictionaryObject({
            _name("/S"): _name("/JavaScript"), _name("/JS"): TextStringObject("app.alert(1)"),
        }),
        "launch": DictionaryObject({
            _name("/S"): _name("/Launch"), _name("/F"): TextStringObject("calc.exe"),
        }),
    }  # fmt: skip
    if open_action == "destination":
        first = writer.pages[0].indirect_reference
        writer._root_object[_name("/OpenAction")] = ArrayObject([first, _name("/Fit")])
    elif open_action:
        writer._root_object[_name("/OpenAction")] = writer._add_object(actions[open_action])
    if page_action:
        writer.pages[0][_name("/AA")] = DictionaryObject({_name("/O"): actions[page_action]})
    if link_action:  # a link on the first page that runs the action when clicked
        link = DictionaryObject({
            _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject([NumberObject(n) for n in (72, 700, 300, 720)]),
            _name("/A"): actions[link_action],
        })  # fmt: skip
        writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])
    if attachment:
        writer.add_attachment("payload.txt", b"not what it seems")
    if password is not None:
        writer.encrypt(password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="letter.pdf", content=None, **options):
    """An upload of `content` (bytes), else of pdf_bytes(**options)."""
    data = content if content is not None else pdf_bytes(**options)
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def document_attach(release, title="Letter to Secretary Pompeo", name="letter.pdf", **options):
    """A document on `release`, saved as any code saves one: checked and read on save."""
    from documents.models import Document

    return Document.objects.create(release=release, title=title, file=pdf_upload(name, **options))
