"""Documents in the admin: an inline on the release form, checked when the form is saved."""

import re

import pytest

from documents.models import Document
from releases.models import Release
from tests.support.admin_forms import (
    change_url,
    documents_formset,
    opened_version,
    quotes_formset,
    release_form,
    senators_formset,
)
from tests.support.factories import ReleaseFactory, UserFactory
from tests.support.pdfs import document_attach, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="editor", is_superuser=True))
    return client


@pytest.fixture
def release(klobuchar):
    return ReleaseFactory(title="Senators press State on trafficking", senators=[klobuchar])


def change_data(release, documents):
    issuer = release.releasesenator_set.get()
    return {
        **release_form(title=release.title, slug=release.slug,
                       opened_version=opened_version(release)),
        **senators_formset([{"id": issuer.pk, "release": release.pk,
                             "senator": issuer.senator_id, "role": "lead", "order": "0"}],
                           initial=1),
        **quotes_formset([]),
        **documents,
    }  # fmt: skip


def test_a_pdf_uploaded_on_the_release_form_is_kept_with_its_pages_size_and_text(
    staff_client, release, settings
):
    upload = pdf_upload(pages=["Dear Secretary Pompeo,", "Page two.", "Page three."])
    data = change_data(
        release, documents_formset([{"title": "Letter to Secretary Pompeo", "file": upload,
                                     "order": "0"}]),
    )  # fmt: skip
    response = staff_client.post(change_url(release), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""

    document = release.documents.get()
    assert document.title == "Letter to Secretary Pompeo"
    assert document.page_count == 3
    assert document.size == upload.size
    assert document.text.split("\f") == ["Dear Secretary Pompeo,", "Page two.", "Page three."]
    assert (settings.MEDIA_ROOT / document.file.name).is_file()


def test_a_refused_pdf_says_why_on_the_form_and_nothing_is_saved(staff_client, release, settings):
    data = change_data(
        release, documents_formset([{"title": "Letter", "order": "0",
                                     "file": pdf_upload(open_action="javascript")}]),
    )  # fmt: skip
    data["title"] = "A title that must not be saved"
    response = staff_client.post(change_url(release), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The PDF contains JavaScript in its /OpenAction." in html
    assert not Document.objects.exists()
    assert list(settings.MEDIA_ROOT.rglob("*.pdf")) == []
    assert Release.objects.get(pk=release.pk).title == "Senators press State on trafficking"


def test_a_file_renamed_pdf_is_refused_on_the_form(staff_client, release):
    renamed = pdf_upload("letter.pdf", content=b"\xd0\xcf\x11\xe0 an old Word file")
    data = change_data(
        release, documents_formset([{"title": "Letter", "order": "0", "file": renamed}])
    )
    response = staff_client.post(change_url(release), data)
    assert response.status_code == 200
    assert "The file is not a PDF" in response.content.decode()
    assert not Document.objects.exists()


def test_the_inline_shows_pages_and_size_read_only(staff_client, release):
    document_attach(release, title="Bill summary", pages=["One.", "Two."])
    html = staff_client.get(change_url(release)).content.decode()
    assert 'name="documents-TOTAL_FORMS" value="1"' in html
    assert 'value="Bill summary"' in html
    assert "Documents (PDF: a letter, a bill summary)" in html
    # Pages and size are shown, not fields to fill in.
    assert 'name="documents-0-page_count"' not in html
    assert 'name="documents-0-size"' not in html
    assert re.search(r'<td class="field-pages">\s*<p>2</p>', html)
    assert re.search(r'<td class="field-size_shown">\s*<p>1\xa0KB</p>', html)  # on one line


def test_a_document_is_removed_from_the_release_form_and_its_file_goes_after_the_commit(
    staff_client, release, settings, committed
):
    document = document_attach(release)
    stored = settings.MEDIA_ROOT / document.file.name
    data = change_data(
        release,
        documents_formset([{"id": document.pk, "release": release.pk, "title": document.title,
                            "order": "0", "DELETE": "on"}], initial=1),
    )  # fmt: skip
    with committed():
        assert staff_client.post(change_url(release), data).status_code == 302
        assert stored.exists()  # until the change commits
    assert not Document.objects.exists()
    assert not stored.exists()


def test_the_release_form_posted_without_the_documents_inline_keeps_them(staff_client, release):
    document_attach(release)
    data = change_data(release, {})  # a script or an older page: no documents-* fields
    assert staff_client.post(change_url(release), data).status_code == 302
    assert release.documents.count() == 1


def test_a_replaced_file_is_read_again_and_the_old_one_goes_after_the_commit(
    release, settings, committed
):
    document = document_attach(release, pages=["One page."])
    old = settings.MEDIA_ROOT / document.file.name
    with committed():
        document.file = pdf_upload("signed.pdf", pages=["Signed.", "Page two."])
        document.save()
        assert old.exists()  # until the change commits
    assert not old.exists()
    document.refresh_from_db()
    assert document.page_count == 2 and document.text == "Signed.\fPage two."
    assert (settings.MEDIA_ROOT / document.file.name).is_file()
