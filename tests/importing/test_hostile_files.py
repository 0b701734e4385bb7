"""Security review, item 15: files the importer must refuse, one at a time, storing nothing.

NUL bytes and other control characters, binary data named .html or .txt, files and releases
over the caps, and any failure while importing one file: that file is "failed" with a clear
reason, nothing of it is stored, the files after it are imported. An import writes each
search entry once, however many quotes the release has.
"""

import logging
import random
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.models import IndexEntry

from importing.parsing import MAX_BYTES, MAX_CHARS, MAX_QUOTES, ParseError, release_parse
from releases.models import Quote, Release, ReleaseSenator

pytestmark = pytest.mark.django_db

GOOD = "Senator Speaks on Farm Policy\n\nWASHINGTON – Senator Klobuchar spoke today.\n\n###\n"


def good(title):
    return GOOD.replace("Senator Speaks on Farm Policy", title)


def run_failing(*args):
    """Run import_releases, expecting failed files: (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_releases", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def quoted(n):
    """A release quoting Klobuchar n times, one paragraph a quote."""
    quotes = "".join(
        f"“Point number {i} matters to Minnesota,” Klobuchar said.\n\n" for i in range(n)
    )
    return (
        f"Klobuchar Speaks on Many Things\n\nWASHINGTON – Senator Klobuchar spoke.\n\n{quotes}###\n"
    )


def stored_nothing_but(titles):
    assert set(Release.objects.values_list("title", flat=True)) == set(titles)
    assert not Quote.objects.exclude(release__title__in=titles).exists()
    assert not Release.history.exclude(title__in=titles).exists()


# Binary data


def test_a_nul_byte_anywhere_fails_its_file_and_the_batch_goes_on(tmp_path):
    (tmp_path / "a.txt").write_text(good("First Release of the Batch"))
    # Past the first 8 KB, where a look at the head of the file alone would miss it.
    late_nul = good("Release With a Late Nul").replace("spoke today.", "spoke " * 2000 + "\x00.")
    (tmp_path / "b.txt").write_text(late_nul)
    (tmp_path / "c.html").write_bytes(b"<h1>A Page With a Nul</h1><p>WASHINGTON - Hi\x00.</p>")
    (tmp_path / "d.txt").write_text(good("Last Release of the Batch"))

    out, err = run_failing(tmp_path)

    assert f"{tmp_path / 'b.txt'}: not text: it contains binary data (NUL bytes)" in err
    assert f"{tmp_path / 'c.html'}: not text: it contains binary data (NUL bytes)" in err
    assert "4 file(s): 2 created, 0 updated, 0 unchanged, 0 skipped, 2 failed." in out
    stored_nothing_but({"First Release of the Batch", "Last Release of the Batch"})


@pytest.mark.parametrize(
    "name, data",
    [
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))),
        # Random bytes without a NUL: the control characters give them away.
        ("noise.html", random.Random(15).randbytes(4096).replace(b"\x00", b"")),
        ("noise.txt", random.Random(15).randbytes(4096).replace(b"\x00", b"")),
        # Bytes no encoding tried reads (0x81 is undefined in Windows-1252).
        ("high.html", b"<p>" + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50 + b"</p>"),
    ],
    ids=["png-as-html", "noise-as-html", "noise-as-txt", "undecodable-html"],
)
def test_binary_data_fails_even_with_a_title(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "ok.txt").write_text(good("The Good File Beside It"))

    out, err = run_failing(tmp_path, "--title", "A Title Given for Untitled Files")

    assert f"{tmp_path / name}: not text" in err
    assert "1 created" in out and "1 failed" in out
    stored_nothing_but({"The Good File Beside It"})


def test_control_characters_fail_the_file_with_where_they_are(tmp_path):
    path = tmp_path / "bell.txt"
    path.write_text(good("Release With a Bell").replace("today.", "today.\x07\x1b"))

    _, err = run_failing(path)

    assert (
        f"{path}: not text: it contains binary data (control character U+0007 on line 3; "
        "2 in all)" in err
    )
    assert not Release.objects.exists()


def test_a_character_reference_to_a_control_character_in_html_fails_too(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<h1>A Page Title Here</h1><p>WASHINGTON - Hello&#7; there.</p>")

    _, err = run_failing(path)

    assert f"{path}: not text: it contains binary data (control character U+0007" in err
    assert not Release.objects.exists()


def test_line_and_page_breaks_tabs_and_a_dos_end_mark_are_text(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(good("An Old Release From a DOS Machine").replace("today.", "to\tday.\f")
                     .replace("\n", "\r\n").encode("cp1252") + b"\x1a")  # fmt: skip

    call_command("import_releases", str(path), stdout=StringIO(), stderr=StringIO())

    assert Release.objects.get().body == "Senator Klobuchar spoke to day."


# Caps


def test_a_5_mb_file_fails_the_size_cap_at_once(tmp_path):
    path = tmp_path / "huge.txt"
    # Quote paragraphs, as the review's: 45,181 quotes and 614 s before the cap.
    quote = "“Point number 1 matters to Minnesota,” Klobuchar said.\n\n".encode()
    head = quoted(0).removesuffix("###\n").encode()
    path.write_bytes(head + quote * (5 * 1024 * 1024 // len(quote)))
    (tmp_path / "ok.txt").write_text(good("The Good File Beside It"))

    started = time.monotonic()
    out, err = run_failing(tmp_path)

    assert time.monotonic() - started < 5  # the file is not even read
    size = path.stat().st_size
    assert (
        f"{path}: too large ({size:,} bytes); a release may be at most 2 MB "
        f"({MAX_BYTES:,} bytes)" in err
    )
    stored_nothing_but({"The Good File Beside It"})


def test_a_file_just_over_the_quotes_cap_fails(tmp_path, klobuchar):
    path = tmp_path / "many.txt"
    path.write_text(quoted(MAX_QUOTES + 1))

    _, err = run_failing(path)

    assert f"{path}: {MAX_QUOTES + 1} quotes; a release may have at most {MAX_QUOTES}" in err
    assert not Release.objects.exists() and not Quote.objects.exists()


def test_a_release_at_the_quotes_cap_is_indexed_once_per_entry(tmp_path, klobuchar):
    path = tmp_path / "many.txt"
    path.write_text(quoted(MAX_QUOTES))

    with CaptureQueriesContext(connection) as queries:
        call_command("import_releases", str(path), stdout=StringIO(), stderr=StringIO())

    release = Release.objects.get()
    assert release.quotes.count() == MAX_QUOTES
    # One index pass at the end, in bulk: the release's entry, then every quote's, each
    # written once (before, the release's entry was rewritten with every quote saved, and
    # then each entry was checked and written on its own).
    inserts = [
        q for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("INSERT")
        and "modelsearch_indexentry" in q["sql"].split("(")[0]
    ]  # fmt: skip
    assert len(inserts) == 2  # the release's; the 200 quotes' in one
    assert IndexEntry.objects.count() == MAX_QUOTES + 1
    touching = [q for q in queries.captured_queries if "modelsearch_indexentry" in q["sql"]]
    assert len(touching) <= 10


def test_a_release_over_the_characters_cap_fails(tmp_path):
    path = tmp_path / "long.txt"
    paragraph = "The senator spoke at length about the farm bill and its programs. " * 20
    body = "\n\n".join([paragraph] * (MAX_CHARS // len(paragraph) + 1))
    path.write_text(
        good("A Very Long Release Indeed").replace("Senator Klobuchar spoke today.", body)
    )

    _, err = run_failing(path)

    assert f"characters; a release may have at most {MAX_CHARS:,}" in err
    assert not Release.objects.exists()


def test_the_caps_hold_for_text_as_well_as_bytes():
    with pytest.raises(ParseError, match="too large"):
        release_parse(text="x" * (MAX_BYTES + 1))
    with pytest.raises(ParseError, match="too large"):
        release_parse(text="’" * (MAX_BYTES // 3 + 1))  # three bytes each in UTF-8
    with pytest.raises(ParseError, match="NUL"):
        release_parse(text=good("A Title Of Some Words").replace("today", "to\x00day"))


# Anything else that goes wrong with one file


@pytest.fixture
def quote_refusing_trigger():
    """A database trigger that refuses a quote saying "refused by the database": a real
    database error in the middle of an import, after the release row is written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_quote() RETURNS trigger AS $$ BEGIN "
                "IF NEW.text LIKE '%refused by the database%' THEN "
                "RAISE EXCEPTION 'quote refused by a trigger'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_quote BEFORE INSERT ON releases_quote "
                "FOR EACH ROW EXECUTE FUNCTION refuse_quote()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_quote BEFORE INSERT ON releases_quote "
                "WHEN NEW.text LIKE '%refused by the database%' "
                "BEGIN SELECT RAISE(ABORT, 'quote refused by a trigger'); END"
            )
    # The test's transaction is rolled back at its end, and the trigger with it.


