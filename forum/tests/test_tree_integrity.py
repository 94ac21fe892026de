"""The reply trees stay sound nested sets under the writes the app makes, and check_tree notices when they are not.

The nested set is a cache of the parent pointers: every page reads the thread by (tree_id, lft), so a
tree that disagrees with its parents shows replies under the wrong post, or out of order, without
any error. These tests hold the writer (posting.reply_create) and the detector (check_tree) to that.
"""

from __future__ import annotations

import io
import random
import re
import threading
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from forum.models import Reply
from forum.posting import services as posting
from forum.threads.tree import tree_violations


class PostedThread:
    """What the writers asked for, kept independently of the nested set so the two can be compared."""

    def __init__(self):
        self.parent_of: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)

    def record(self, reply: Reply, parent: Reply | None) -> None:
        parent_pk = parent.pk if parent is not None else None
        self.parent_of[reply.pk] = parent_pk
        self.children[parent_pk].append(reply.pk)

    def reading_order(self) -> list[tuple[int, int | None, int]]:
        """(pk, parent pk, depth) for a depth-first walk with every reply's children in posting order."""
        walk = []

        def visit(pk, depth):
            walk.append((pk, self.parent_of[pk], depth))
            for child in self.children[pk]:
                visit(child, depth + 1)

        for root in self.children[None]:
            visit(root, 0)
        return walk


def stored_reading_order(article) -> list[tuple[int, int | None, int]]:
    return list(
        Reply.objects.filter(article=article).in_thread_order().values_list("pk", "parent_id", "level")
    )


# 1. Sequential writes -------------------------------------------------------------------------


@pytest.mark.django_db
def test_sequential_replies_of_every_shape_keep_trees_sound_parents_as_asked_and_siblings_in_posting_order(
    make_user, make_article
):
    article = make_article()
    other_article = make_article()
    authors = [make_user() for _ in range(4)]
    posted = {article.pk: PostedThread(), other_article.pk: PostedThread()}
    every_reply: list[Reply] = []
    rng = random.Random(20_240_611)

    def post(parent=None, on=article):
        # Parents are the instances reply_create returned earlier, whose lft/rght went stale as the
        # tree grew, as a caller's copy would: the write path must not number from them.
        reply = posting.reply_create(
            article=on,
            author=rng.choice(authors),
            body=f"Reply {len(every_reply) + 1}",
            parent=parent,
        )
        posted[on.pk].record(reply, parent)
        every_reply.append(reply)
        return reply

    tops = [post() for _ in range(4)]

    chain = [post(tops[0])]
    for _ in range(11):
        chain.append(post(chain[-1]))

    bush = [post(tops[1]) for _ in range(6)]
    grandchildren = [post(child) for child in bush for _ in range(2)]

    # The other article's trees take tree_ids between this article's, as they do in production
    # where every article shares one tree_id sequence.
    other_top = post(on=other_article)
    post(other_top, on=other_article)

    # Replies into the middle of branches that already have later replies after them: these make
    # mptt shift every row to their right, the path that goes wrong when it works from stale values.
    post(chain[5])
    post(tops[0])
    post(bush[0])
    post(grandchildren[0])
    post(chain[0])

    tops.append(post())
    post(tops[0])
    post(tops[2])
    post(other_top, on=other_article)
    post(tops[1])

    for _ in range(80):
        roll = rng.random()
        if roll < 0.15:
            post(on=rng.choice([article, article, other_article]))
            continue
        if roll < 0.35:
            parent = every_reply[-1]  # deepens the newest branch
        elif roll < 0.55:
            parent = rng.choice(every_reply[:10])  # the oldest replies, far left in their trees
        else:
            parent = rng.choice(every_reply)
        post(parent, on=parent.article)

    assert tree_violations() == []
    out = io.StringIO()
    call_command("check_tree", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == f"0 violations in {len(every_reply)} replies"

    stored_parents = dict(Reply.objects.values_list("pk", "parent_id"))
    asked_parents = {pk: parent for thread in posted.values() for pk, parent in thread.parent_of.items()}
    assert stored_parents == asked_parents

    # Reading order must be exactly the depth-first walk of what was asked, children in posting
    # order: this fails if any sibling is out of order, any reply sits under the wrong branch or at
    # the wrong depth, and it also puts the top-level replies in posting order.
    for article_pk, thread in posted.items():
        assert stored_reading_order(article_pk) == thread.reading_order()


# 2. check_tree detects corruption -------------------------------------------------------------


@pytest.fixture
def small_forest(db, make_article, make_reply):
    """Two trees, valid, with their rows by letter:

        A            E
        ├── B        ├── F
        │   └── D    └── G
        └── C
    """
    article = make_article()
    rows = {}
    rows["A"] = make_reply(article=article)
    rows["B"] = make_reply(article=article, parent=rows["A"])
    rows["C"] = make_reply(article=article, parent=rows["A"])
    rows["D"] = make_reply(article=article, parent=rows["B"])
    rows["E"] = make_reply(article=article)
    rows["F"] = make_reply(article=article, parent=rows["E"])
    rows["G"] = make_reply(article=article, parent=rows["E"])
    # Each case below is only evidence about check_tree if the tree was sound before it was broken.
    assert tree_violations() == []
    return {letter: Reply.objects.get(pk=reply.pk) for letter, reply in rows.items()}


def _update(reply: Reply, **fields) -> None:
    Reply.objects.filter(pk=reply.pk).update(**fields)


def duplicate_lft(r):
    # C takes B's lft: two siblings claim the same left edge.
    _update(r["C"], lft=r["B"].lft)
    return r["C"]


def child_outside_parent(r):
    # D and C trade places in the numbering but keep their parents: D's interval now lies in C's
    # slot, outside B, while every value in the tree stays used exactly once.
    _update(r["D"], lft=r["C"].lft, rght=r["C"].rght)
    _update(r["C"], lft=r["D"].lft, rght=r["D"].rght)
    return r["D"]


def wrong_level(r):
    _update(r["D"], level=r["B"].level)
    return r["D"]


def rght_max_not_2n(r):
    # A gap at the right edge: the root closes two past the last value the tree should use.
    _update(r["A"], rght=r["A"].rght + 2)
    return r["A"]


def overlapping_siblings(r):
    # F (2, 3) and G (4, 5) become F (2, 4) and G (3, 5): every value still used once and each
    # child still inside E, but the two intervals cross, which no nested set allows.
    _update(r["F"], rght=r["G"].lft)
    _update(r["G"], lft=r["F"].rght)
    return r["G"]


def reply_nested_in_sibling(r):
    # G's parent is E, but its interval (3, 4) now sits inside its sibling F (2, 5): the page,
    # which reads by lft, draws G as F's reply.
    _update(r["F"], rght=r["G"].rght)
    _update(r["G"], lft=r["F"].rght, rght=r["G"].lft)
    return r["G"]


CORRUPTIONS = [
    duplicate_lft,
    child_outside_parent,
    wrong_level,
    rght_max_not_2n,
    overlapping_siblings,
    reply_nested_in_sibling,
]


def _run_check_tree() -> tuple[int, str]:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_tree", stdout=io.StringIO(), stderr=err)
    return exit_info.value.code, err.getvalue()


def _reply_ids_named(report: str) -> set[int]:
    # Only numbers the report presents as replies ("reply 7", "root 7", "replies [7, 9]",
    # "roots [7, 9]"): lft/rght values, counts and tree_ids are numbers too, and matching any
    # number would let a report that never names the row pass.
    named = {int(pk) for pk in re.findall(r"\b(?:reply|root) (\d+)\b", report)}
    for listed in re.findall(r"\b(?:replies|roots) \(?\[([\d, ]*)\]", report):
        named |= {int(pk) for pk in listed.split(",") if pk.strip()}
    return named


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda c: c.__name__)
def test_check_tree_exits_1_on_a_corrupt_tree(small_forest, corrupt):
    corrupt(small_forest)

    code, _ = _run_check_tree()

    assert code == 1


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda c: c.__name__)
def test_check_tree_names_the_broken_reply_on_stderr(small_forest, corrupt):
    broken = corrupt(small_forest)

    _, report = _run_check_tree()

    assert broken.pk in _reply_ids_named(report), report


