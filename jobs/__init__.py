"""The task queue: what can wait (emails, notification fan-out) runs in a worker, not in the request.

Shared by forum/ and accounts/ (which imports nothing of forum/), so it lives beside them.

Written against django-tasks, the backport of Django 6's `django.tasks`. Production runs its
database backend (django_tasks_db): a task is a row inserted in the transaction of the write that
made it, so it commits with that write or not at all, and a crash after the commit loses nothing.
`manage.py worker` runs the rows. `make run` and the tests use the immediate backend, which runs
a task in the request; `enqueue` holds such a task until the commit, so it never announces a
write that was rolled back.

The database backend neither retries nor notices a worker that died mid-task. This module adds
both: a task made with `durable_task` retries transient errors with backoff and keeps the last
failure as a failed row (staff see it in the admin); `recover_interrupted` gives a dead
worker's rows back to the queue.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend

logger = logging.getLogger("forum.tasks")

# Defaults of the TASK_* settings (config/settings/base.py reads them from the environment).
DEFAULTS = {
    "TASK_ATTEMPTS": 8,  # 5 s, 10 s, ... 320 s apart: about ten minutes of retrying in all
    "TASK_RETRY_BASE_SECONDS": 5,
    "TASK_RETRY_MAX_SECONDS": 600,
    # Longer than any task runs: a 100,000-post Disqus import took 381 s (bench/README.md).
    "TASK_LEASE_SECONDS": 3600,
}


def setting(name: str) -> int:
    return getattr(settings, name, DEFAULTS[name])

# Worth another attempt: the mail server or the database was away for a moment. (A constraint
# violation or a bug is not: it fails at once.)
TRANSIENT = (OSError, smtplib.SMTPException, OperationalError, InterfaceError)


def enqueue(a_task, *args, **kwargs) -> None:
    """Queue a task as part of the caller's transaction."""
    if isinstance(a_task.get_backend(), DatabaseBackend):
        # The row joins the caller's transaction: the worker sees it only once that commits.
        a_task.enqueue(*args, **kwargs)
    else:
        # An immediate backend would run it now, inside a transaction that may still roll back.
        transaction.on_commit(lambda: a_task.enqueue(*args, **kwargs), robust=True)


def backoff_seconds(attempt: int) -> int:
    """Seconds before attempt `attempt + 1`: doubling from the base, capped."""
    return min(setting("TASK_RETRY_BASE_SECONDS") * 2 ** (attempt - 1), setting("TASK_RETRY_MAX_SECONDS"))


def durable_task(function=None, *, priority: int = 0):
    """A task that retries TRANSIENT errors: the next attempt is a new row, run after the
    backoff, and this one ends as successful with a note saying so. The last attempt's error is
    raised, so its row stays FAILED with the traceback, for staff to see and retry.
    The function must be safe to run twice: a worker can die after its work and before its row
    says so."""

    def wrap(function):
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except TRANSIENT as error:
                if attempt >= setting("TASK_ATTEMPTS"):
                    logger.error("task %s failed for good after %d attempts: %r", run.__name__, attempt, error)
                    raise
                delay = backoff_seconds(attempt)
                again = the_task
                if again.get_backend().supports_defer:
                    again = again.using(run_after=timezone.now() + timedelta(seconds=delay))
                logger.warning("task %s attempt %d failed (%r); again in %d s", run.__name__, attempt, error, delay)
                again.enqueue(*args, attempt=attempt + 1, **kwargs)
                return {"retried": attempt + 1, "after_seconds": delay, "error": repr(error)}

        the_task = task(priority=priority)(run)
        return the_task

    return wrap(function) if function is not None else wrap


def recover_interrupted(worker_id: str) -> int:
    """Give back to the queue the rows a dead worker left RUNNING, so each runs again, once.

    Two kinds: the rows this worker id held when it died (a worker restarted under its old id,
    as `make serve` and docs/deploy.md name them), and rows running longer than
    TASK_LEASE_SECONDS under any id (a worker that never came back), which must be longer than
    any task runs: emails time out after EMAIL_TIMEOUT, and an import of 100,000 posts took
    about 6 minutes. The check is made when a worker starts."""
    from django_tasks_db.models import DBTaskResult

    stale = timezone.now() - timedelta(seconds=setting("TASK_LEASE_SECONDS"))
    taken_back = 0
    with transaction.atomic():
        for row in DBTaskResult.objects.select_for_update().filter(status="RUNNING"):
            held_by_me = bool(row.worker_ids) and row.worker_ids[-1] == worker_id
            if held_by_me or (row.started_at and row.started_at < stale):
                row.status = "READY"
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                taken_back += 1
    if taken_back:
        logger.warning("worker %s took back %d interrupted task(s)", worker_id, taken_back)
    return taken_back


def run_failed_again(rows) -> int:
    """Put failed task rows back in the queue (staff, from the admin, once the cause is fixed).
    Each gets one more attempt; its error stays in the log lines, not on the row."""
    return rows.filter(status="FAILED").update(
        status="READY", started_at=None, finished_at=None, exception_class_path="", traceback=""
    )