def test_an_unexpected_error_fails_its_file_and_the_batch_goes_on(
    tmp_path, klobuchar, quote_refusing_trigger, caplog
):
    (tmp_path / "a.txt").write_text(good("First Release of the Batch"))
    (tmp_path / "b.txt").write_text(
        "A Release the Database Refuses\n\nWASHINGTON – Senator Klobuchar spoke.\n\n"
        "“This is refused by the database,” Klobuchar said.\n\n###\n"
    )
    (tmp_path / "c.txt").write_text(good("Last Release of the Batch"))

    with caplog.at_level(logging.ERROR, logger="importing.services"):
        out, err = run_failing(tmp_path)

    assert f"{tmp_path / 'b.txt'}: unexpected error (" in err
    assert "quote refused by a trigger" in err and err.rstrip().endswith("not stored")
    assert "3 file(s): 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed." in out
    # The release row was written before the quote failed; it is gone with its history.
    stored_nothing_but({"First Release of the Batch", "Last Release of the Batch"})
    assert not ReleaseSenator.objects.filter(release__title__startswith="A Release").exists()
    assert IndexEntry.objects.count() == 2
    (record,) = caplog.records
    assert record.getMessage() == f"Importing {tmp_path / 'b.txt'} failed"
    assert record.exc_info is not None  # the traceback, in the log


