"""The ledger of a torture run: what the writers asked for and what they were told, and
verify(), which holds the database to it.

Every acknowledged reply stored under the parent it asked for, with the text of its last
acknowledged edit, removed or held exactly when that was acknowledged; no row that no write
accounts for; every tree sound; and no reply acknowledged under a parent whose removal or hold
had been acknowledged before the reply was asked for (the locking rule of forum.threads.locks).
The writers that fill it are in testkit/torture.py.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

# --- Outcomes -----------------------------------------------------------------------------------


class Refused(Exception):
    """The forum said no, as it should to some writes (a 4xx): not an error."""

    def __init__(self, status: int, message: str = ""):
        super().__init__(f"{status} {message}".strip())
        self.status = status


class ServerError(Exception):
    """A 5xx, or an exception from the services: the write may or may not have happened."""


class Unexpected(Exception):
    """An answer no write should get (a redirect to sign-in, a 200 for a post), or no answer."""


@dataclass
class Ledger:
    """Every write the writers asked for and what the forum answered. Shared by all writers."""

    article_pk: int
    slug: str
    pool: list[int] = field(default_factory=list)  # replies a writer may answer
    seeded: set[int] = field(default_factory=set)
    parent_of: dict[int, int | None] = field(default_factory=dict)  # acknowledged replies
    asked_at: dict[int, float] = field(default_factory=dict)  # when each acknowledged reply was asked for
    bodies: dict[int, list[str]] = field(default_factory=dict)  # acknowledged texts, in order
    maybe_bodies: dict[int, set[str]] = field(default_factory=dict)  # edits with no clear answer
    removed: set[int] = field(default_factory=set)  # by their authors
    maybe_removed: set[int] = field(default_factory=set)
    moderator_removed: set[int] = field(default_factory=set)
    moderator_held: set[int] = field(default_factory=set)
    maybe_moderated: set[int] = field(default_factory=set)
    # When a reply's removal or hold was first acknowledged: a reply under it asked for later
    # must have been refused.
    changed_at: dict[int, float] = field(default_factory=dict)
    maybe_created: int = 0
    acknowledged: Counter = field(default_factory=Counter)
    acknowledged_by: Counter = field(default_factory=Counter)  # "service", "http" or "moderator"
    refused: Counter = field(default_factory=Counter)  # (kind, status)
    refused_parents: set[int] = field(default_factory=set)  # replies a 400 said could not be answered
    refused_targets: set[int] = field(default_factory=set)  # own replies whose edit or removal got a 400
    server_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick_parent(self, rng: random.Random) -> int:
        with self.lock:
            for _ in range(20):
                pk = rng.choice(self.pool)
                if pk not in self.removed:
                    return pk
            return pk  # a removed one: the forum must refuse it, which is worth checking too

    def pick_any(self, rng: random.Random) -> int:
        with self.lock:
            return rng.choice(self.pool)

    def status_changed(self, pk: int) -> None:
        with self.lock:
            self.changed_at.setdefault(pk, time.monotonic())

    def total(self) -> int:
        return sum(self.acknowledged.values())


# --- Checking -----------------------------------------------------------------------------------


def answered_after_the_parent_changed(ledger: Ledger) -> list[str]:
    """Replies acknowledged under a parent whose removal or hold was acknowledged before the reply
    was even asked for. The locking rule makes this impossible: the count must be 0."""
    problems = []
    for pk, parent in ledger.parent_of.items():
        changed = ledger.changed_at.get(parent)
        if changed is not None and ledger.asked_at[pk] > changed:
            problems.append(
                f"reply {pk}: acknowledged under {parent}, whose removal or hold was acknowledged "
                f"{(ledger.asked_at[pk] - changed) * 1000:.1f} ms before it was asked for"
            )
    return problems


def verify(ledger: Ledger) -> list[str]:
    """Every way the stored thread disagrees with what the writers were told. Empty when sound."""
    from forum.moderation.models import ModerationLog
    from forum.threads.models import Reply
    from forum.threads.tree import tree_violations

    problems = [f"check_tree: {line}" for line in tree_violations()]
    problems += answered_after_the_parent_changed(ledger)
    stored = {
        pk: (parent, article, body, status)
        for pk, parent, article, body, status in Reply.objects.filter(
            pk__in=list(ledger.parent_of) + list(ledger.seeded)
        ).values_list("pk", "parent_id", "article_id", "body", "status")
    }
    for pk, parent in ledger.parent_of.items():
        if pk not in stored:
            problems.append(f"reply {pk}: acknowledged, not in the database (lost)")
            continue
        stored_parent, article, body, status = stored[pk]
        if stored_parent != parent or article != ledger.article_pk:
            problems.append(f"reply {pk}: stored under {stored_parent} on article {article}, asked for {parent}")
        expected = ledger.bodies[pk][-1]
        if body != expected and body not in ledger.maybe_bodies.get(pk, ()):
            problems.append(f"reply {pk}: text is {body[:50]!r}, the last acknowledged write said {expected[:50]!r}")
    # Held by the moderation hooks as it was posted (forum.moderation.hooks.removal_rate: the
    # moderator's random removals pre-moderate some writers), in the transaction that stored it,
    # and so answered to its writer: a hold the forum acknowledged, not one the writers asked for.
    held_when_posted = set(
        ModerationLog.objects.filter(
            reply_id__in=list(stored), actor__isnull=True, action=ModerationLog.Action.HOLD, detail="when posted"
        ).values_list("reply_id", flat=True)
    )
    for pk, (_, _, _, status) in stored.items():
        problems += _status_problems(ledger, pk, status, held_when_posted=pk in held_when_posted)
    statuses = dict(Reply.objects.filter(pk__in=ledger.refused_parents | ledger.refused_targets).values_list("pk", "status"))
    for pk in sorted(ledger.refused_parents):
        if statuses.get(pk) not in (Reply.Status.REMOVED, Reply.Status.HELD):
            problems.append(f"reply {pk}: a reply to it was refused, yet it is {statuses.get(pk, 'missing')}")
    for pk in sorted(ledger.refused_targets):
        if pk not in ledger.moderator_removed | ledger.maybe_moderated:
            problems.append(f"reply {pk}: its author's edit or removal was refused, and no moderator removed it")
    for pk in ledger.seeded:
        if pk not in stored:
            problems.append(f"reply {pk}: seeded, not in the database")
    total = Reply.objects.filter(article_id=ledger.article_pk).count()
    accounted = len(ledger.seeded) + len(ledger.parent_of)
    if not accounted <= total <= accounted + ledger.maybe_created:
        problems.append(
            f"{total} replies on the thread; acknowledged writes account for {accounted}, "
            f"and {ledger.maybe_created} more had no clear answer"
        )
    return problems


def _status_problems(ledger: Ledger, pk: int, status: str, *, held_when_posted: bool = False) -> list[str]:
    """Removed exactly when a removal was acknowledged; else held exactly when a hold was."""
    if pk in ledger.maybe_removed or pk in ledger.maybe_moderated:
        return []
    removed = pk in ledger.removed or pk in ledger.moderator_removed
    held = pk in ledger.moderator_held or held_when_posted
    expected = "removed" if removed else "held" if held else "published"
    if status == expected:
        return []
    return [
        f"reply {pk}: status {status}, removal acknowledged: {removed}, "
        f"hold acknowledged: {pk in ledger.moderator_held}"
    ]
