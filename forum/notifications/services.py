"""Telling people: a notification in the app, and an email if they want one.

These run after the write that caused them has committed (forum.notifications.receivers listens
to the signals, which the task queue delivers: forum/signals.py), so a rolled-back reply is never
announced, and the email is a task of its own: a slow or down mail server never holds a tree
lock or fails a post, and a failed send is retried.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import ignores
from forum.errors import NotFound
from forum.i18n import language_of
from forum.threads.models import Reply
from forum.web import absolute_url
from jobs import durable_task, enqueue

from . import unsubscribe
from .models import Notification


def notification_add(
    *, recipient, reply: Reply, kind: str, email: bool, entry=None, text: str = "", created=None
) -> Notification | None:
    """The one writer of notifications: the row, and its email queued in the same transaction
    (so an owed email is never lost). Once only: the unique constraints (one notice per reply
    and reader, one per decision and reader) refuse a second, and this answers None then, so a
    receiver run twice (a retried task, an approval after a hold) tells nobody twice."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                kind=kind, recipient=recipient, reply=reply, entry=entry, text=text,
                created=created or reply.created or timezone.now(),
            )
            if email and recipient.email:
                enqueue(send_notification_email, notification.pk)
    except IntegrityError:
        return None
    return notification


def notify_parent_author(reply: Reply) -> Notification | None:
    """Tell the author of the reply's parent that someone answered them: never for an answer to
    oneself, nor from someone they ignore, and only for a published reply."""
    parent = reply.parent
    if reply.status != Reply.Status.PUBLISHED or parent is None or parent.author_id == reply.author_id:
        return None
    recipient = parent.author
    if ignores(user_id=recipient.pk, writer_id=reply.author_id):
        return None  # they chose not to hear from this writer
    return notification_add(recipient=recipient, reply=reply, kind=Notification.Kind.REPLY, email=recipient.email_on_reply)


