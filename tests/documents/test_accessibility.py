"""The release page's documents in Chromium: axe-core finds nothing serious, with the text
closed and opened, and the download link serves the PDF."""

import pytest

from tests.support.axe import axe_failures, check
from tests.support.factories import ReleaseFactory
from tests.support.pdfs import document_attach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_documents_section_is_accessible_closed_and_open(live_server, browser_page, klobuchar):
    release = ReleaseFactory(title="Senators press State on trafficking", senators=[klobuchar])
    document_attach(release, pages=["Dear Secretary Pompeo,\nWe write to you.", "Sincerely,"])
    document_attach(release, title="Bill summary", name="summary.pdf", pages=["S. 1733."])
    url = f"{live_server.url}{release.get_absolute_url()}"

    assert check(browser_page, url, "release page with documents") == []
    browser_page.get_by_text("Read the text").first.click()
    assert browser_page.get_by_role("heading", name="Page 2").is_visible()
    assert axe_failures(browser_page, "with a document's text open") == []

    link = browser_page.get_by_role("link", name="Download Bill summary")
    response = browser_page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")
