"""Notifications as the list at /notifications/ prints them."""

from forum.threads.presenters import placeholder_for

from .models import Notification


def with_excerpts(notifications: list) -> list:
    """Each notification with `excerpt`: its reply's text, or the placeholder everyone sees
    instead when the reply is held or removed (the list shows no more than the thread does)."""
    for note in notifications:
        if note.kind == Notification.Kind.REPLY:
            note.headline = f"{note.reply.author.public_name} replied to you on \u201c{note.reply.article.title}\u201d"
            note.excerpt = placeholder_for(note.reply) or note.reply.body
        else:  # a moderation notice: its own text, written when the decision was made
            note.headline = note.get_kind_display()
            note.excerpt = note.text
    return notifications
