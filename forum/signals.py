"""Announcements for whoever listens (notifications, logs). Sent after the write commits; they
never veto anything: rules belong in forum.moderation."""

from django.dispatch import Signal

# Sent with reply=<Reply> once a new reply is committed, whatever its status.
reply_posted = Signal()
# Sent with reply=<Reply>, action=<str> once a moderation decision on it is committed.
reply_moderated = Signal()
