"""Tasks the queue's tests enqueue: the worker imports a task by its module path, so they live
in a module, not in a test."""

from django.db import OperationalError

from jobs import durable_task


@durable_task
def times_out() -> None:
    # What PostgreSQL says when statement_timeout cancels a query: an OperationalError, with the
    # database answering the whole time.
    raise OperationalError("canceling statement due to statement timeout")