# The same errors for pasted text

PASTE_URL = "/admin/releases/release/paste/"


@pytest.mark.parametrize(
    "text, error",
    [
        (good("A Pasted Title Here").replace("today", "to\x00day"),
         "not text: it contains binary data (NUL bytes)"),
        (good("A Pasted Title Here").replace("today", "to\x07day"),
         "not text: it contains binary data (control character U+0007 on line 3; 1 in all)"),
        (quoted(MAX_QUOTES + 1), f"{MAX_QUOTES + 1} quotes; a release may have at most"),
        ("x" * (MAX_BYTES + 1), "too large (2,097,153 bytes); a release may be at most 2 MB"),
    ],
    ids=["nul", "control-character", "quotes-cap", "size-cap"],
)  # fmt: skip
def test_pasted_text_gets_the_same_errors_as_a_form_error(admin_client, text, error):
    response = admin_client.post(PASTE_URL, {"text": text, "title": "A Title"})

    assert response.status_code == 200
    assert f"This can&#x27;t be read as a release: {error}" in response.content.decode()
    assert not Release.objects.exists()


def test_a_paste_over_djangos_request_limit_is_a_400_not_a_500(admin_client, settings):
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = admin_client.post(PASTE_URL, {"text": text, "title": "A Title"})

    assert response.status_code == 400
    assert not Release.objects.exists()
