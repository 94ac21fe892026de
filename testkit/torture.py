"""Concurrent writers on one thread, and the checks that nothing was lost, broken or let through.

bench/torture.py runs these for 30 s with writers over HTTP too; forum/tests/test_tree_integrity.py
for a few seconds through the services. Each writer has its own account and its own database
connection. Per write, an author picks: a reply to a random reply of the thread (45%), a new
top-level reply (20%), an edit of one of its own replies (25%), or the removal of one (10%). A
moderator writer, when there is one, removes (60%) or holds (40%) a random reply of the thread.
Each answer goes into the ledger (testkit/ledger.py), whose verify() then holds the database to it.
"""

from __future__ import annotations

import random
import threading
import time
import traceback
import uuid
from dataclasses import dataclass

from .ledger import Ledger, Refused, ServerError, Unexpected

# Per write, the chance of each kind; an edit or removal without an own reply to act on posts a reply.
MIX = (("edit", 0.25), ("remove", 0.10), ("top", 0.20), ("reply", 0.45))
MODERATOR_MIX = (("mod-remove", 0.6), ("mod-hold", 0.4))


@dataclass
class Setup:
    article_pk: int
    slug: str
    user_pks: list[int]
    seeded: list[int]
    moderator_pk: int | None = None


# --- Preparing the database ---------------------------------------------------------------------


def prepare(*, writers: int, forest: int = 500, seed: int = 5, moderator: bool = False) -> Setup:
    """An article with a thread of `forest` replies (build_forest), one verified account per
    writer, and, with `moderator`, one moderator's account."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from forum.threads.services import ArticleData, article_upsert

    from .forest import build_forest

    tag = uuid.uuid4().hex[:8]
    article = article_upsert(data=ArticleData(title=f"Torture {tag}", slug=f"torture-{tag}", body="Many writers at once."))
    builder = User.objects.create_user(username=f"torture-builder-{tag}", email=f"builder-{tag}@example.com")
    replies = build_forest(article, builder, forest, seed=seed)
    user_pks = []
    for number in range(writers):
        user = User.objects.create_user(username=f"torture-{tag}-{number}", email=f"t{number}-{tag}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        user_pks.append(user.pk)
    moderator_pk = None
    if moderator:
        # A superuser, not a member of the Moderators group: a test's flush drops the group a
        # migration made, and the rules are the same for both (forum.policy.is_moderator).
        person = User.objects.create_superuser(username=f"torture-moderator-{tag}", email=f"mod-{tag}@example.com")
        moderator_pk = person.pk
    return Setup(
        article_pk=article.pk, slug=article.slug, user_pks=user_pks, seeded=[r.pk for r in replies],
        moderator_pk=moderator_pk,
    )


def new_ledger(setup: Setup) -> Ledger:
    return Ledger(article_pk=setup.article_pk, slug=setup.slug, pool=list(setup.seeded), seeded=set(setup.seeded))


# --- Writers ------------------------------------------------------------------------------------


class ServiceWriter:
    """Writes through the services on this thread's own database connection, as a view would."""

    def __init__(self, *, name: str, user_pk: int, article_pk: int):
        self.name, self.user_pk, self.article_pk = name, user_pk, article_pk

    def open(self) -> None:
        from django.db import connection

        from accounts.models import User
        from forum.threads.models import Article

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A lock wait that never ended would hang the run instead of failing it; PostgreSQL
                # reports real deadlocks by itself after deadlock_timeout (1 s).
                cursor.execute("SET lock_timeout = '20s'")
        self.user = User.objects.get(pk=self.user_pk)
        self.article = Article.objects.get(pk=self.article_pk)

    def close(self) -> None:
        from django.db import connection

        connection.close()

    def _call(self, write):
        from forum.errors import ForumError
        from forum.web import status_of

        try:
            return write()
        except ForumError as error:
            raise Refused(status_of(error), error.message) from error
        except Exception as error:  # noqa: BLE001 - anything else is the server failing
            raise ServerError(f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}") from error

    def create(self, parent_pk: int | None, body: str) -> int:
        from forum.posting.services import reply_create
        from forum.threads.models import Reply

        def write():
            parent = Reply.objects.get(pk=parent_pk) if parent_pk else None
            return reply_create(
                article=self.article, author=self.user, body=body, parent=parent, form_token=uuid.uuid4().hex
            ).pk

        return self._call(write)

    def edit(self, pk: int, body: str) -> None:
        from forum.posting.services import reply_edit
        from forum.threads.selectors import reply_get

        self._call(lambda: reply_edit(reply=reply_get(pk=pk), editor=self.user, body=body))

    def remove(self, pk: int) -> None:
        from forum.posting.services import reply_remove_own
        from forum.threads.selectors import reply_get

        self._call(lambda: reply_remove_own(reply=reply_get(pk=pk), user=self.user))

    def moderate(self, pk: int, kind: str) -> None:
        from forum.moderation import actions
        from forum.threads.selectors import reply_get

        service = actions.reply_remove_by_moderator if kind == "mod-remove" else actions.reply_hold
        self._call(lambda: service(reply=reply_get(pk=pk), moderator=self.user, reason=f"torture {kind}"))


def _pick(mix, rng: random.Random) -> str:
    roll = rng.random()
    for name, share in mix:
        if roll < share:
            return name
        roll -= share
    return mix[-1][0]


