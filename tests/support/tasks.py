"""Running the background tasks in the tests: in this process, or in a worker of its own.

`run_tasks()` runs every task that is due now, the way `manage.py db_worker` runs them
(its own code runs each), inside the test's transaction, so a test sees what they did.
`worker_process()` starts the real worker, `manage.py db_worker`, in a process of its own:
it sees only what is committed (tests using it run with `transaction=True`).
"""

import subprocess
import sys
import time

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.support.servers import ROOT


def run_tasks(limit=1000):
    """Run the due tasks (and those they enqueue, when due) until none is left; how many."""
    worker = Worker(
        queue_names=["*"], excluded_queue_names=[], interval=0, batch=True,
        backend_name="default", startup_delay=False, max_tasks=None, worker_id="tests",
    )  # fmt: skip
    ran = 0
    while ran < limit:
        task = DBTaskResult.objects.ready().filter(backend_name="default").first()  # in order
        if task is None:
            return ran
        task.claim("tests")
        worker.run_task(task)
        ran += 1
    raise AssertionError(f"{limit} tasks and still more: a task enqueueing itself forever?")


def wait_for(condition, seconds, what):
    """Wait until `condition()` holds (what a worker process does takes its time); fail the
    test, saying `what`, if it does not within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {seconds} s")


class WorkerProcess:
    """`manage.py db_worker` with the given environment, until stop()."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
