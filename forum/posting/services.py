"""Posting, editing and taking down one's own replies: the only code that writes a reply's text.

Each service has the same shape. Check: the author, the input and the moderation hooks, with
nothing locked, and the Markdown rendered. Do: in one transaction, the locks of
forum.threads.locks, the rows read again under them, forum.policy asked again on those fresh
rows, and the write. Notify: the thread's cached pages are renewed on commit, and the signals
are queued in the same transaction and sent by a task once it commits (forum.signals;
forum.notifications listens).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from forum import mentions, policy, signals
from forum.conf import forum_settings
from forum.errors import Nudged, RateLimited, Refused
from forum.moderation import hooks
from forum.moderation import log as moderation_log
from forum.rendering import CONTROL_CHARACTERS, render_markdown
from forum.threads import cache, locks, selectors
from forum.threads.models import Article, Reply, ReplyRevision


def clean_body(body: str) -> str:
    """The body as it will be stored, or Refused saying what is wrong with it."""
    if CONTROL_CHARACTERS.search(body):
        raise Refused(
            _("Your text contains a control character (such as a NUL byte) that cannot be posted. "
            "Remove it and try again.")
        )
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise Refused(_("Write something before posting: the reply is empty."))
    limit = forum_settings.REPLY_MAX_LENGTH
    if len(body) > limit:
        raise Refused(
            _("Your reply is %(length)s characters long; the limit is %(limit)s.")
            % {"length": number_format(len(body), force_grouping=True), "limit": number_format(limit, force_grouping=True)}
        )
    return body


def _moderate(**kwargs) -> hooks.Decision:
    """Run the hooks; a rejection is raised as the refusal it is, a hold is returned."""
    decision = hooks.moderate(**kwargs)
    if decision.verdict == hooks.Verdict.REJECT:
        if decision.retry_after:
            raise RateLimited(decision.reason, retry_after=decision.retry_after)
        if decision.nudge:
            raise Nudged(decision.reason)
        raise Refused(decision.reason)
    return decision


def reply_create(
    *,
    article: Article,
    author,
    body: str,
    parent: Reply | None = None,
    form_token: str | None = None,
    request=None,
    imported: bool = False,
) -> Reply:
    """Post a reply to `article`, at the top level or under `parent`.

    Raises a forum.errors refusal when the author may not post this. `form_token` makes a form's
    second submit return the reply its first one made. `imported` is for the importers: their
    replies have no time (the seeds give none) and their accounts cannot sign in, so the checks
    on a signed-in author do not apply, and the thread's shape is kept as it happened; the
    moderation hooks still run. Imported replies are the only ones without a `created` time,
    and import_seeds relies on that to tell them apart.

    Locks (forum.threads.locks): the new-tree lock for a top-level reply, or the row of
    `parent`'s branch root; with either, the article's row, shared.
    """
    if form_token:
        existing = Reply.objects.filter(author=author, form_token=form_token).first()
        if existing:
            return existing
    if not imported:
        policy.check(policy.author_refusal(author))
        body = clean_body(body)
    decision = _moderate(author=author, article=article, parent=parent, body=body, request=request)
    held = decision.verdict == hooks.Verdict.HOLD
    reply = Reply(
        article=article,
        author=author,
        body=body,
        body_html=render_markdown(body, mentions=mentions.resolve(body)),
        created=None if imported else timezone.now(),
        form_token=form_token or None,
        status=Reply.Status.HELD if held else Reply.Status.PUBLISHED,
        hold_reason=decision.reason if held else "",
    )
    try:
        with transaction.atomic():
            if parent is None:
                article_locked = locks.lock_new_tree(article.pk)
            else:
                parent = locks.lock_branch(parent.pk, answering=True)
                article_locked = parent.article.locked
            branch_locked = parent is not None and not imported and selectors.branch_locked(parent)
            refusal = policy.answer_refusal(
                article=article, article_locked=article_locked, parent=parent, branch_locked=branch_locked,
                imported=imported,
            )
            policy.check(refusal)
            reply.parent = parent
            reply.save()
            if held:
                moderation_log.hold_on_posting(reply)  # an automatic action: the log says so
            cache.bump(article)
            signals.announce_posted(reply)
    except IntegrityError:
        # Two submits of one form raced past the lookup above; the constraint let one through.
        if form_token:
            existing = Reply.objects.filter(author=author, form_token=form_token).first()
            if existing:
                return existing
        raise
    return reply


def _edit_refusal(*, reply: Reply, editor, now):
    return policy.edit_refusal(
        user=editor, reply=reply, now=now, article_locked=reply.article.locked,
        branch_locked=selectors.branch_locked(reply),
    )


def check_editable(*, reply: Reply, editor) -> None:
    """Raise the refusal if `editor` may not edit `reply` now (the edit page asks before drawing)."""
    policy.check(_edit_refusal(reply=reply, editor=editor, now=timezone.now()))


def reply_edit(*, reply: Reply, editor, body: str, request=None) -> Reply:
    """Replace the text of the editor's own reply, keeping the old text as a revision.

    Locks the reply's branch root and shares the article's row (forum.threads.locks), then asks
    the policy again on the reply as it is then: a removal, a branch or article lock that
    committed while this edit waited is seen, and refuses it.
    """
    check_editable(reply=reply, editor=editor)
    policy.check(policy.author_refusal(editor))
    body = clean_body(body)
    decision = _moderate(author=editor, article=reply.article, parent=reply.parent, body=body, reply=reply, request=request)
    body_html = render_markdown(body, mentions=mentions.resolve(body))
    with transaction.atomic():
        current = locks.lock_branch(reply.pk, answering=True)
        now = timezone.now()
        policy.check(_edit_refusal(reply=current, editor=editor, now=now))
        if current.body == body:
            return current
        ReplyRevision.objects.create(
            reply=current, body=current.body, body_html=current.body_html,
            written=current.edited or current.created, replaced=now,
        )
        current.body, current.body_html, current.edited = body, body_html, now
        if decision.verdict == hooks.Verdict.HOLD:
            current.status, current.hold_reason = Reply.Status.HELD, decision.reason
        current.save(update_fields=["body", "body_html", "edited", "status", "hold_reason"])
        cache.bump(current.article)
    return current


def reply_remove_own(*, reply: Reply, user) -> Reply:
    """The author takes their reply down. It stays as a placeholder; the replies under it stay.

    Locks the reply's branch root (forum.threads.locks), so a reply being posted under it either
    committed first or sees the removal and is refused.
    """
    policy.check(policy.removal_refusal(user=user, reply=reply))
    with transaction.atomic():
        current = locks.lock_branch(reply.pk)
        policy.check(policy.removal_refusal(user=user, reply=current))
        current.status, current.removed_by = Reply.Status.REMOVED, Reply.RemovedBy.AUTHOR
        current.save(update_fields=["status", "removed_by"])
        cache.bump(current.article)
    return current
