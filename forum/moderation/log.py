"""The moderation log's one writer, and the entries for what the automatic rules did.

Every moderation action (forum.moderation.actions) appends its entry with `record`, inside its
own transaction. A moderation hook that holds a reply as it is posted is an automatic action
too, logged by `hold_on_posting`; the seed fixture is loaded past the services (load_seeds), so
`imported_holds_record` logs the holds it brings, and a Disqus import logs its holds and its
spam removals with `imported_decisions_log`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from forum import signals
from forum.threads import cache
from forum.threads.models import Reply

from .models import ModerationLog

logger = logging.getLogger("forum.moderation")


def record(*, actor, action, reply=None, article=None, user=None, reason="", detail="") -> ModerationLog:
    """Append the action to the log, and queue its announcement, inside the action's transaction."""
    entry = ModerationLog.objects.create(
        actor=actor, action=action, reply=reply, article=article or (reply.article if reply else None),
        user=user or (reply.author if reply else None), reason=reason, detail=detail, created=timezone.now(),
    )
    if entry.article_id:
        cache.bump(entry.article)  # every action on a reply or an article changes how it reads
    logger.info(
        "moderation action=%s actor=%s reply=%s article=%s user=%s detail=%r reason=%r",
        action, actor.pk if actor else "auto", entry.reply_id, entry.article_id, entry.user_id, detail, reason,
    )
    signals.announce_moderated(reply, entry, action)
    return entry



def hold_on_posting(reply: Reply) -> ModerationLog:
    """Log a moderation hook's hold of a new reply, in the transaction that posts it. An imported
    reply (no time: forum.posting.services) was held on import."""
    detail = "on import" if reply.created is None else "when posted"
    return record(actor=None, action=ModerationLog.Action.HOLD, reply=reply, reason=reply.hold_reason, detail=detail)


def imported_holds_record() -> int:
    """Log the holds of imported replies that have no entry yet: the seed fixture brings them
    held, past the services. Returns how many it logged; a second run logs none."""
    logged = ModerationLog.objects.filter(reply=OuterRef("pk"))
    held = (
        Reply.objects.filter(created__isnull=True, status=Reply.Status.HELD)
        .exclude(Exists(logged))
        .select_related("article", "author")
        .order_by("article_id", "tree_id", "lft")
    )
    with transaction.atomic():
        entries = [hold_on_posting(reply) for reply in held]
    return len(entries)


def imported_decisions_log(*, article_ids) -> int:
    """Log, as automatic actions "on import", what a Disqus import held (hooks, unapproved posts)
    and removed as spam in these articles, for replies with no entry yet: inside the import's
    transaction, in bulk (an export can hold thousands). Their authors are unclaimed accounts:
    nobody to send a decision to."""
    logged = ModerationLog.objects.filter(reply=OuterRef("pk"))
    decided = (
        Reply.objects.filter(article_id__in=article_ids, disqus_id__isnull=False)
        .filter(Q(status=Reply.Status.HELD) | Q(status=Reply.Status.REMOVED, removed_by=Reply.RemovedBy.MODERATOR))
        .exclude(Exists(logged))
        .only("pk", "article_id", "author_id", "status", "hold_reason")
    )
    now = timezone.now()
    entries = [
        ModerationLog(
            actor=None, action=ModerationLog.Action.HOLD if reply.status == Reply.Status.HELD else ModerationLog.Action.REMOVE,
            reply_id=reply.pk, article_id=reply.article_id, user_id=reply.author_id, reason=reply.hold_reason,
            detail="on import", created=now,
        )
        for reply in decided
    ]
    ModerationLog.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def redact_about(*, user_id: int, keep_reasons_of=()) -> int:
    """Take the words out of the log entries about an account being deleted (forum.privacy):
    their `reason` and `detail` become REDACTED; the action, the ids and the time stay. Also the
    moderators' notes on the account. Returns how many entries changed.

    The one sanctioned write to the append-only log after its insert, and the only one its
    triggers let through (migration 0015_privacy): no other column can change, and the words can
    only become REDACTED. It goes past AppendOnlyQuerySet (which refuses every update) through
    the base manager, on purpose and here only. `keep_reasons_of`: entries whose reason is the
    moderator's account of the deletion itself, kept (the caller has checked it names nobody).
    """
    from .models import ModeratorNote

    about = Q(user_id=user_id) | Q(reply__author_id=user_id)
    entries = ModerationLog._base_manager.filter(about).exclude(pk__in=list(keep_reasons_of))
    changed = entries.exclude(reason=ModerationLog.REDACTED, detail=ModerationLog.REDACTED).update(
        reason=ModerationLog.REDACTED, detail=ModerationLog.REDACTED
    )
    ModeratorNote._base_manager.filter(user_id=user_id).exclude(text=ModerationLog.REDACTED).update(
        text=ModerationLog.REDACTED
    )
    return changed
