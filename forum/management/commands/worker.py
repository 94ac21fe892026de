"""`manage.py worker`: django_tasks_db's db_worker, plus taking back what a dead worker left.

db_worker marks a task RUNNING when it claims it and never looks at it again, so a worker killed
mid-task would leave that task undone for good. Started under a stable id (`--worker-id
web-1-worker`, as `make serve` and docs/deploy.md do), a worker first returns the tasks that id
held to the queue; tasks older than TASK_LEASE_SECONDS are returned whatever their id.
"""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs import recover_interrupted


class Command(DBWorkerCommand):
    help = "Run the task queue's worker (tasks stored in the database), after taking back interrupted tasks."

    def handle(self, *args, **options):
        recover_interrupted(options["worker_id"])
        return super().handle(*args, **options)
