"""Importing a Disqus export: the writes. The plan (forum.imports.plan) has already read the
whole file and refused it if anything was wrong; this streams the file a second time for the
messages and writes everything in one transaction, so a failure leaves nothing behind.

How each post lands (the tree is kept whole):

- a deleted post becomes a "[deleted]" placeholder (removed, `removed_by=deleted`) with its
  replies under it; spam is imported removed by a moderator (moderators read it, and can
  restore it); a post the moderation hooks hold or refuse waits in the queue, held;
- a post whose parent is missing from the export goes to the top level, with a note saying so;
- replies that come before their parents in the file are placed all the same: nothing is
  written until every parent is known.

New trees are written in bulk: their nested-set numbers are worked out from the parent links
(forum.threads.tree.nested_set_numbers), their ids reserved, and the rows inserted as the file
streams by, in any order (foreign keys are checked at commit). Their tree ids are allocated
under the new-tree lock (forum.threads.locks.lock_new_tree), held to the end of the import. A
post that answers a reply already stored joins that tree one at a time, under its branch lock,
as any reply does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Max
from django.utils.text import slugify

from accounts.services import imported_account_get_or_create
from forum.moderation import hooks
from forum.moderation.log import imported_decisions_log
from forum.rendering import html_to_markdown, render_markdown
from forum.threads import cache, locks
from forum.threads.models import Article, Reply
from forum.threads.services import article_save
from forum.threads.tree import nested_set_numbers

from .disqus import DisqusAuthor, DisqusPost, DisqusThread, read_records
from .plan import Plan

SPAM_REASON = "Marked as spam on Disqus."
UNAPPROVED_REASON = "Waiting for a moderator's approval when it was exported."
BATCH = 500


@dataclass
class ImportReport:
    threads: int = 0
    posts: int = 0
    already_imported: int = 0
    created: int = 0
    deleted: int = 0
    spam: int = 0
    held: int = 0
    articles_created: list[str] = field(default_factory=list)
    articles_matched: list[str] = field(default_factory=list)
    accounts_created: int = 0
    missing_parents: dict[str, str] = field(default_factory=dict)  # post id -> the parent id it named


def missing_parent_note(parent_id: str) -> str:
    return f"*This answered a comment that is not in the Disqus export (id {parent_id}).*"


def disqus_import(
    *, plan: Plan, source, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Write what `plan` decided, reading the messages from `source` (the same export again).

    One transaction. Locks: the new-tree lock for the whole import (new top-level replies
    elsewhere wait for it); the branch root of each stored reply a post answers, one at a time.
    """
    report = ImportReport(
        threads=len(plan.threads), posts=len(plan.posts), already_imported=len(plan.known),
        missing_parents=dict(plan.missing_parent),
    )
    with transaction.atomic():
        writer = _Writer(plan, report)
        writer.prepare()
        done = 0
        total = len(plan.parent_of)
        for record in read_records(source, path=plan.path):
            if isinstance(record, DisqusPost) and record.dsq_id in plan.parent_of:
                writer.post(record)
                done += 1
                if progress and done % 1000 == 0:
                    progress(done, total)
        writer.finish()
        # What the import held or removed is in the moderation log, as a hold on posting is.
        imported_decisions_log(article_ids={article.pk for article in writer.articles.values()})
        if progress:
            progress(total, total)
    return report


