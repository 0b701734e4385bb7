"""A release is found by the words of its PDFs: real search, on SQLite and PostgreSQL.

Saving or deleting a document reindexes its release once the change commits (`committed`
runs what waits for the commit when the block ends, as the commit would).
"""

import random
import string

import pytest

from documents.models import Document
from releases.models import Release
from search import indexing
from search.indexing import reindex_once
from tests.support.factories import ReleaseFactory
from tests.support.html_helpers import listed_titles
from tests.support.pdfs import document_attach

pytestmark = pytest.mark.django_db

TITLE = "Senators press the State Department on trafficking"
WORD = "zanzibarite"  # only in the letter


@pytest.fixture
def release():
    ReleaseFactory(title="Senator honors veterans", body="Medals for service.")
    return ReleaseFactory(title=TITLE, body="The senators wrote to the Secretary.")


def found(client, word=WORD):
    return listed_titles(client.get("/releases/", {"q": word}))


def test_a_word_only_in_a_pdf_finds_its_release(client, release, committed):
    assert found(client) == []
    with committed():
        document_attach(release, pages=["Dear Secretary,", f"We ask about {WORD} exports."])
        assert found(client) == []  # the index is written once the change commits
    assert found(client) == [TITLE]
    assert found(client, "zanzibarites") == [TITLE]  # stemmed like the rest of the entry


def test_a_deleted_document_no_longer_finds_its_release(client, release, committed):
    with committed():
        document = document_attach(release, pages=[f"On {WORD}."])
    assert found(client) == [TITLE]
    with committed():
        document.delete()
    assert found(client) == []


def test_an_unpublished_releases_pdf_finds_nothing(client, release, committed):
    with committed():
        document_attach(release, pages=[f"On {WORD}."])
        Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    assert found(client) == []  # the publication rule still decides what search returns


def test_documents_saved_together_reindex_their_release_once(release, committed, monkeypatch):
    written = []
    real = indexing._add_bulk

    def recording(model, objects):
        written.append((model, [o.pk for o in objects]))
        return real(model, objects)

    monkeypatch.setattr(indexing, "_add_bulk", recording)
    with reindex_once(), committed():
        for n in range(3):
            document_attach(release, title=f"Document {n}", pages=[f"Page {n}."])
    assert written == [(Release, [release.pk])]


def test_a_document_of_a_hundred_thousand_different_words_is_still_indexed(
    client, release, committed
):
    """PostgreSQL holds at most 1 MB of words in an entry: a badly read PDF can be pages of
    words that are all different. The entry keeps each word once, the first 10,000."""
    rng = random.Random(1733)
    words = ["".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(100_000)]
    document = document_attach(release)
    with committed():
        Document.objects.filter(pk=document.pk).update(text=" ".join(words))
        Document.objects.get(pk=document.pk).save()
    assert found(client, words[5_000]) == [TITLE]
    assert found(client, words[50_000]) == []  # past the first 10,000


def test_the_entry_holds_each_word_once_and_no_run_of_letters_past_30():
    document = Document(text="Trafficking report, trafficking REPORT.\f" + "x" * 31 + " hotline")
    assert document.search_text == "trafficking report hotline"
