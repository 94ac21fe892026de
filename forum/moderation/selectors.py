"""Reads for moderators: the queue, the record of a reply's author, an account's history, and the log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q

from forum.threads.models import Reply

from .models import Flag, ModerationLog, ModeratorNote

QUEUE_LENGTH = 200


def _with_context(replies):
    """What a queue entry shows of a reply: its author, article, parent, and its open flags."""
    open_flags = Flag.objects.filter(resolved__isnull=True).select_related("flagger")
    return replies.select_related("author", "article", "parent__author", "parent__article").prefetch_related(
        Prefetch("flags", queryset=open_flags, to_attr="open_flags")
    )


def queue() -> list[Reply]:
    """Held replies and replies with open flags, oldest first. A fixed number of queries."""
    waiting = Reply.objects.filter(Q(status=Reply.Status.HELD) | Q(flags__resolved__isnull=True, flags__isnull=False))
    return list(_with_context(waiting.distinct()).order_by(F("created").asc(nulls_first=True), "id")[:QUEUE_LENGTH])


def queue_entry(*, pk: int) -> list[Reply]:
    """One reply as the queue shows it, for its own moderation page; [] if there is none."""
    return list(_with_context(Reply.objects.filter(pk=pk)))


def author_records(author_ids) -> dict[int, dict]:
    """Per author: how many of their replies are published, held and removed, and flags received."""
    records: dict[int, dict] = defaultdict(lambda: {"published": 0, "held": 0, "removed": 0, "flags": 0})
    for author_id, status, total in (
        Reply.objects.filter(author_id__in=author_ids).values_list("author_id", "status").annotate(total=Count("id"))
    ):
        records[author_id][status] = total
    for author_id, total in (
        Flag.objects.filter(reply__author_id__in=author_ids).values_list("reply__author_id").annotate(total=Count("id"))
    ):
        records[author_id]["flags"] = total
    return records


def log_entries(*, limit: int = 200, include_drafts: bool = False) -> list[ModerationLog]:
    """The newest entries. The public log leaves out those about a draft article (an import the
    editor has not yet published): its title and replies are not public yet."""
    entries = ModerationLog.objects.select_related("actor", "reply__article", "reply__author", "article", "user")
    if not include_drafts:
        entries = entries.exclude(article__draft=True)
    return list(entries[:limit])


HISTORY_LENGTH = 100


@dataclass
class UserHistoryRows:
    person: object
    replies: list
    flags_made: list
    flags_received: list
    actions: list
    notes: list
    counts: dict
    removed_recently: int
    considered: int


def user_history(person) -> UserHistoryRows:
    """Everything moderators know of one account, newest first, HISTORY_LENGTH of each: its
    replies in every status, the flags it made and received, the actions taken on it, the
    moderators' notes. Seven queries, whatever the history."""
    from .hooks import removal_record  # the rule the page reports on is the hook's own

    removed, considered = removal_record(person)
    newest = (F("created").desc(nulls_last=True), "-id")
    return UserHistoryRows(
        person=person,
        replies=list(Reply.objects.filter(author=person).select_related("article").order_by(*newest)[:HISTORY_LENGTH]),
        flags_made=list(
            Flag.objects.filter(flagger=person).select_related("reply__article", "reply__author").order_by("-created")[:HISTORY_LENGTH]
        ),
        flags_received=list(
            Flag.objects.filter(reply__author=person).select_related("reply__article", "flagger").order_by("-created")[:HISTORY_LENGTH]
        ),
        actions=list(
            ModerationLog.objects.filter(user=person).select_related("actor", "reply__article", "reply__author", "article")[:HISTORY_LENGTH]
        ),
        notes=list(ModeratorNote.objects.filter(user=person).select_related("author")),
        counts=author_records([person.pk])[person.pk],
        removed_recently=removed,
        considered=considered,
    )
