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
   takes it `FOR UPDATE` (`lock_article()`); every new reply takes it `FOR KEY SHARE`
   (`lock_article_for_reply()`) before it reads `locked`. Share locks do not wait for each other,
   so replies in different branches of one article still run side by side.
4. **Order**: the article first, then the new-tree lock or one branch root, then anything else
   (a user's row). No writer takes two branch roots. Always this order, so no two writers can
   wait on each other in a cycle.

All of this is for PostgreSQL, and relies on READ COMMITTED, its default: each statement after a
lock sees what the previous holder committed. Under REPEATABLE READ the re-reads would come from
a snapshot taken before the wait. On SQLite every transaction begins IMMEDIATE (settings), which
takes the database's single write lock up front, so writers are serialised there and these
functions only read.

Each function must be called inside `transaction.atomic()`: the locks last until it ends.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Subquery

from .models import Article, Reply

# Any constant works, as long as nothing else in the database uses it for an advisory lock.
NEW_TREE_LOCK_KEY = 7_301_948_215


def lock_new_tree() -> None:
    """Rule 2: held until the transaction ends, so two new top-level replies get two tree_ids."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_TREE_LOCK_KEY])


def lock_branch(reply_pk: int) -> Reply:
    """Rule 1: lock the root of the tree holding `reply_pk`, then return that reply as it is now.

    The reply comes back with its article (for the article's lock) and its author (for the
    notification) in the same query: each round trip here is spent holding the branch lock.
    """
    while True:
        tree_of_reply = Reply.objects.filter(pk=reply_pk).values("tree_id")
        locked_tree = (
            Reply.objects.select_for_update()
            .filter(tree_id=Subquery(tree_of_reply), parent__isnull=True)
            .values_list("tree_id", flat=True)
            .get()
        )
        fresh = Reply.objects.select_related("article", "author").get(pk=reply_pk)
        if fresh.tree_id == locked_tree:  # trees never move today; the check keeps that assumption honest
            return fresh


def lock_article(article_pk: int) -> Article:
    """Rule 3, for a writer that changes whether the article may be answered."""
    return Article.objects.select_for_update().get(pk=article_pk)


def lock_article_for_reply(article_pk: int) -> bool:
    """Rule 3, for a new reply: share-lock the article's row and say whether it is locked."""
    if connection.vendor != "postgresql":
        return Article.objects.filter(pk=article_pk, locked=True).exists()
    with connection.cursor() as cursor:
        # FOR KEY SHARE: the weakest row lock that still waits for lock_article()'s FOR UPDATE.
        # Django's select_for_update() has no share modes, hence the SQL.
        cursor.execute("SELECT locked FROM forum_article WHERE id = %s FOR KEY SHARE", [article_pk])
        row = cursor.fetchone()
    if row is None:
        raise Article.DoesNotExist(f"no article {article_pk}")
    return row[0]
