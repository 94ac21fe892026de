"""The only code that writes forum content. Views, the admin and the seed importer all call these.

The reply tree is django-mptt's nested set, one tree per top-level reply. django-mptt itself takes
no locks, and two concurrent writers corrupt a tree (its issues #236 and #555), so every write to
a tree here holds a lock for the length of its transaction:

- a reply under an existing reply locks the row of its branch's root (`select_for_update`) and
  then reads its parent again, since the parent's lft/rght may have moved while it waited;
- a new top-level reply allocates a new tree_id, which is `max(tree_id) + 1` over the table: on
  PostgreSQL it takes a transaction-level advisory lock around that allocation.

On SQLite every transaction begins IMMEDIATE (see settings), which takes the database's single
write lock up front, so writers are serialised there without any of the above.

Both PostgreSQL locks rely on READ COMMITTED, PostgreSQL's default: each statement after the
lock sees what the previous holder committed. Under REPEATABLE READ the re-read parent and
max(tree_id) would come from a snapshot taken before the wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from .models import Article, ArticleVisit, Reply
from .rendering import render_markdown

# Any constant works, as long as nothing else in the database uses it for an advisory lock.
NEW_TREE_LOCK_KEY = 7_301_948_215


@dataclass(frozen=True)
class ArticleData:
    title: str
    slug: str
    body: str
    source: str = ""
    byline: str = ""
    section: str = ""
    standfirst: str = ""
    photo_caption: str = ""
    published_on: object = None  # datetime.date or None
    updated_on: object = None


def article_save(*, article: Article) -> Article:
    """Save an article as edited (in the admin, say), with its body rendered again."""
    article.body_html = render_markdown(article.body)
    article.save()
    return article


def article_upsert(*, data: ArticleData) -> Article:
    """Create the article with this slug, or bring an existing one up to date (the importer)."""
    article = Article.objects.filter(slug=data.slug).first() or Article(slug=data.slug)
    for name, value in vars(data).items():
        setattr(article, name, value)
    return article_save(article=article)


def _lock_new_tree() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_TREE_LOCK_KEY])


def _lock_branch_of(parent: Reply) -> Reply:
    """Lock the branch root above `parent`, then return `parent` as it is now."""
    while True:
        tree_id = Reply.objects.filter(pk=parent.pk).values_list("tree_id", flat=True).get()
        Reply.objects.select_for_update().filter(tree_id=tree_id, parent__isnull=True).get()
        fresh = Reply.objects.select_related("article").get(pk=parent.pk)
        if fresh.tree_id == tree_id:  # trees never move today; the check keeps that assumption honest
            return fresh


def reply_create(
    *,
    article: Article,
    author: User,
    body: str,
    parent: Reply | None = None,
    created=None,
    now_if_unset: bool = True,
) -> Reply:
    """Post a reply to `article`, at the top level or under `parent`.

    `created` is the posting time; the importer passes None with `now_if_unset=False`
    because the seeds give no times.
    """
    if created is None and now_if_unset:
        created = timezone.now()
    with transaction.atomic():
        if parent is None:
            _lock_new_tree()
        else:
            parent = _lock_branch_of(parent)
            if parent.article_id != article.pk:
                raise ValidationError("That reply belongs to another article.")
        reply = Reply(
            article=article,
            parent=parent,
            author=author,
            body=body,
            body_html=render_markdown(body),
            created=created,
        )
        reply.save()
    return reply


def visit_record(*, user: User, article: Article, at, previous: ArticleVisit | None) -> None:
    """Note that `user` read `article` at `at`. `previous` is the visit row as read before the page.

    One query either way. A first visit is an upsert rather than an insert, so two tabs opened
    at once cannot both insert and trip the unique constraint.
    """
    if previous is None:
        ArticleVisit.objects.bulk_create(
            [ArticleVisit(user=user, article=article, last_seen_at=at)],
            update_conflicts=True,
            unique_fields=["user", "article"],
            update_fields=["last_seen_at"],
        )
        return
    ArticleVisit.objects.filter(pk=previous.pk).update(
        last_seen_at=at, new_after=previous.new_after_at(at)
    )