# 3. Concurrent writers (PostgreSQL) -----------------------------------------------------------

WRITERS = 8
WRITES_PER_WRITER = 25
SEED_ROOTS = 3


def test_the_database_refuses_a_second_root_in_one_tree(small_forest):
    # What two unlocked new-thread writers would leave behind: both took max(tree_id) + 1.
    r = small_forest
    with pytest.raises(IntegrityError), transaction.atomic():
        Reply.objects.filter(tree_id=r["E"].tree_id).update(tree_id=r["A"].tree_id)
    assert tree_violations() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_one_article_lose_no_reply_and_leave_every_tree_sound(make_user, make_article):
    article = make_article()
    authors = [make_user() for _ in range(WRITERS)]
    seeds = [
        posting.reply_create(article=article, author=authors[0], body=f"Seed {n}") for n in range(SEED_ROOTS)
    ]

    known_ids = [reply.pk for reply in seeds]
    acknowledged: list[tuple[int, int | None]] = []  # (new pk, parent pk asked for)
    errors: list[str] = []
    shared = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        rng = random.Random(number)
        author = authors[number]
        try:
            with connection.cursor() as cursor:
                # A lock wait that never ends would hang the run (and the flush after it) instead of
                # failing it; PostgreSQL reports real deadlocks by itself, long before this.
                cursor.execute("SET lock_timeout = '20s'")
            start.wait(timeout=60)
            for step in range(WRITES_PER_WRITER):
                parent = None
                if rng.random() >= 0.3:
                    with shared:
                        parent_pk = rng.choice(known_ids)
                    # Loaded before the call, as a view would: by the time the writer holds the
                    # lock, other threads have usually moved its lft/rght.
                    parent = Reply.objects.get(pk=parent_pk)
                reply = posting.reply_create(
                    article=article, author=author, body=f"Writer {number}, reply {step}", parent=parent
                )
                with shared:
                    acknowledged.append((reply.pk, parent.pk if parent else None))
                    known_ids.append(reply.pk)
        except BaseException as exc:  # noqa: BLE001 - every failure in a writer is a test failure
            start.abort()
            with shared:
                errors.append(f"writer {number}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,), name=f"writer-{n}") for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread.name for thread in threads if thread.is_alive()]

    assert errors == []
    assert tree_violations() == []

    stored = dict(Reply.objects.filter(article=article).values_list("pk", "parent_id"))
    assert len(acknowledged) == WRITERS * WRITES_PER_WRITER
    assert len(stored) == SEED_ROOTS + len(acknowledged)
    assert {pk: stored.get(pk, "lost") for pk, _ in acknowledged} == dict(acknowledged)

    root_tree_ids = list(Reply.objects.filter(parent__isnull=True).values_list("tree_id", flat=True))
    assert [tree_id for tree_id, n in Counter(root_tree_ids).items() if n > 1] == []


# 4. The torture run (testkit/torture.py, as bench/torture.py runs it), short --------------------------------------------------
#
# bench/torture.py runs 16 writers for 30 s, half of them over HTTP through two gunicorn
# instances. Here the same writers and the same checks run for a few seconds through the services
# only: threads with their own connections are enough to contend for the same row and advisory locks.

TORTURE_WRITERS = 6
TORTURE_SECONDS = 4


def _service_writers(setup):
    from testkit import torture

    return [
        torture.ServiceWriter(name=f"service-{n}", user_pk=pk, article_pk=setup.article_pk)
        for n, pk in enumerate(setup.user_pks)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seconds_of_concurrent_writers_and_a_moderator_lose_no_write_and_leave_every_tree_sound():
    from testkit import ledger as ledger_checks
    from testkit import torture

    setup = torture.prepare(writers=TORTURE_WRITERS, forest=300, moderator=True)
    ledger = torture.new_ledger(setup)
    moderator = torture.ServiceWriter(name="moderator", user_pk=setup.moderator_pk, article_pk=setup.article_pk)

    torture.run_writers(_service_writers(setup), ledger, seconds=TORTURE_SECONDS, moderator=moderator)

    assert ledger.server_errors == []
    assert ledger.unexpected == []
    assert ledger_checks.answered_after_the_parent_changed(ledger) == []
    assert ledger_checks.verify(ledger) == []
    # A run that never removed, say, would prove nothing about removals.
    kinds = ("reply", "top", "edit", "remove", "mod-remove", "mod-hold")
    assert {kind: ledger.acknowledged[kind] > 0 for kind in kinds} == dict.fromkeys(kinds, True), ledger.acknowledged


@pytest.mark.django_db
def test_the_torture_check_reports_each_kind_of_lost_or_wrong_write():
    # The check above passes only if verify() can fail: break one thing of each kind and expect it named.
    import time

    from testkit import ledger as ledger_checks
    from testkit import torture

    setup = torture.prepare(writers=1, forest=30)
    ledger = torture.new_ledger(setup)
    writer = _service_writers(setup)[0]
    writer.open()
    torture.writer_loop(writer, ledger, seed=3, deadline=time.monotonic() + 60, max_writes=60)
    assert ledger_checks.verify(ledger) == []
    edited = next(pk for pk, bodies in ledger.bodies.items() if len(bodies) > 1 and pk not in ledger.removed)
    live = next(pk for pk in ledger.parent_of if pk not in ledger.removed and pk != edited)
    removed = next(iter(ledger.removed))

    Reply.objects.filter(pk=edited).update(body=ledger.bodies[edited][0])  # an acknowledged edit undone
    Reply.objects.filter(pk=live).update(status=Reply.Status.REMOVED)  # removed without being asked
    Reply.objects.filter(pk=removed).update(status=Reply.Status.PUBLISHED)  # an acknowledged removal undone
    ledger.parent_of[10**9] = None  # acknowledged, never stored
    ledger.bodies[10**9] = ["lost"]
    ledger.parent_of[live] = setup.seeded[0] if Reply.objects.get(pk=live).parent_id != setup.seeded[0] else None
    answered = next(pk for pk, parent in ledger.parent_of.items() if parent is not None and pk != live)
    # As if its parent's removal had been acknowledged a second before the reply was asked for.
    ledger.changed_at[ledger.parent_of[answered]] = ledger.asked_at[answered] - 1

    report = "\n".join(ledger_checks.verify(ledger))

    assert f"reply {edited}: text is" in report
    assert f"reply {live}: status removed" in report
    assert f"reply {removed}: status published" in report
    assert f"reply {10**9}: acknowledged, not in the database (lost)" in report
    assert f"reply {live}: stored under" in report
    assert f"reply {answered}: acknowledged under {ledger.parent_of[answered]}, whose removal or hold" in report
