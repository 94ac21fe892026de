"""Notifications as the list at /notifications/ prints them."""

from forum.threads.presenters import placeholder_for


def with_excerpts(notifications: list) -> list:
    """Each notification with `excerpt`: its reply's text, or the placeholder everyone sees
    instead when the reply is held or removed (the list shows no more than the thread does)."""
    for note in notifications:
        note.excerpt = placeholder_for(note.reply) or note.reply.body
    return notifications
