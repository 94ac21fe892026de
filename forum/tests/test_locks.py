"""The locking rule of forum.threads.locks, held to with two connections on PostgreSQL.

Each test holds one write open in a transaction on one connection (a removal, a hold, a lock),
starts the write that depends on it on a second connection, and checks that the second one
waits for the first one's lock, then sees what it did and is refused. Without the rule the
second write does not wait: it checks the state from before the first one commits, and is
acknowledged after it, leaving a published reply under a removed one, or an edit stored on a
removed reply.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from forum.errors import ForumError
from forum.models import Reply, ReplyRevision
from forum.moderation import actions
from forum.posting import services as posting

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class OnItsOwnConnection(threading.Thread):
    """Runs `write` in a thread, so on a database connection of its own; keeps its answer."""

    def __init__(self, write, *, hold_open: bool = False):
        super().__init__(daemon=True)
        self.write, self.hold_open = write, hold_open
        self.done_writing = threading.Event()  # with hold_open: written, not yet committed
        self.commit = threading.Event()
        self.result = self.error = None

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")
            with transaction.atomic():
                self.result = self.write()
                self.done_writing.set()
                if self.hold_open:
                    self.commit.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001 - the test reads it
            self.error = error
        finally:
            self.done_writing.set()
            connection.close()


def waits_for_a_lock(thread: threading.Thread, timeout: float = 10) -> bool:
    """Whether another backend of this database is waiting on a lock while `thread` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not thread.is_alive():
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def race(first, second):
    """Hold `first` open, start `second`, let `first` commit once `second` waits. Returns
    (whether `second` waited, `second`'s thread with its result or error)."""
    holder = OnItsOwnConnection(first, hold_open=True)
    holder.start()
    assert holder.done_writing.wait(timeout=20) and holder.error is None, holder.error
    follower = OnItsOwnConnection(second)
    follower.start()
    waited = waits_for_a_lock(follower)
    holder.commit.set()
    holder.join(timeout=30)
    follower.join(timeout=30)
    assert holder.error is None, holder.error
    return waited, follower


@pytest.fixture
def thread(make_article, make_user, django_user_model):
    article = make_article()
    author, other = make_user(), make_user()
    # The parent is not a top-level reply: its row is not its branch root's, so a write that
    # locks only the row it changes does not meet a reply that locks the branch root.
    root = posting.reply_create(article=article, author=other, body="The top-level reply")
    parent = posting.reply_create(article=article, author=author, parent=root, body="The parent")
    child = posting.reply_create(article=article, author=other, parent=parent, body="A reply below it")
    # A superuser moderates: the Moderators group, made by a migration, does not survive the
    # flush between transactional tests.
    moderator = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-1")
    return article, author, other, parent, child, moderator


def _changers(*, author, parent, moderator, flagger):
    return {
        "removed by its author": (
            lambda: posting.reply_remove_own(reply=parent, user=author), "was removed and cannot be answered"
        ),
        "removed by a moderator": (
            lambda: actions.reply_remove_by_moderator(reply=parent, moderator=moderator, reason="Spam"),
            "was removed and cannot be answered",
        ),
        "held by a moderator": (
            lambda: actions.reply_hold(reply=parent, moderator=moderator, reason="Check it"),
            "awaiting moderation",
        ),
        "held by a reader's flag": (
            lambda: actions.reply_flag(reply=parent, flagger=flagger, reason="spam"),
            "awaiting moderation",
        ),
        "in a branch a moderator locked": (
            lambda: actions.branch_lock(reply=parent, moderator=moderator, reason="Cooling off"),
            "locked this branch",
        ),
    }


@pytest.mark.parametrize(
    "change",
    ["removed by its author", "removed by a moderator", "held by a moderator", "held by a reader's flag",
     "in a branch a moderator locked"],
)
def test_a_reply_waits_for_a_change_to_its_parent_then_is_refused(thread, make_user, settings, change):
    article, author, other, parent, child, moderator = thread
    settings.FORUM_FLAG_HOLD_THRESHOLD = 1  # one flag holds the reply
    changer, says = _changers(author=author, parent=parent, moderator=moderator, flagger=make_user())[change]
    before = Reply.objects.count()

    waited, reply = race(changer, lambda: posting.reply_create(
        article=article, author=other, parent=Reply.objects.get(pk=parent.pk), body="Just in time?"
    ))

    assert waited, "the reply did not wait for the change to its parent"
    assert isinstance(reply.error, ForumError) and says in reply.error.message, reply.error or reply.result
    assert Reply.objects.count() == before


def test_a_top_level_reply_waits_for_the_article_lock_then_is_refused(thread):
    article, author, other, parent, child, moderator = thread
    before = Reply.objects.count()

    waited, reply = race(
        lambda: actions.article_lock(article=article, moderator=moderator, reason="Enough"),
        lambda: posting.reply_create(article=article, author=other, body="Last word"),
    )

    assert waited, "the reply did not wait for the article's lock"
    assert isinstance(reply.error, ForumError) and "discussion is locked" in reply.error.message
    assert Reply.objects.count() == before


@pytest.mark.parametrize("remover", ["author", "moderator"])
def test_an_edit_waits_for_a_removal_then_is_refused_and_nothing_is_stored(thread, remover):
    article, author, other, parent, child, moderator = thread
    remove = {
        "author": lambda: posting.reply_remove_own(reply=parent, user=author),
        "moderator": lambda: actions.reply_remove_by_moderator(reply=parent, moderator=moderator, reason="x"),
    }[remover]

    waited, edit = race(remove, lambda: posting.reply_edit(reply=parent, editor=author, body="Second thoughts"))

    assert waited, "the edit did not wait for the removal"
    assert isinstance(edit.error, ForumError) and "was removed" in edit.error.message
    stored = Reply.objects.get(pk=parent.pk)
    assert (stored.status, stored.body) == ("removed", "The parent")
    assert not ReplyRevision.objects.filter(reply=parent).exists()


def test_a_removal_waits_for_a_reply_being_posted_under_it_and_both_stand(thread):
    # The other order is legal: the reply came first, then the removal. Nothing is refused.
    article, author, other, parent, child, moderator = thread

    waited, removal = race(
        lambda: posting.reply_create(article=article, author=other, parent=parent, body="First in"),
        lambda: posting.reply_remove_own(reply=Reply.objects.get(pk=parent.pk), user=author),
    )

    assert waited and removal.error is None
    assert Reply.objects.get(pk=parent.pk).status == "removed"
    assert Reply.objects.filter(parent=parent, body="First in", status="published").exists()
