"""Moderation rows into what the queue and the log print."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import policy
from forum.conf import forum_settings
from forum.threads.models import Reply
from forum.threads.presenters import ThreadItem, placeholder_for, reply_in_context

from . import hooks
from .actions import ReplyAction, offered_actions
from .models import ModerationLog


@dataclass
class QueueEntry:
    item: ThreadItem
    parent: ThreadItem | None
    parent_in_queue: bool  # the parent has its own entry in this queue: linked, not drawn twice
    flags: list
    author_history: dict
    branch_size: int
    actions: list[ReplyAction]


def queue_entries(replies: list[Reply], *, records: dict[int, dict], viewer) -> list[QueueEntry]:
    """Each reply with what a moderator needs to decide: its parent, its flags, its author's
    record, and the actions that make sense for it now."""
    entries = []
    queued = {reply.pk for reply in replies}
    for reply in replies:
        history = {
            **records[reply.author_id],
            "joined": reply.author.date_joined,
            "ban": reply.author.posting_ban(),
        }
        entries.append(
            QueueEntry(
                item=reply_in_context(reply, viewer, id_prefix=f"q{reply.pk}-"),
                parent=reply_in_context(reply.parent, viewer, id_prefix=f"q{reply.pk}-") if reply.parent else None,
                parent_in_queue=reply.parent_id in queued,
                flags=reply.open_flags,
                author_history=history,
                branch_size=reply.descendant_total,
                actions=offered_actions(reply, len(reply.open_flags)),
            )
        )
    return entries


@dataclass
class LogRow:
    entry: ModerationLog
    who: str
    author: str = ""  # the reply's author, as its card in the thread names them
    excerpt: str = ""  # its text, or the placeholder everyone else sees
    history_url: str = ""  # its earlier versions, for moderators, when it was edited


EXCERPT_LENGTH = 120


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def log_rows(entries: list[ModerationLog], *, viewer) -> list[LogRow]:
    """The log as the viewer may read it. Moderators see who acted, and each reply's author and
    text; everyone else sees the moderators' names only when the setting makes them public, and
    of a reply what the thread shows them: its author, and its text or placeholder."""
    moderator = policy.is_moderator(viewer)
    show_names = moderator or forum_settings.MODLOG_SHOW_MODERATORS
    rows = []
    for entry in entries:
        if entry.actor is None:
            who = _("Automatic rule")
        else:
            who = entry.actor.public_name if show_names else _("A moderator")
        row = LogRow(entry=entry, who=who)
        if reply := entry.reply:
            row.author = reply.author.public_name
            row.excerpt = _excerpt(reply.body if moderator else (placeholder_for(reply) or reply.body))
            if moderator and reply.edited:
                row.history_url = reverse("forum:history", args=[reply.pk])
        rows.append(row)
    return rows


@dataclass
class HistoryReply:
    reply: Reply
    status: str
    excerpt: str
    url: str  # its moderation page: the reply with its flags and actions


@dataclass
class UserHistory:
    rows: object
    replies: list
    actions: list  # LogRow
    premoderated: str  # why the removal-rate rule holds this account's new replies, or ""
    removal_summary: str


def user_history(rows, *, viewer) -> UserHistory:
    replies = [
        HistoryReply(
            reply=reply, status=reply.get_status_display(), excerpt=_excerpt(reply.body),
            url=reverse("forum:moderation_reply", args=[reply.pk]),
        )
        for reply in rows.replies
    ]
    imported = rows.person.date_joined is None  # the rule leaves imported commenters alone
    return UserHistory(
        rows=rows,
        replies=replies,
        actions=log_rows(rows.actions, viewer=viewer),
        premoderated="" if imported else hooks.removal_rate_reason(rows.removed_recently, rows.considered),
        removal_summary=ngettext(
            "%(removed)s of the last %(considered)s reply removed", "%(removed)s of the last %(considered)s replies removed",
            rows.considered,
        ) % {"removed": rows.removed_recently, "considered": rows.considered},
    )
