"""A release's documents where the public sees them: its page and its API record."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import paragraphs_of
from tests.support.factories import ReleaseFactory
from tests.support.fetch_modes import lazy_loads_raise
from tests.support.pdfs import document_attach

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(klobuchar):
    release = ReleaseFactory(title="Senators press State on trafficking", senators=[klobuchar])
    document_attach(
        release, title="Letter to Secretary Pompeo", name="pompeo.pdf",
        pages=["Dear Secretary Pompeo,\nWe write about <script>alert(1)</script>.", "",
               "Sincerely,\nAmy Klobuchar"],
    )  # fmt: skip
    return release


def page(client, release):
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_release_page_lists_its_documents_with_pages_size_and_a_download_link(client, release):
    document = release.documents.get()
    html = page(client, release)
    assert '<h2 id="documents-heading">Documents</h2>' in html
    assert "Letter to Secretary Pompeo</h3>" in html
    assert "PDF, 3 pages, 1 KB" in html
    assert f'<a href="{document.file.url}" type="application/pdf" download>' in html
    assert document.file.url.startswith("/media/documents/")


def test_the_text_is_there_to_read_page_by_page_and_escaped(client, release):
    html = page(client, release)
    details = html[html.index('<details class="document__text">') :]
    details = details[: details.index("</details>")]
    assert "Read the text" in details
    assert "Page 1</h4>" in details and "Page 3</h4>" in details
    assert "Page 2</h4>" not in details  # a page with no text is left out
    assert (
        "<p>Dear Secretary Pompeo,</p><p>We write about &lt;script&gt;alert(1)&lt;/script&gt;.</p>"
        in details
    )
    assert "<script>" not in details


def test_a_release_without_documents_has_no_documents_section(client, klobuchar):
    assert 'id="documents-heading"' not in page(client, ReleaseFactory(senators=[klobuchar]))


def queries_on(client, url):
    cache.clear()  # counts kept from the request before would hide queries
    with lazy_loads_raise(), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_release_page_runs_the_same_queries_whatever_its_documents(client, release):
    url = release.get_absolute_url()
    one = queries_on(client, url)
    for n in range(4):
        document_attach(release, title=f"Attachment {n}", pages=[f"Page {n}."])
    assert queries_on(client, url) == one
    assert "Attachment 3" in page(client, release)


def test_the_api_record_lists_the_documents(client, release):
    document = release.documents.get()
    record = client.get(f"/api/v1/releases/{release.pk}/").json()
    assert record["documents"] == [{
        "title": "Letter to Secretary Pompeo",
        "url": f"http://testserver{document.file.url}",
        "size": document.size,
        "pages": 3,
    }]  # fmt: skip
    listed = client.get("/api/v1/releases/").json()["results"]
    assert listed[0]["documents"] == record["documents"]


def test_the_text_is_read_as_paragraphs_not_as_the_lines_it_was_set_in():
    page = (
        "Dear Secretary Pompeo,\n"
        "We write to urge the Department of State to strengthen its annual report on\n"
        "trafficking, and to give the Office to Monitor and Combat Trafficking its staff.\n"
        "\n"
        "Section 1. Short title.\n"
        "Section 2. Safe harbor for minors who were trafficked across state lines.\n"
        "Sincerely,\n"
        "Amy Klobuchar"
    )
    assert paragraphs_of(page) == [
        "Dear Secretary Pompeo,",
        "We write to urge the Department of State to strengthen its annual report on "
        "trafficking, and to give the Office to Monitor and Combat Trafficking its staff.",
        "Section 1. Short title.",
        "Section 2. Safe harbor for minors who were trafficked across state lines.",
        "Sincerely,",
        "Amy Klobuchar",
    ]
