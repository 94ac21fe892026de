"""Announcements, sent once the write that caused them has committed. They never veto anything:
rules belong in forum.policy and forum.moderation.hooks. forum.notifications listens to both."""

from django.dispatch import Signal

# Sent with reply=<Reply> once a new reply is committed, whatever its status.
reply_posted = Signal()
# Sent with reply=<Reply or None>, entry=<ModerationLog>, action=<str> once a moderation action
# is committed.
reply_moderated = Signal()
