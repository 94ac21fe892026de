"""Moderation rows into what the queue and the log print."""

from __future__ import annotations

from dataclasses import dataclass

from forum import policy
from forum.conf import forum_settings
from forum.threads.models import Reply
from forum.threads.presenters import ThreadItem, reply_in_context

from .actions import ReplyAction, offered_actions
from .models import ModerationLog


@dataclass
class QueueEntry:
    item: ThreadItem
    parent: ThreadItem | None
    flags: list
    author_history: dict
    branch_size: int
    actions: list[ReplyAction]


def queue_entries(replies: list[Reply], *, records: dict[int, dict], viewer) -> list[QueueEntry]:
    """Each reply with what a moderator needs to decide: its parent, its flags, its author's
    record, and the actions that make sense for it now."""
    entries = []
    for reply in replies:
        history = {
            **records[reply.author_id],
            "joined": reply.author.date_joined,
            "ban": reply.author.posting_ban(),
        }
        entries.append(
            QueueEntry(
                item=reply_in_context(reply, viewer),
                parent=reply_in_context(reply.parent, viewer) if reply.parent else None,
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


def log_rows(entries: list[ModerationLog], *, viewer) -> list[LogRow]:
    """The log as the viewer may read it: moderators' names only to moderators, unless the
    setting makes them public."""
    show_names = policy.is_moderator(viewer) or forum_settings.MODLOG_SHOW_MODERATORS
    rows = []
    for entry in entries:
        if entry.actor is None:
            who = "Automatic rule"
        else:
            who = entry.actor.public_name if show_names else "A moderator"
        rows.append(LogRow(entry=entry, who=who))
    return rows