@durable_task
def send_notification_email(notification_id: int) -> str:
    """Send a notification's email at most once per success: the row is locked while sending and
    marked sent in the same transaction. A worker killed between the mail server's acceptance and
    the commit sends it again when the task reruns (at least once, never silently lost)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "reply__author", "reply__article")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return "nothing to send"
        # In the language the recipient reads the forum in, whoever's request queued it.
        with translation.override(language_of(notification.recipient)):
            message = _compose(notification)
        if message is None:
            return "no longer wanted"
        subject, body, scope = message
        headers = {"X-Forum-Notification": str(notification.pk)}  # tells a second copy from another email
        if scope:
            headers.update(unsubscribe.headers_for(notification.recipient, scope))
            with translation.override(language_of(notification.recipient)):
                body += "\n" + _("Unsubscribe from these emails in one click: %(link)s") % {
                    "link": unsubscribe.link_for(notification.recipient, scope)
                } + "\n"
        EmailMessage(subject=subject, body=body, to=[notification.recipient.email], headers=headers).send(
            fail_silently=False  # a failed send raises, so the task retries with backoff
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"


def _compose(notification: Notification) -> tuple[str, str, str] | None:
    """(subject, body, unsubscribe scope or ""), or None when the email is no longer wanted."""
    recipient, reply = notification.recipient, notification.reply
    link = absolute_url(reply.get_landing_url())
    kind, title = notification.kind, reply.article.title
    if kind in (Notification.Kind.DECISION, Notification.Kind.REPORT):  # a legal notice: whatever the settings
        if kind == Notification.Kind.DECISION:
            subject = _("A moderation decision about your reply on “%(title)s”") % {"title": title}
        else:
            subject = _("The decision on your report on “%(title)s”") % {"title": title}
        return subject, notification.text + "\n\n" + _("The reply: %(link)s") % {"link": link} + "\n", ""
    if not recipient.email or reply.status != Reply.Status.PUBLISHED:
        return None
    writer = reply.author.public_name
    if kind == Notification.Kind.FOLLOW:
        if recipient.follow_email != recipient.FollowEmail.EACH:
            return None
        return (
            _("New reply by %(name)s on “%(title)s”") % {"name": writer, "title": title},
            _("%(name)s wrote, in a discussion you follow:") % {"name": writer}
            + f"\n\n{reply.body}\n\n" + _("Read it in its thread: %(link)s") % {"link": link} + "\n",
            f"follow:{reply.article_id}",
        )
    if not recipient.email_on_reply:
        return None
    names = {"name": writer, "title": title}
    if kind == Notification.Kind.MENTION:
        subject, opening = _("%(name)s mentioned you on “%(title)s”") % names, _("%(name)s mentioned you:") % names
    else:
        subject, opening = _("%(name)s replied to you on “%(title)s”") % names, _("%(name)s replied to you:") % names
    settings_link = absolute_url(reverse("accounts:settings"))
    return (
        subject,
        f"{opening}\n\n{reply.body}\n\n" + _("Read it in its thread: %(link)s") % {"link": link} + "\n\n"
        + _("You can turn these emails off in your settings: %(link)s") % {"link": settings_link} + "\n",
        unsubscribe.REPLIES,
    )


@durable_task
def send_digest_email(recipient_id: int, since: str) -> str:
    """The day's new replies in a digest reader's followed discussions, in one email; each one
    marked emailed in the transaction that sends it, so a rerun sends nothing twice."""
    with transaction.atomic():
        notes = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient_id=recipient_id, kind=Notification.Kind.FOLLOW, emailed_at__isnull=True,
                    read_at__isnull=True, created__gte=since, reply__status=Reply.Status.PUBLISHED)
            .select_related("recipient", "reply__author", "reply__article")
            .order_by("reply__article_id", "created", "id")
        )
        if not notes or notes[0].recipient.follow_email != notes[0].recipient.FollowEmail.DIGEST:
            return "nothing to send"
        recipient = notes[0].recipient
        with translation.override(language_of(recipient)):
            subject, body, headers, articles = _digest(recipient, notes)
        EmailMessage(subject=subject, body=body, to=[recipient.email], headers=headers).send(fail_silently=False)
        Notification.objects.filter(pk__in=[note.pk for note in notes]).update(emailed_at=timezone.now())
    return f"sent {len(notes)}"


def _digest(recipient, notes) -> tuple[str, str, dict, list]:
    """(subject, body, headers, the articles' ids) of a digest reader's day of followed replies."""
    lines, articles = [], []
    for note in notes:
        reply = note.reply
        if reply.article_id not in articles:
            articles.append(reply.article_id)
            lines.append(f"\n“{reply.article.title}”")
        excerpt = " ".join(reply.body.split())[:200]
        lines.append(f"- {reply.author.public_name}: {excerpt}\n  {absolute_url(reply.get_landing_url())}")
    body = _("New replies in the discussions you follow:") + f"\n{chr(10).join(lines)}\n"
    headers = {}
    if len(articles) == 1:  # one discussion: its link stops it; several: the settings do
        headers = unsubscribe.headers_for(recipient, f"follow:{articles[0]}")
        body += "\n" + _("Unsubscribe in one click: %(link)s") % {"link": unsubscribe.link_for(recipient, f"follow:{articles[0]}")} + "\n"
    else:
        for article_id in articles:
            body += "\n" + _("Stop emails about one of them: %(link)s") % {"link": unsubscribe.link_for(recipient, f"follow:{article_id}")}
        headers = unsubscribe.headers_for(recipient, f"follow:{articles[0]}")
    body += "\n" + _("Choose how often these come in your settings: %(link)s") % {
        "link": absolute_url(reverse("accounts:settings"))
    } + "\n"
    subject = ngettext(
        "%(count)s new reply in the discussions you follow", "%(count)s new replies in the discussions you follow",
        len(notes),
    ) % {"count": len(notes)}
    return subject, body, headers, articles


def notification_open(*, notification: Notification, user) -> Notification:
    """Mark a notification read when its recipient opens it. Someone else's is answered as a
    missing one: a 403 would tell a prober which numbers exist."""
    if notification.recipient_id != user.pk:
        raise NotFound(_("There is no such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
