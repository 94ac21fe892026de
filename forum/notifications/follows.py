"""Following a discussion, @mentions, and the daily digest: who is told of a new reply.

All run after the reply committed (the receivers of forum.signals, delivered by the task queue)
and may run twice: the unique constraint on (recipient, reply) for these kinds makes a second
run tell nobody, and a reader is told of one reply once, whichever reason came first (an
answer to them, a mention, a discussion they follow).
"""

from __future__ import annotations

import datetime

from django.db import connections, router
from django.utils import timezone

from accounts.models import Ignore, User
from forum.mentions import mentioned_users
from forum.threads.models import Reply
from jobs import durable_task, enqueue

from .models import ArticleFollow, Notification
from .services import notification_add, send_digest_email

FAN_OUT_BATCH = 500


def follow_set(*, user, article, following: bool) -> bool:
    """Follow or stop following a discussion; returns whether the reader now follows it."""
    if following:
        ArticleFollow.objects.get_or_create(user=user, article=article, defaults={"created": timezone.now()})
    else:
        ArticleFollow.objects.filter(user=user, article=article).delete()  # a preference, not content
    return following


def follows_sql(database) -> str:
    """The rule "this reader follows this article" as SQL, with two parameters: the user's id, the
    article's. visit_open_following (forum/threads/services.py) asks it with the visit's upsert."""
    table = database.ops.quote_name(ArticleFollow._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {table} WHERE user_id = %s AND article_id = %s)"


def follows(*, user, article) -> bool:
    """Whether `user` follows `article`'s discussion: asked on signed-in article pages, so in plain
    SQL (building the ORM's `exists()` took ten times as long as the query itself)."""
    if not user.is_authenticated:
        return False
    database = connections[router.db_for_read(ArticleFollow)]
    with database.cursor() as cursor:
        cursor.execute(f"SELECT {follows_sql(database)}", [user.pk, article.pk])
        return bool(cursor.fetchone()[0])


def _ignoring_writer(writer_id: int) -> set[int]:
    return set(Ignore.objects.filter(ignored_id=writer_id).values_list("user_id", flat=True))


def notify_mentioned(reply: Reply) -> list[Notification]:
    """Each account the published reply @mentions, once, unless it is the writer or ignores them."""
    if reply.status != Reply.Status.PUBLISHED:
        return []
    people = [user for user in mentioned_users(reply.body) if user.pk != reply.author_id]
    if not people:
        return []
    ignoring = _ignoring_writer(reply.author_id)
    told = [
        notification_add(recipient=user, reply=reply, kind=Notification.Kind.MENTION, email=user.email_on_reply)
        for user in people if user.pk not in ignoring
    ]
    return [notification for notification in told if notification is not None]


def follow_on_reply(reply: Reply) -> None:
    """Posting a reply follows its discussion, for readers who keep that setting on."""
    if reply.author.follow_on_reply and reply.author.has_usable_password():
        follow_set(user=reply.author, article=reply.article, following=True)


def notify_followers(reply: Reply) -> int:
    """Every follower of the discussion but the writer and those who ignore them, in batches
    (a discussion may have thousands of followers; this runs in the worker, not a request)."""
    if reply.status != Reply.Status.PUBLISHED:
        return 0
    ignoring = _ignoring_writer(reply.author_id)
    followers = (
        User.objects.filter(follows__article_id=reply.article_id, is_active=True)
        .exclude(pk=reply.author_id)
        .order_by("pk")
    )
    told, last = 0, 0
    while True:
        batch = list(followers.filter(pk__gt=last)[:FAN_OUT_BATCH])
        if not batch:
            return told
        for user in batch:
            if user.pk in ignoring:
                continue
            email = user.follow_email == User.FollowEmail.EACH
            told += notification_add(recipient=user, reply=reply, kind=Notification.Kind.FOLLOW, email=email) is not None
        last = batch[-1].pk


@durable_task
def send_digests(since_hours: int = 24) -> int:
    """One email per digest reader with the followed discussions' new replies they were told of
    and have not read or been emailed about. Run daily (docs/deploy.md: `manage.py send_digests`)."""
    since = timezone.now() - datetime.timedelta(hours=since_hours)
    readers = (
        Notification.objects.filter(
            kind=Notification.Kind.FOLLOW, emailed_at__isnull=True, read_at__isnull=True, created__gte=since,
            recipient__follow_email=User.FollowEmail.DIGEST,
        )
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    count = 0
    for recipient_id in readers:
        enqueue(send_digest_email, recipient_id, since.isoformat())
        count += 1
    return count
