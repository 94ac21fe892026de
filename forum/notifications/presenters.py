"""Notifications as the list at /notifications/ prints them."""

from django.utils.translation import gettext_lazy

from forum.threads.presenters import placeholder_for

from .models import Notification

# The notices about a reply someone wrote: who did what, where. The reply's text follows.
_HEADLINES = {
    Notification.Kind.REPLY: gettext_lazy("%(name)s replied to you on “%(title)s”"),
    Notification.Kind.MENTION: gettext_lazy("%(name)s mentioned you on “%(title)s”"),
    Notification.Kind.FOLLOW: gettext_lazy("%(name)s replied in “%(title)s”, which you follow"),
}


def with_excerpts(notifications: list) -> list:
    """Each notification with `excerpt`: its reply's text, or the placeholder everyone sees
    instead when the reply is held or removed (the list shows no more than the thread does)."""
    for note in notifications:
        about_reply = _HEADLINES.get(note.kind)
        if about_reply:
            reply = note.reply
            note.headline = about_reply % {"name": reply.author.public_name, "title": reply.article.title}
            note.excerpt = placeholder_for(reply) or reply.body
        else:  # a moderation notice: its own text, written when the decision was made
            note.headline = note.get_kind_display()
            note.excerpt = note.text
    return notifications
