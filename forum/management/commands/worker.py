"""`manage.py worker`: django_tasks_db's db_worker, made to outlive its faults.

- db_worker marks a task RUNNING when it claims it and never looks at it again, so a worker
  killed mid-task would leave that task undone for good. Started under a stable id
  (`--worker-id web-1-worker`, as `make serve` and docs/deploy.md do), a worker first returns
  the tasks that id held to the queue; tasks older than TASK_LEASE_SECONDS are returned whatever
  their id (jobs.recover_interrupted).
- db_worker exits on the first database error, and before that it marks the task it was
  running FAILED for good, though the task did nothing wrong: a PostgreSQL restart would lose
  that task and stop the queue until someone restarted the worker. This one leaves the task
  RUNNING, waits for the database, takes the task back and runs it again.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs import recover_interrupted

logger = logging.getLogger("forum.tasks")

RECONNECT_SECONDS = 2
DATABASE_AWAY = (OperationalError, InterfaceError)


class Worker(db_worker.Worker):
    def run_task(self, db_task_result) -> None:
        """db_worker's run_task, except that losing the database is not the task's failure."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except DATABASE_AWAY as error:
            if not _database_reachable():
                raise  # the row stays RUNNING under this worker's id; handle() takes it back
            # The database answers: the error was the task's own (a timeout, say), and it fails
            # as any other error does, or it would be taken back and run again for ever.
            db_task_result.set_failed(error)
            task_finished.send(sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result)
        except BaseException as error:
            db_task_result.set_failed(error)
            task_finished.send(sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1


def _database_reachable() -> bool:
    connection = connections["default"]
    connection.close()  # a broken connection would answer for the database
    try:
        connection.ensure_connection()
    except DATABASE_AWAY:
        return False
    return True


# db_worker's handle() builds its Worker by this module-level name.
db_worker.Worker = Worker


class Command(DBWorkerCommand):
    help = "Run the task queue's worker (tasks stored in the database); survives database restarts."

    def handle(self, *args, **options):
        while True:
            try:
                recover_interrupted(options["worker_id"])
                return super().handle(*args, **options)
            except DATABASE_AWAY as error:
                logger.warning("worker: database unreachable (%s); again in %d s", str(error).splitlines()[0], RECONNECT_SECONDS)
                connections.close_all()
                time.sleep(RECONNECT_SECONDS)
