"""On PostgreSQL, indexing a release weighs only the entries just written, against a kept
average title length: modelsearch averaged and scanned the whole index after every save
(seconds a save at 500,000 releases; 3 archive records a second)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.models import IndexEntry

from releases.models import Release
from search.indexing import reindex
from tests.support.factories import ReleaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]


def entry(release):
    return IndexEntry.objects.get(object_id=str(release.pk), content_type__model="release")


def test_a_save_weighs_its_own_entry_and_no_other(klobuchar):
    first = ReleaseFactory(title="Short title", senators=[klobuchar])
    for _ in range(3):  # entries already weighed, which the save must leave alone
        ReleaseFactory(senators=[klobuchar])
    before = {e.pk: e.title_norm for e in IndexEntry.objects.all()}

    late = ReleaseFactory(title="A much longer title about rural broadband and farming")
    with CaptureQueriesContext(connection) as captured:
        reindex(Release, [late.pk])

    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert updates and all('"object_id" IN' in sql for sql in updates)
    # No aggregate over the index: the average is kept.
    assert not any("AVG(" in q["sql"] for q in captured.captured_queries)
    # The entries written before keep their weights; the new one is weighed (not left 1.0).
    after = {e.pk: e.title_norm for e in IndexEntry.objects.filter(pk__in=before)}
    assert after == before
    assert entry(late).title_norm < entry(first).title_norm  # a longer title weighs less
    assert entry(late).title_norm != 1.0


def test_ranking_still_puts_a_title_match_first(klobuchar, client):
    ReleaseFactory(title="Farm bill passes", body="Text about wheat.", senators=[klobuchar])
    ReleaseFactory(title="Other news", body="The farm bill was mentioned in passing.",
                   senators=[klobuchar])  # fmt: skip

    response = client.get("/releases/?q=farm+bill")

    titles = [r.title for r in response.context["page_obj"].object_list]
    assert titles[0] == "Farm bill passes"
