"""Announcements of committed writes. They never veto anything: rules belong in forum.policy and
forum.moderation.hooks. forum.notifications listens to both.

The services call `announce_*` inside their transaction. That queues a task (jobs/) in the same
transaction, and the task sends the signal once the write has committed: in the worker in
production, so a crash after the commit loses no announcement; at the commit itself under the
immediate backend (`make run`, tests). A failing receiver fails the task, never the write;
since a task may run twice (a retry, a worker killed mid-task), receivers must be idempotent.
"""

from django.dispatch import Signal

from jobs import durable_task, enqueue

# Sent with reply=<Reply> once a new reply is committed, whatever its status.
reply_posted = Signal()
# Sent with reply=<Reply or None>, entry=<ModerationLog>, action=<str> once a moderation action
# is committed.
reply_moderated = Signal()


def announce_posted(reply) -> None:
    enqueue(deliver, "reply_posted", reply.pk)


def announce_moderated(reply, entry, action: str) -> None:
    enqueue(deliver, "reply_moderated", reply.pk if reply is not None else None, entry.pk, action)


@durable_task
def deliver(name: str, reply_id: int | None, entry_id: int | None = None, action: str | None = None) -> str:
    from forum.moderation.models import ModerationLog
    from forum.threads.models import Reply

    reply = None
    if reply_id is not None:
        reply = Reply.objects.select_related("author", "article", "parent__author").get(pk=reply_id)
    if name == "reply_posted":
        reply_posted.send(sender=Reply, reply=reply)
    else:
        entry = ModerationLog.objects.get(pk=entry_id)
        reply_moderated.send(sender=ModerationLog, reply=reply, entry=entry, action=action)
    return name
