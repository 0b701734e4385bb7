"""Queueing mail's tasks with the data they act on: a task exists if, and only if, the
transaction that made its work commits.

With the database queue (django-tasks-db, the default) the task's row is written in the
transaction itself, so nothing can be lost between the commit and the queueing, and a
transaction rolled back leaves no task. With another queue (RQ on Redis) the task is queued
right after the commit: a process that dies in that instant leaves the rows of its work
waiting until the next task for them (docs/operations.md says so).
"""

from django.db import transaction
from django.tasks import Task
from django_tasks_db import DatabaseBackend


def enqueue_with_commit(task: Task, *args, run_after=None, **kwargs):
    """Queue `task(*args, **kwargs)`, to run at `run_after` (or at once), as part of the
    current transaction (outside one, at once)."""
    task = task.using(run_after=run_after) if run_after is not None else task
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=False)
