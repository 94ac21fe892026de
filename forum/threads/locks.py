"""The locking rule for the discussion, stated once. Every service that writes takes its locks here.

The reply tree is django-mptt's nested set, one tree per top-level reply. django-mptt takes no
locks, and two concurrent writers corrupt a tree (its issues #236 and #555). The rules about
replies (may it be answered? edited? removed?) have the same need: a check is only worth
something if the state it read cannot change before the write that relies on it commits.

The rule:

1. **A branch root's row lock guards its whole tree.** Every write to a tree (a new reply under
   it) and every write that reads or changes whether one of its replies may be answered,
   edited or removed (an edit, a removal by the author or a moderator, a hold, an approval, a
   restore, a flag that may auto-hold, a branch lock) first takes `lock_branch()`: the row of
   the top-level reply of that tree, `SELECT ... FOR UPDATE`. It then re-reads the reply it acts
   on, since the row may have changed while it waited, and checks the policy on that fresh row.
   So a removal and a reply under the removed reply cannot both pass their checks: one waits,
   then sees what the other did.
2. **A new top-level reply takes `lock_new_tree()`**, a transaction-level advisory lock around
   the allocation of its tree_id (`max(tree_id) + 1` over the table).
3. **The article's row guards "is this discussion locked"**: locking or unlocking an article
   takes it `FOR UPDATE` (`lock_article()`); every new reply takes it `FOR KEY SHARE` in the
   statement that takes its rule 1 or 2 lock (`lock_branch(..., answering=True)`,
   `lock_new_tree()`), and reads `locked` after. Share locks do not wait for each other, so
   replies in different branches of one article still run side by side.
4. **No cycles**: no writer takes two branch roots, and the only writer that takes the
   article's row exclusively (lock_article) takes no tree lock. So no two writers can wait on
   each other in a cycle, whatever order a statement takes its locks in. Other rows come after
   these, never before: a user's (a suspension), and the share locks an insert takes on the rows
   its foreign keys name (the log entry's actor, article and reply).

All of this is for PostgreSQL, and relies on READ COMMITTED, its default: each statement after a
lock sees what the previous holder committed. Under REPEATABLE READ the re-reads would come from
a snapshot taken before the wait. On SQLite every transaction begins IMMEDIATE (settings), which
takes the database's single write lock up front, so writers are serialised there and these
functions only read.

Each function must be called inside `transaction.atomic()`: the locks last until it ends.
"""

from __future__ import annotations

from django.db import connection

from .models import Article, Reply

# Any constant works, as long as nothing else in the database uses it for an advisory lock.
NEW_TREE_LOCK_KEY = 7_301_948_215


def lock_new_tree(article_pk: int) -> bool:
    """Rules 2 and 3 for a new top-level reply, in one round trip: the new-tree lock, and the
    article's row shared. Returns whether the article is locked, as of after the lock."""
    if connection.vendor != "postgresql":
        return Article.objects.filter(pk=article_pk, locked=True).exists()
    with connection.cursor() as cursor:
        # FOR KEY SHARE: the weakest row lock that still waits for lock_article()'s FOR UPDATE.
        # Django's select_for_update() has no share modes, hence the SQL.
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s), (SELECT locked FROM {Article._meta.db_table} "
            "WHERE id = %s FOR KEY SHARE)",
            [NEW_TREE_LOCK_KEY, article_pk],
        )
        return bool(cursor.fetchone()[1])


# The branch root's row, found through the tree of any reply in it; with `OF a`, its article's
# row too, shared.
_ROOT_LOCK = (
    f"SELECT r.tree_id FROM {Reply._meta.db_table} r JOIN {Article._meta.db_table} a ON a.id = r.article_id "
    f"WHERE r.parent_id IS NULL AND r.tree_id = (SELECT tree_id FROM {Reply._meta.db_table} WHERE id = %s) "
    "FOR UPDATE OF r"
)


def lock_branch(reply_pk: int, *, answering: bool = False) -> Reply:
    """Rule 1: lock the root of the tree holding `reply_pk`, then return that reply as it is now.

    `answering`: a new reply is being posted under it, so rule 3 too, in the same statement: the
    article's row shared, and the returned reply's `article.locked` is as of after the lock.
    The reply comes back with its article and its author in one query: each round trip here is
    spent holding the branch lock.
    """
    while True:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_ROOT_LOCK + (" FOR KEY SHARE OF a" if answering else ""), [reply_pk])
                locked_tree = cursor.fetchone()[0]
        else:
            locked_tree = Reply.objects.filter(pk=reply_pk).values_list("tree_id", flat=True).get()
        fresh = Reply.objects.select_related("article", "author").get(pk=reply_pk)
        if fresh.tree_id == locked_tree:  # trees never move today; the check keeps that assumption honest
            return fresh


def lock_article(article_pk: int) -> Article:
    """Rule 3, for a writer that changes whether the article may be answered."""
    return Article.objects.select_for_update().get(pk=article_pk)
