"""What rebuilds the files: a change queues one task once its transaction commits (none
before, none for a rollback), which rebuilds only the months it touched; a scheduled
release queues one at its embargo time. Corrections and withdrawals go in the change log."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from bulkdata.models import ArchiveChange
from releases.models import Correction, Release
from releases.services import release_unpublish
from tests.bulkdata.helpers import at, lines, small_newsroom, state
from tests.support.factories import ReleaseFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(klobuchar, heitkamp, committed):
    """The small newsroom, committed, and its files built by the task it queued."""
    with committed():
        releases = small_newsroom(klobuchar, heitkamp)
    run_tasks()
    return releases


def test_the_newsroom_s_own_changes_built_its_files_and_noted_its_correction(newsroom):
    assert sorted(state()) == [
        ("2014-05", "csv"), ("2014-05", "jsonl"), ("2014-06", "csv"), ("2014-06", "jsonl"),
    ]  # fmt: skip
    assert list(ArchiveChange.objects.values_list("kind", "release_id", "at")) == [
        ("corrected", newsroom["full"].pk, at(2014, 5, 17)),
    ]


def queued():
    """The rebuilds queued and due now."""
    return DBTaskResult.objects.ready().filter(task_path="bulkdata.tasks.archive_update")


def test_the_task_is_queued_after_the_commit_once_and_rebuilds_the_month(newsroom, committed):
    with committed():
        release = newsroom["late_may"]
        release.title = "Retitled"
        release.save()
        release.topics.clear()
        release.senators.first().save()
        assert not queued().exists()  # not before the commit
    assert queued().count() == 1  # one for the whole transaction
    before = state()
    run_tasks()
    after = state()
    assert after[("2014-05", "jsonl")] != before[("2014-05", "jsonl")]
    assert after[("2014-06", "jsonl")] == before[("2014-06", "jsonl")]  # untouched
    assert lines("2014-05")[1]["title"] == "Retitled"


def test_a_rolled_back_change_queues_nothing(newsroom, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        newsroom["june"].save()
        raise RuntimeError("rolled back")
    assert not queued().exists()


def test_a_correction_is_in_the_change_log_and_rebuilds_only_its_month(newsroom, committed):
    before = state()
    with committed():
        Correction.objects.create(release=newsroom["june"], text="The date was wrong.")
    run_tasks()
    after = state()
    assert after[("2014-05", "csv")] == before[("2014-05", "csv")]
    assert after[("2014-06", "csv")] != before[("2014-06", "csv")]
    assert lines("2014-06")[0]["corrections"][0]["text"] == "The date was wrong."
    change = ArchiveChange.objects.get(release_id=newsroom["june"].pk)
    assert (change.kind, change.release_id, change.month) == ("corrected", newsroom["june"].pk,
                                                              "2014-06")  # fmt: skip
    assert change.text == "The date was wrong."
    with committed():
        Correction.objects.get(text="The date was wrong.").save()  # edited: not noted again
    run_tasks()
    assert ArchiveChange.objects.filter(release_id=newsroom["june"].pk).count() == 1


def test_a_withdrawal_is_in_the_change_log_and_leaves_the_file(newsroom, committed):
    editor = get_user_model().objects.create(username="editor")
    before = state()
    with committed():
        release_unpublish(release=Release.objects.get(pk=newsroom["late_may"].pk), by=editor)
    run_tasks()
    change = ArchiveChange.objects.get(kind="withdrawn")
    assert (change.kind, change.release_id, change.month) == (
        "withdrawn", newsroom["late_may"].pk, "2014-05",
    )  # fmt: skip
    assert change.title == "Late on the last day"
    assert [r["id"] for r in lines("2014-05")] == [newsroom["full"].pk]
    assert state()[("2014-06", "jsonl")] == before[("2014-06", "jsonl")]


def test_a_deleted_public_release_is_in_the_change_log(newsroom, committed):
    with committed():
        Release.objects.get(pk=newsroom["june"].pk).delete()
        Release.objects.get(pk=newsroom["draft"].pk).delete()  # never public: not a change
    run_tasks()
    assert list(ArchiveChange.objects.exclude(kind="corrected").values_list(
        "kind", "release_id")) == [("deleted", newsroom["june"].pk)]  # fmt: skip
    assert ("2014-06", "jsonl") not in state()


def test_a_draft_edited_changes_nothing(newsroom, committed):
    with committed():
        draft = Release.objects.get(pk=newsroom["draft"].pk)
        draft.title = "Still a draft"
        draft.save()
    assert not queued().exists()


def test_a_scheduled_release_is_built_at_its_embargo_time(klobuchar, committed):
    moment = at(2099, 5, 1)
    with committed():
        ReleaseFactory(title="Scheduled", senators=[klobuchar], published_at=moment)
    waiting = DBTaskResult.objects.filter(task_path="bulkdata.tasks.archive_update")
    assert waiting.filter(run_after=moment).count() == 1
    run_tasks()
    assert ("2099-05", "jsonl") not in state()  # only the run for now ran
    with time_machine.travel(moment + timedelta(seconds=1)):
        run_tasks()
        assert [r["title"] for r in lines("2099-05")] == ["Scheduled"]


def test_a_senator_renamed_rebuilds_the_months_naming_them(newsroom, committed, heitkamp):
    before = state()
    with committed():
        heitkamp.official_full_name = "Heidi K. Heitkamp"
        heitkamp.save()
    run_tasks()
    after = state()
    assert after[("2014-05", "jsonl")] != before[("2014-05", "jsonl")]
    assert after[("2014-06", "jsonl")] == before[("2014-06", "jsonl")]  # Klobuchar's only
