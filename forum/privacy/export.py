"""What a person's archive holds (issue 17, "Download your data"): reads only.

A ZIP of JSON files, one per kind of record, and replies.csv (the replies again, one a row, for
a spreadsheet). Everything the forum keeps about the person, as they would recognise it: the
account, its email addresses, every reply with its history, and what they did (flags,
follows, recommendations, whom they ignore) and what was done about them (moderation
decisions, suspensions, notifications).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from allauth.account.models import EmailAddress
from django.db.models import Q

from forum.moderation.models import Flag, ModerationLog
from forum.notifications.models import ArticleFollow, Notification
from forum.reactions.models import Recommendation
from forum.threads.models import Reply, ReplyRevision
from forum.web import absolute_url

README = """Your data from {site}, as of {when} (UTC).

account.json           your account: names, when you joined and last signed in, your settings
email_addresses.json   the addresses on your account, and whether each is verified
replies.json           every reply you wrote: its status, article, permalink and edit history
replies.csv            the same replies, one a row (without the history)
flags.json             the replies you reported, and why
notifications.json     what the forum told you
follows.json           the discussions you follow
recommendations.json   the replies you recommended
ignored_users.json     the people you ignore
moderation.json        the moderators' decisions about you and your replies, and suspensions

Times are ISO 8601 in UTC; null where the forum never knew them (imported replies).
"""


def _time(value):
    return value.isoformat() if value else None


def _account(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "date_joined": _time(user.date_joined),
        "last_login": _time(user.last_login),
        "settings": {
            "email_on_reply": user.email_on_reply,
            "follow_email": user.follow_email,
            "follow_on_reply": user.follow_on_reply,
        },
        "suspension": {
            "since": _time(user.banned_at), "until": _time(user.banned_until), "reason": user.ban_reason,
        } if user.banned_at else None,
        "deletion_due_at": _time(user.deletion_due_at),
    }


def _emails(user) -> list[dict]:
    return [
        {"email": row.email, "verified": row.verified, "primary": row.primary}
        for row in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


def _replies(user) -> list[dict]:
    replies = list(Reply.objects.filter(author=user).select_related("article").order_by("created", "id"))
    history: dict[int, list] = {}
    for revision in ReplyRevision.objects.filter(reply__author=user).order_by("replaced", "id"):
        history.setdefault(revision.reply_id, []).append(
            {"body": revision.body, "written": _time(revision.written), "replaced": _time(revision.replaced)}
        )
    return [
        {
            "id": reply.pk,
            "article": {"title": reply.article.title, "url": absolute_url(reply.article.get_absolute_url())},
            "permalink": absolute_url(reply.get_absolute_url()),
            "parent_id": reply.parent_id,
            "status": reply.status,
            "removed_by": reply.removed_by,
            "created": _time(reply.created),
            "edited": _time(reply.edited),
            "body": reply.body,
            "earlier_versions": history.get(reply.pk, []),
        }
        for reply in replies
    ]


def _replies_csv(replies: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "article", "article_url", "permalink", "parent_id", "status", "created", "edited", "body"])
    for reply in replies:
        writer.writerow([
            reply["id"], reply["article"]["title"], reply["article"]["url"], reply["permalink"], reply["parent_id"] or "",
            reply["status"], reply["created"] or "", reply["edited"] or "", reply["body"],
        ])
    return out.getvalue()


def _flags(user) -> list[dict]:
    return [
        {"reply_id": flag.reply_id, "permalink": absolute_url(flag.reply.get_absolute_url()), "reason": flag.reason,
         "text": flag.text, "created": _time(flag.created), "resolved": _time(flag.resolved)}
        for flag in Flag.objects.filter(flagger=user).select_related("reply__article")
    ]


def _notifications(user) -> list[dict]:
    return [
        {"kind": note.kind, "reply_id": note.reply_id, "text": note.text, "created": _time(note.created),
         "read_at": _time(note.read_at), "emailed_at": _time(note.emailed_at)}
        for note in Notification.objects.filter(recipient=user).order_by("created", "id")
    ]


def _follows(user) -> list[dict]:
    return [
        {"article": follow.article.title, "url": absolute_url(follow.article.get_absolute_url()),
         "since": _time(follow.created)}
        for follow in ArticleFollow.objects.filter(user=user).select_related("article").order_by("created")
    ]


def _recommendations(user) -> list[dict]:
    return [
        {"reply_id": row.reply_id, "permalink": absolute_url(row.reply.get_absolute_url()), "created": _time(row.created)}
        for row in Recommendation.objects.filter(user=user).select_related("reply__article").order_by("created")
    ]


def _ignored(user) -> list[dict]:
    from accounts.selectors import ignoring

    return [{"name": row.ignored.public_name, "since": _time(row.created)} for row in ignoring(user)]


def _moderation(user) -> list[dict]:
    """The decisions about the person or their replies. Who decided is left out, as the public
    log leaves it out (FORUM_MODLOG_SHOW_MODERATORS)."""
    entries = ModerationLog.objects.filter(Q(user=user) | Q(reply__author=user)).order_by("created", "id")
    return [
        {"action": entry.action, "what": entry.get_action_display(), "reply_id": entry.reply_id,
         "by": "a moderator" if entry.actor_id else "the forum's rules", "reason": entry.reason,
         "detail": entry.detail, "at": _time(entry.created)}
        for entry in entries
    ]


def archive_bytes(user, *, site: str, now) -> bytes:
    """The person's archive: a ZIP, built in memory (an archive is small: text only)."""
    replies = _replies(user)
    files = {
        "README.txt": README.format(site=site, when=now.isoformat(timespec="seconds")),
        "account.json": _account(user),
        "email_addresses.json": _emails(user),
        "replies.json": replies,
        "replies.csv": _replies_csv(replies),
        "flags.json": _flags(user),
        "notifications.json": _notifications(user),
        "follows.json": _follows(user),
        "recommendations.json": _recommendations(user),
        "ignored_users.json": _ignored(user),
        "moderation.json": _moderation(user),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            text = content if isinstance(content, str) else json.dumps(content, indent=2, ensure_ascii=False)
            archive.writestr(name, text)
    return buffer.getvalue()
