"""What a save sets off (releases/signals.py): the index, kept pages, former slugs, versions.

A senator, topic, bill or organization rewrites its releases' search entries only when words
those entries hold of it change; kept pages and counts end when the change commits.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import caching
from releases.services import release_publish, release_unpublish
from releases.signals import RECEIVERS, dispatch_uid
from tests.support.factories import LegislationFactory, QuoteFactory, ReleaseFactory, SenatorFactory
from tests.support.html_helpers import listed_titles


def index_writes(captured):
    return [q["sql"] for q in captured if "modelsearch_indexentry" in q["sql"].lower()
            and not q["sql"].lstrip().upper().startswith("SELECT")]  # fmt: skip


def found(client, words):
    return listed_titles(client.get("/releases/", {"q": words}))


@pytest.mark.django_db
def test_a_senators_unindexed_field_leaves_their_releases_entries_alone(client):
    senator = SenatorFactory(first_name="Amy", last_name="Klobuchar")
    ReleaseFactory(title="Broadband for every county", senators=[senator])

    senator.website = "https://www.klobuchar.senate.gov/"
    with CaptureQueriesContext(connection) as captured:
        senator.save()

    assert index_writes(captured) == []
    assert found(client, "klobuchar") == ["Broadband for every county"]


@pytest.mark.django_db
def test_a_renamed_senator_is_found_in_their_releases_and_quotes(client):
    senator = SenatorFactory(first_name="Heidi", last_name="Heitkamp")
    release = ReleaseFactory(title="Broadband for every county", senators=[senator])
    QuoteFactory(release=release, senator=senator, text="Connect every farm.")

    senator.last_name = "Heitkamp-Smith"
    with CaptureQueriesContext(connection) as captured:
        senator.save()

    assert index_writes(captured)
    assert found(client, "Heitkamp-Smith") == ["Broadband for every county"]
    quotes = client.get("/quotes/", {"q": "Heitkamp-Smith"}).context["page_obj"]
    assert [q.text for q in quotes] == ["Connect every farm."]


@pytest.mark.django_db
def test_a_renumbered_bill_is_found_by_its_new_citation(client):
    bill = LegislationFactory(number=1733, short_title="Trafficking Act")
    ReleaseFactory(title="Senators introduce a bill", legislation=[bill])

    bill.number = 2599
    bill.save()

    assert found(client, "S. 2599") == ["Senators introduce a bill"]
    assert found(client, "S1733") == []


def _to_draft(release):
    release_unpublish(release=release, by=None)


def _under_embargo(release):
    release_publish(release=release, by=None, at=timezone.now() + timedelta(days=1))


def _deleted(release):
    release.delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pull", [_to_draft, _under_embargo, _deleted], ids=lambda f: f.__name__)
def test_kept_pages_end_when_the_change_commits_and_not_before(pull):
    release = ReleaseFactory(title="Broadband for every county")
    before = caching.generation()

    with transaction.atomic():
        pull(release)
        during = caching.generation()

    assert during == before  # a reader in the gap keeps what it makes under the old one
    assert caching.generation() != before


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_ends_nothing():
    release = ReleaseFactory(title="Broadband for every county")
    before = caching.generation()

    with pytest.raises(RuntimeError), transaction.atomic():
        release.title = "Never saved"
        release.save()
        raise RuntimeError

    assert caching.generation() == before


def test_every_receiver_of_the_table_is_connected_to_each_sender():
    for signal, senders, receiver in RECEIVERS:
        for sender in senders:
            uid = dispatch_uid(receiver, sender)
            assert signal.disconnect(receiver, sender=sender, dispatch_uid=uid), uid
            signal.connect(receiver, sender=sender, dispatch_uid=uid)