def moderator_loop(writer: ServiceWriter, ledger: Ledger, *, seed: int, deadline: float, max_writes: int) -> None:
    """Remove or hold random replies of the thread until the deadline, at a reader's pace."""
    rng = random.Random(seed)
    for _ in range(max_writes):
        if time.monotonic() >= deadline:
            return
        kind, target = _pick(MODERATOR_MIX, rng), ledger.pick_any(rng)
        try:
            writer.moderate(target, kind)
        except Refused as refusal:
            with ledger.lock:
                ledger.refused[(kind, refusal.status)] += 1
                if refusal.status != 409:  # 409: already removed or held, as expected now and then
                    ledger.unexpected.append(f"{writer.name} {kind} {target}: refused {refusal}")
            continue
        except (ServerError, Unexpected) as error:
            with ledger.lock:
                ledger.maybe_moderated.add(target)
                bucket = ledger.server_errors if isinstance(error, ServerError) else ledger.unexpected
                bucket.append(f"{writer.name} {kind} {target}: {error}")
            continue
        ledger.status_changed(target)
        with ledger.lock:
            (ledger.moderator_removed if kind == "mod-remove" else ledger.moderator_held).add(target)
            ledger.acknowledged[kind] += 1
            ledger.acknowledged_by["moderator"] += 1
        time.sleep(rng.uniform(0.01, 0.05))  # a moderator reads before acting; writers must get a turn


def writer_loop(writer, ledger: Ledger, *, seed: int, deadline: float, max_writes: int) -> None:
    """Write until the deadline, recording every answer in the ledger."""
    rng = random.Random(seed)
    own: list[int] = []  # this writer's replies that are not removed: only it edits or removes them
    for step in range(max_writes):
        if time.monotonic() >= deadline:
            return
        kind = _pick(MIX, rng)
        if kind == "edit" and not own or kind == "remove" and len(own) < 2:
            kind = "reply"
        tag = f"{writer.name} #{step} {uuid.uuid4().hex[:12]}"  # unique: the duplicate-text hook stays quiet
        target = parent = None
        try:
            if kind in ("reply", "top"):
                parent = ledger.pick_parent(rng) if kind == "reply" else None
                body = f"{tag}: a {'reply to ' + str(parent) if parent else 'new top-level reply'}, *posted* at once."
                asked = time.monotonic()
                pk = writer.create(parent, body)
                with ledger.lock:
                    ledger.parent_of[pk] = parent
                    ledger.asked_at[pk] = asked
                    ledger.bodies[pk] = [body]
                    ledger.pool.append(pk)
                own.append(pk)
            elif kind == "edit":
                target = rng.choice(own)
                body = f"{tag}: edited text of {target}."
                try:
                    writer.edit(target, body)
                except (ServerError, Unexpected):
                    with ledger.lock:
                        ledger.maybe_bodies.setdefault(target, set()).add(body)
                    raise
                with ledger.lock:
                    ledger.bodies[target].append(body)
            else:
                target = own.pop(rng.randrange(len(own)))
                try:
                    writer.remove(target)
                except (ServerError, Unexpected):
                    with ledger.lock:
                        ledger.maybe_removed.add(target)
                    raise
                ledger.status_changed(target)
                with ledger.lock:
                    ledger.removed.add(target)
            with ledger.lock:
                ledger.acknowledged[kind] += 1
                ledger.acknowledged_by[writer.name.split("-")[0]] += 1
        except Refused as refusal:
            with ledger.lock:
                ledger.refused[(kind, refusal.status)] += 1
                if kind == "reply" and refusal.status == 400:
                    ledger.refused_parents.add(parent)  # verify() checks it was removed or held
                elif kind in ("edit", "remove") and refusal.status == 400:
                    ledger.refused_targets.add(target)  # verify() checks a moderator removed it
                    if target in own:
                        own.remove(target)
                elif not (kind in ("reply", "top") and refusal.status == 429):
                    # Nothing else should be refused: a new top-level reply, an edit or removal
                    # of one's own live reply. A 403 here is a broken session or CSRF token.
                    ledger.unexpected.append(f"{writer.name} {kind} {target or ''}: refused {refusal}")
        except (ServerError, Unexpected) as error:
            with ledger.lock:
                if kind in ("reply", "top"):
                    ledger.maybe_created += 1
                bucket = ledger.server_errors if isinstance(error, ServerError) else ledger.unexpected
                bucket.append(f"{writer.name} {kind} {target or ''}: {error}")


def run_writers(writers: list, ledger: Ledger, *, seconds: float, max_writes: int = 100_000, moderator=None) -> float:
    """Start every writer (and the moderator, if any) together, write for `seconds`, return the
    seconds the writing took."""
    everyone = writers + ([moderator] if moderator is not None else [])
    start = threading.Barrier(len(everyone) + 1)
    deadline = [0.0]

    def run(number: int, writer) -> None:
        try:
            writer.open()
        except BaseException as error:  # noqa: BLE001 - a writer that cannot start is a failure
            with ledger.lock:
                ledger.unexpected.append(f"{writer.name} could not start: {type(error).__name__}: {error}")
            start.abort()
            return
        loop = moderator_loop if writer is moderator else writer_loop
        try:
            start.wait(timeout=60)
            loop(writer, ledger, seed=number, deadline=deadline[0], max_writes=max_writes)
        except threading.BrokenBarrierError:
            pass
        finally:
            writer.close()

    threads = [threading.Thread(target=run, args=(n, w), name=w.name, daemon=True) for n, w in enumerate(everyone)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds  # set before the barrier releases anyone
    try:
        start.wait(timeout=60)
    except threading.BrokenBarrierError:
        pass
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        ledger.unexpected.append(f"writers still running {seconds + 120:.0f} s after the deadline: {stuck}")
    return time.monotonic() - began