class _Writer:
    def __init__(self, plan: Plan, report: ImportReport):
        self.plan, self.report = plan, report
        self.articles: dict[str, Article] = {}  # thread id -> article
        self.accounts: dict[str, object] = {}
        self.numbers: dict[str, tuple[int, int, int, int]] = {}  # post id -> tree_id, lft, rght, level
        self.pks: dict[str, int] = {}
        self.batch: list[Reply] = []
        self.later: dict[str, DisqusPost] = {}  # posts that join stored trees
        self.onto_existing = set(plan.onto_existing)

    # --- before the messages: articles, tree numbers, ids ---

    def prepare(self) -> None:
        plan = self.plan
        threads_with_posts = {plan.posts[dsq_id].thread_id for dsq_id in plan.posts}
        for thread_id, thread in plan.threads.items():
            if thread_id in threads_with_posts:
                self.articles[thread_id] = self._article_for(thread)
        bulk = [dsq_id for dsq_id in plan.parent_of if dsq_id not in self.onto_existing]
        bulk.sort(key=plan.thread_order)
        if not bulk:
            return
        # All the import's new trees are numbered under one new-tree lock, held to the commit.
        for article in {a.pk: a for a in self.articles.values()}.values():
            locks.lock_new_tree(article.pk)
        numbers = nested_set_numbers({dsq_id: plan.parent_of[dsq_id] for dsq_id in bulk})
        next_tree = (Reply.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
        tree_of: dict[str, int] = {}
        for dsq_id in bulk:  # roots come in reading order, so trees are numbered oldest first
            parent = plan.parent_of[dsq_id]
            if parent is None:
                tree_of[dsq_id] = next_tree
                next_tree += 1
            else:
                tree_of[dsq_id] = tree_of[parent]
            lft, rght, level = numbers[dsq_id]
            self.numbers[dsq_id] = (tree_of[dsq_id], lft, rght, level)
        self.pks = dict(zip(bulk, _reserve_ids(len(bulk)), strict=True))

    def _article_for(self, thread: DisqusThread) -> Article:
        """The article a thread's posts go to: one whose link is the thread's, or the one its
        posts went to on an earlier import, or a new one. An existing article is left as it is."""
        link = thread.link.strip()
        article = Article.objects.filter(link=link).first() if link else None
        if article is None:
            known = [d for d, s in self.plan.posts.items() if s.thread_id == thread.dsq_id and d in self.plan.known]
            if known:
                article = Article.objects.filter(replies__disqus_id=known[0]).first()
        if article is not None:
            if article.title not in self.report.articles_matched + self.report.articles_created:
                self.report.articles_matched.append(article.title)
            return article
        title = thread.title or link or f"Disqus thread {thread.dsq_id}"
        article = Article(
            title=title[:300],
            # The site's own identifier, when it is a slug (the forum's export writes the slug there).
            slug=_free_slug(thread.ident if _SLUG.fullmatch(thread.ident) else slugify(title)),
            body="",
            link=link,
            source=urlsplit(link).hostname or "" if link else "",
            published_on=thread.created_at.date() if thread.created_at else None,
            locked=thread.closed,
            # A thread deleted on Disqus is kept, hidden, for an editor to decide on.
            draft=thread.deleted,
        )
        article = article_save(article=article)
        self.report.articles_created.append(article.title)
        return article

    # --- as the file streams by ---

    def post(self, record: DisqusPost) -> None:
        article = self.articles[record.thread_id]
        author = self._author(record.author)
        body = html_to_markdown(record.message)
        missing = self.plan.missing_parent.get(record.dsq_id)
        if missing:
            body = f"{missing_parent_note(missing)}\n\n{body}".strip()
        if record.dsq_id in self.onto_existing:
            self.later[record.dsq_id] = _Pending(record, article, author, body)
            return
        parent_id = self.plan.parent_of[record.dsq_id]
        parent = Reply(pk=self.pks[parent_id], article=article) if parent_id else None
        reply = self._reply(record, article=article, author=author, body=body, parent=parent)
        reply.pk = self.pks[record.dsq_id]
        reply.parent_id = parent.pk if parent else None
        reply.tree_id, reply.lft, reply.rght, reply.level = self.numbers[record.dsq_id]
        self.batch.append(reply)
        if len(self.batch) >= BATCH:
            self._flush()

    def _reply(self, record: DisqusPost, *, article, author, body, parent) -> Reply:
        """The row for a post, its status decided: deleted, spam, or what the hooks say."""
        reply = Reply(
            article=article, author=author, body=body, body_html=render_markdown(body),
            created=record.created_at, disqus_id=record.dsq_id,
        )
        # Every post passes the hooks, as a reply typed here would; for a bulk tree, `parent`
        # carries only its id and article (it is not stored yet).
        decision = hooks.moderate(author=author, article=article, parent=parent, body=body)
        if record.spam:
            reply.status, reply.removed_by, reply.hold_reason = Reply.Status.REMOVED, Reply.RemovedBy.MODERATOR, SPAM_REASON
            self.report.spam += 1
        elif record.deleted:
            reply.status, reply.removed_by = Reply.Status.REMOVED, Reply.RemovedBy.DELETED
            self.report.deleted += 1
        elif not record.approved:
            reply.status, reply.hold_reason = Reply.Status.HELD, UNAPPROVED_REASON
            self.report.held += 1
        elif decision.verdict != hooks.Verdict.ALLOW:
            # A refusal is held rather than dropped: the post happened, and a moderator decides.
            reply.status, reply.hold_reason = Reply.Status.HELD, decision.reason
            self.report.held += 1
        self.report.created += 1
        return reply

    def _author(self, author: DisqusAuthor):
        anonymous = author.anonymous or not author.username
        key = f"disqus-anonymous:{author.name.strip().casefold()}" if anonymous else f"disqus:{author.username}"
        if key not in self.accounts:
            self.accounts[key], created = imported_account_get_or_create(
                key=key,
                name=author.name or "Anonymous",
                username="" if anonymous else author.username,
                email="" if anonymous else author.email,
            )
            self.report.accounts_created += created
        return self.accounts[key]

    def _flush(self) -> None:
        if self.batch:
            Reply.objects.bulk_create(self.batch)
            self.batch = []

    # --- after the file: the posts that join stored trees ---

    def finish(self) -> None:
        self._flush()
        stored: dict[str, Reply] = {}
        done: set[str] = set()

        def attach(dsq_id: str) -> None:
            if dsq_id in done:
                return
            pending = self.later[dsq_id]
            parent_id = self.plan.parent_of[dsq_id]
            if parent_id in self.later:
                attach(parent_id)
            parent = stored.get(parent_id) or Reply.objects.get(disqus_id=parent_id)
            body = pending.body
            if parent.article_id != pending.article.pk:  # the stored parent is on another article
                self.report.missing_parents[dsq_id] = parent_id
                body, parent = f"{missing_parent_note(parent_id)}\n\n{body}".strip(), None
            reply = self._reply(pending.record, article=pending.article, author=pending.author, body=body, parent=parent)
            if parent is None:
                locks.lock_new_tree(pending.article.pk)
            else:
                reply.parent = locks.lock_branch(parent.pk, answering=True)
            reply.save()  # django-mptt makes room in the tree, under the lock just taken
            stored[dsq_id] = reply
            done.add(dsq_id)

        for dsq_id in sorted(self.later, key=self.plan.thread_order):
            attach(dsq_id)
        for article in {article.pk: article for article in self.articles.values()}.values():
            cache.bump(article)


@dataclass
class _Pending:
    record: DisqusPost
    article: Article
    author: object
    body: str


def _reserve_ids(count: int) -> list[int]:
    """`count` reply ids nobody else will take, so rows can name parents not yet inserted."""
    table = Reply._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the database's write lock (IMMEDIATE), so max + 1 is ours.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - the model's own table name
        top = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        top = max(top, cursor.fetchone()[0])
    return list(range(top + 1, top + 1 + count))


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _free_slug(slug: str) -> str:
    base = slug[:100].rstrip("-") or "discussion"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


