"""The notifications, as receivers of the signals the services queue with their writes and a task
sends once they commit (forum.signals).

Connected in ForumConfig.ready(). They only announce: by the time they run, the write is done.
"""

from django.dispatch import receiver

from forum.moderation.models import ModerationLog
from forum.signals import reply_moderated, reply_posted

from . import follows
from .decisions import notify_decision
from .services import notify_parent_author


@receiver(reply_posted, dispatch_uid="notify-parent-author-on-post")
def reply_was_posted(sender, reply, **kwargs):
    follows.follow_on_reply(reply)
    _announce(reply)  # a held reply notifies nobody yet


def _announce(reply):
    # The most personal reason first: an answer to you, then a mention, then a followed discussion.
    notify_parent_author(reply)
    follows.notify_mentioned(reply)
    follows.notify_followers(reply)


@receiver(reply_moderated, dispatch_uid="notify-parent-author-on-approval")
def reply_was_moderated(sender, reply, entry, action, **kwargs):
    if action == ModerationLog.Action.APPROVE:
        _announce(reply)
    notify_decision(reply=reply, entry=entry)
