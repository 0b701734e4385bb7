"""/archive/ in Chromium: axe-core finds nothing serious, with a checksum opened."""

import pytest

from bulkdata.models import ArchiveChange
from bulkdata.services import archive_build, public_months
from tests.bulkdata.helpers import small_newsroom
from tests.support.axe import axe_failures, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_archive_page_is_accessible(live_server, browser_page, klobuchar, heitkamp):
    small_newsroom(klobuchar, heitkamp)
    archive_build(months=public_months())
    ArchiveChange.objects.create(kind="withdrawn", release_id=9, title="Pulled",
                                 url=f"{live_server.url}/x/", month="2014-05")  # fmt: skip

    assert check(browser_page, f"{live_server.url}/archive/", "bulk data page") == []
    browser_page.get_by_text("SHA-256").first.click()
    assert axe_failures(browser_page, "with a checksum open") == []
