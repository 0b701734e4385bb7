"""A mail task exists if, and only if, the transaction that made its work commits."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.tasks import task
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mailing.queueing import enqueue_with_commit

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/13"  # this test's own Redis database, emptied around it
RQ = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    "RQ_QUEUES": {"default": {"URL": REDIS_URL}},
}


@task
def noted(number):
    return number


class RolledBack(Exception):
    pass


def test_on_the_database_queue_the_task_is_written_in_the_transaction_itself():
    with transaction.atomic():
        enqueue_with_commit(noted, 1)
        assert DBTaskResult.objects.filter(args_kwargs__args=[1]).exists()  # no gap at commit

    with pytest.raises(RolledBack), transaction.atomic():
        enqueue_with_commit(noted, 2)
        raise RolledBack

    assert DBTaskResult.objects.filter(args_kwargs__args=[1]).count() == 1
    assert not DBTaskResult.objects.filter(args_kwargs__args=[2]).exists()


def test_a_later_run_is_queued_for_its_time():
    at = timezone.now() + timedelta(minutes=5)
    enqueue_with_commit(noted, 3, run_after=at)

    assert DBTaskResult.objects.get(args_kwargs__args=[3]).run_after == at


@pytest.fixture
def redis():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    connection.flushdb()
    yield connection
    connection.flushdb()


@override_settings(**RQ)
def test_on_redis_the_task_is_queued_only_once_the_transaction_commits(
    redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_with_commit(noted, 4)
        assert redis.llen("rq:queue:default") == 0  # not before the commit
    assert len(callbacks) == 1
    assert redis.llen("rq:queue:default") == 1

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RolledBack),
        transaction.atomic(),
    ):
        enqueue_with_commit(noted, 5)
        raise RolledBack
    assert callbacks == []
    assert redis.llen("rq:queue:default") == 1
