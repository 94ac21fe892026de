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

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

from . import moderation, signals
from .models import Article, ArticleVisit, Flag, ModerationLog, Notification, Reply, ReplyRevision
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
    thread_changed(article.pk)  # its cached pages show the article too
    return article


def article_upsert(*, data: ArticleData) -> Article:
    """Create the article with this slug, or bring an existing one up to date (the importer)."""
    article = Article.objects.filter(slug=data.slug).first() or Article(slug=data.slug)
    for name, value in vars(data).items():
        setattr(article, name, value)
    return article_save(article=article)


def thread_changed(article_id: int) -> None:
    """Give the article's thread a new version once this transaction commits, so signed-out
    readers' cached pages of it are drawn again (views._article_for_anonymous)."""
    transaction.on_commit(lambda: cache.set(f"thread-version:{article_id}", uuid.uuid4().hex, None))


def _lock_new_tree() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_TREE_LOCK_KEY])


def _lock_branch_of(parent: Reply) -> Reply:
    """Lock the branch root above `parent`, then return `parent` as it is now.

    The parent comes back with its article (for the article's lock) and its author (for the
    notification) in the same query: each round trip here is spent holding the branch lock.
    """
    while True:
        tree_of_parent = Reply.objects.filter(pk=parent.pk).values("tree_id")
        locked_tree = (
            Reply.objects.select_for_update()
            .filter(tree_id=Subquery(tree_of_parent), parent__isnull=True)
            .values_list("tree_id", flat=True)
            .get()
        )
        fresh = Reply.objects.select_related("article", "author").get(pk=parent.pk)
        if fresh.tree_id == locked_tree:  # trees never move today; the check keeps that assumption honest
            return fresh


class PostingError(Exception):
    """A write the user asked for and may not have. The message is shown to them as it is."""

    def __init__(self, message: str, *, status: int = 400, retry_after: int | None = None):
        super().__init__(message)
        self.message, self.status, self.retry_after = message, status, retry_after


# C0 and C1 control characters, except tab, newline and carriage return. PostgreSQL refuses NUL
# in text outright; the others are invisible in a page and only good for mischief.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_body(body: str) -> str:
    """The body as it will be stored, or a PostingError saying what is wrong with it."""
    if _CONTROL.search(body):
        raise PostingError(
            "Your text contains a control character (such as a NUL byte) that cannot be posted. "
            "Remove it and try again."
        )
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise PostingError("Write something before posting: the reply is empty.")
    limit = settings.FORUM_REPLY_MAX_LENGTH
    if len(body) > limit:
        raise PostingError(f"Your reply is {len(body):,} characters long; the limit is {limit:,}.")
    return body


def _check_author_may_post(author: User) -> None:
    if not author.is_active:
        raise PostingError("This account is inactive and cannot post.", status=403)
    ban = author.posting_ban()
    if ban:
        raise PostingError(ban, status=403)
    if settings.FORUM_REQUIRE_VERIFIED_EMAIL and not EmailAddress.objects.filter(user=author, verified=True).exists():
        raise PostingError(
            "Please verify your email address before you post: follow the link we emailed you, "
            "or ask for a new one from your email settings.",
            status=403,
        )


def _check_parent(parent: Reply, article: Article) -> None:
    if parent.status == Reply.Status.HELD:
        raise PostingError("That reply is awaiting moderation and cannot be answered yet.")
    if parent.status == Reply.Status.REMOVED:
        raise PostingError("That reply was removed and cannot be answered.")


def _check_branch_open(parent: Reply) -> None:
    """Refuse a reply anywhere under a branch a moderator has locked."""
    locked = Reply.objects.filter(
        tree_id=parent.tree_id, lft__lte=parent.lft, rght__gte=parent.rght, branch_locked=True
    ).exists()
    if locked:
        raise PostingError("A moderator has locked this branch of the discussion: no new replies here.", status=403)


def reply_create(
    *,
    article: Article,
    author: User,
    body: str,
    parent: Reply | None = None,
    form_token: str | None = None,
    request=None,
    imported: bool = False,
) -> Reply:
    """Post a reply to `article`, at the top level or under `parent`.

    Raises PostingError when the author may not post this. `form_token` makes a form's second
    submit return the reply its first one made. `imported` is for the seed importer: its replies
    have no time (the seeds give none) and its accounts cannot sign in, so the checks on a
    signed-in author do not apply; the moderation hooks still run. Imported replies are the
    only ones without a `created` time, and import_seeds relies on that to tell them apart.
    """
    if form_token:
        existing = Reply.objects.filter(author=author, form_token=form_token).first()
        if existing:
            return existing
    if not imported:
        _check_author_may_post(author)
    body = clean_body(body) if not imported else body
    decision = moderation.moderate(author=author, article=article, parent=parent, body=body, request=request)
    if decision.verdict == moderation.Verdict.REJECT:
        raise PostingError(decision.reason, status=429 if decision.retry_after else 400, retry_after=decision.retry_after)
    now = None if imported else timezone.now()
    try:
        with transaction.atomic():
            if parent is None:
                _lock_new_tree()
                locked = Article.objects.filter(pk=article.pk, locked=True).exists()
            else:
                parent = _lock_branch_of(parent)
                if parent.article_id != article.pk:
                    raise PostingError("That reply belongs to another article.")
                locked = parent.article.locked
            if locked:
                raise PostingError("This discussion is locked: no new replies can be posted.", status=403)
            if parent is not None and not imported:  # the seed's thread happened: its shape is kept
                _check_parent(parent, article)
                _check_branch_open(parent)
            reply = Reply(
                article=article,
                parent=parent,
                author=author,
                body=body,
                body_html=render_markdown(body),
                created=now,
                form_token=form_token or None,
                status=Reply.Status.HELD if decision.verdict == moderation.Verdict.HOLD else Reply.Status.PUBLISHED,
                hold_reason=decision.reason if decision.verdict == moderation.Verdict.HOLD else "",
            )
            reply.save()
            thread_changed(article.pk)
            if reply.status == Reply.Status.PUBLISHED:
                _notify_parent_author(reply)
            transaction.on_commit(lambda: signals.reply_posted.send(sender=Reply, reply=reply))
    except IntegrityError:
        # Two submits of one form raced past the lookup above; the constraint let one through.
        if form_token:
            existing = Reply.objects.filter(author=author, form_token=form_token).first()
            if existing:
                return existing
        raise
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


def _notify_parent_author(reply: Reply) -> None:
    parent = reply.parent
    if parent is None or parent.author_id == reply.author_id:
        return
    Notification.objects.create(recipient=parent.author, reply=reply, created=reply.created or timezone.now())
    recipient = parent.author
    if recipient.email_on_reply and recipient.email:
        # After commit: a mail server that is slow or down must not hold the tree lock, and a
        # rolled-back reply must not have been announced.
        transaction.on_commit(lambda: _send_reply_email(reply, recipient))


def _send_reply_email(reply: Reply, recipient: User) -> None:
    link = f"{settings.FORUM_BASE_URL}{reply.get_landing_url()}"
    send_mail(
        subject=f"{reply.author.public_name} replied to you on \u201c{reply.article.title}\u201d",
        message=(
            f"{reply.author.public_name} replied to you:\n\n{reply.body}\n\n"
            f"Read it in its thread: {link}\n\n"
            f"You can turn these emails off in your settings: {settings.FORUM_BASE_URL}{reverse('accounts:settings')}\n"
        ),
        from_email=None,
        recipient_list=[recipient.email],
        fail_silently=True,  # the reply is posted either way; a lost email is logged by the backend
    )


def _edit_window_closed(reply: Reply, now) -> bool:
    return reply.created is None or (now - reply.created).total_seconds() > settings.FORUM_EDIT_WINDOW_SECONDS


def check_editable(*, reply: Reply, editor: User) -> None:
    """Raise PostingError unless `editor` may edit `reply` now."""
    if reply.author_id != editor.pk:
        raise PostingError("You can only edit your own replies.", status=403)
    if reply.status == Reply.Status.REMOVED:
        raise PostingError("This reply was removed and can no longer be edited.")
    if _edit_window_closed(reply, timezone.now()):
        minutes = settings.FORUM_EDIT_WINDOW_SECONDS // 60
        raise PostingError(
            f"Editing closes {minutes} minutes after posting; this reply can no longer be edited.", status=403
        )


def reply_edit(*, reply: Reply, editor: User, body: str, request=None) -> Reply:
    """Replace the text of the editor's own reply, keeping the old text as a revision."""
    check_editable(reply=reply, editor=editor)
    _check_author_may_post(editor)
    now = timezone.now()
    body = clean_body(body)
    decision = moderation.moderate(
        author=editor, article=reply.article, parent=reply.parent, body=body, reply=reply, request=request
    )
    if decision.verdict == moderation.Verdict.REJECT:
        raise PostingError(decision.reason, status=429 if decision.retry_after else 400, retry_after=decision.retry_after)
    with transaction.atomic():
        current = Reply.objects.select_for_update().get(pk=reply.pk)
        if current.body == body:
            return current
        ReplyRevision.objects.create(
            reply=current, body=current.body, body_html=current.body_html,
            written=current.edited or current.created, replaced=now,
        )
        current.body, current.body_html, current.edited = body, render_markdown(body), now
        if decision.verdict == moderation.Verdict.HOLD:
            current.status, current.hold_reason = Reply.Status.HELD, decision.reason
        current.save(update_fields=["body", "body_html", "edited", "status", "hold_reason"])
        thread_changed(current.article_id)
    return current


def reply_remove_own(*, reply: Reply, user: User) -> Reply:
    """The author takes their reply down. It stays as a placeholder; the replies under it stay."""
    if reply.author_id != user.pk:
        raise PostingError("You can only remove your own replies.", status=403)
    with transaction.atomic():
        current = Reply.objects.select_for_update().get(pk=reply.pk)
        if current.status == Reply.Status.REMOVED:
            raise PostingError("This reply has already been removed.")
        current.status, current.removed_by = Reply.Status.REMOVED, Reply.RemovedBy.AUTHOR
        current.save(update_fields=["status", "removed_by"])
        thread_changed(current.article_id)
    return current


def notification_open(*, notification: Notification, user: User) -> Notification:
    """Mark a notification read when its recipient opens it."""
    if notification.recipient_id != user.pk:
        raise PostingError("That notification is not yours.", status=403)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification



# --- Moderation ---------------------------------------------------------------------------------
#
# Every action checks the moderator's permission, locks the rows it changes, refuses when the
# state it expects is gone (another moderator got there first: 409, and no second log entry),
# and writes one ModerationLog row. Nothing is deleted: removal is a status.

logger = logging.getLogger("forum.moderation")


class AlreadyHandled(PostingError):
    def __init__(self, message: str):
        super().__init__(message, status=409)


def _require_moderator(user) -> None:
    if not (user.is_authenticated and user.is_active and user.has_perm("forum.moderate_reply")):
        raise PostingError("Only moderators can do that.", status=403)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PostingError("Give a reason: it is shown in the moderation log.")
    if _CONTROL.search(reason) or len(reason) > 1000:
        raise PostingError("The reason must be plain text of at most 1,000 characters.")
    return reason


def _log(*, actor, action, reply=None, article=None, user=None, reason="", detail="") -> ModerationLog:
    entry = ModerationLog.objects.create(
        actor=actor, action=action, reply=reply, article=article or (reply.article if reply else None),
        user=user or (reply.author if reply else None), reason=reason, detail=detail, created=timezone.now(),
    )
    if entry.article_id:
        thread_changed(entry.article_id)  # every action on a reply or an article changes how it reads
    logger.info(
        "moderation action=%s actor=%s reply=%s article=%s user=%s detail=%r reason=%r",
        action, actor.pk if actor else "auto", entry.reply_id, entry.article_id, entry.user_id, detail, reason,
    )
    transaction.on_commit(lambda: signals.reply_moderated.send(sender=ModerationLog, entry=entry, action=action))
    return entry


def _locked(reply: Reply) -> Reply:
    return Reply.objects.select_for_update().select_related("article", "author").get(pk=reply.pk)


def _resolve_flags(replies, now) -> int:
    return Flag.objects.filter(reply__in=replies, resolved__isnull=True).update(resolved=now)


def reply_flag(*, reply: Reply, flagger: User, reason: str, text: str = "") -> Flag:
    """A reader reports a reply. At FORUM_FLAG_HOLD_THRESHOLD open flags it is held."""
    if reason not in Flag.Reason.values:
        raise PostingError("Choose why you are flagging this reply.")
    text = (text or "").strip()
    if reason == Flag.Reason.OTHER and not text:
        raise PostingError("Say what is wrong when the reason is 'something else'.")
    if _CONTROL.search(text) or len(text) > 1000:
        raise PostingError("The explanation must be plain text of at most 1,000 characters.")
    if reply.author_id == flagger.pk:
        raise PostingError("You cannot flag your own reply.")
    now = timezone.now()
    with transaction.atomic():
        current = _locked(reply)  # so concurrent flags count up to the threshold exactly once
        if current.status == Reply.Status.REMOVED:
            raise PostingError("This reply was removed; there is nothing left to flag.")
        if Flag.objects.filter(reply=current, flagger=flagger).exists():
            raise PostingError("You have already flagged this reply. Moderators will look at it.")
        flag = Flag.objects.create(reply=current, flagger=flagger, reason=reason, text=text, created=now)
        open_flags = Flag.objects.filter(reply=current, resolved__isnull=True).count()
        if current.status == Reply.Status.PUBLISHED and open_flags >= settings.FORUM_FLAG_HOLD_THRESHOLD:
            current.status, current.hold_reason = Reply.Status.HELD, f"{open_flags} readers flagged it."
            current.save(update_fields=["status", "hold_reason"])
            _log(actor=None, action=ModerationLog.Action.HOLD, reply=current, reason=current.hold_reason)
    return flag


def reply_hold(*, reply: Reply, moderator: User | None, reason: str) -> Reply:
    """Hold a published reply for review. `moderator` None is an automatic rule (manage.py moderate)."""
    if moderator is not None:
        _require_moderator(moderator)
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _locked(reply)
        if current.status != Reply.Status.PUBLISHED:
            raise AlreadyHandled(f"This reply is already {current.get_status_display().lower()}.")
        current.status, current.hold_reason = Reply.Status.HELD, reason
        current.save(update_fields=["status", "hold_reason"])
        _log(actor=moderator, action=ModerationLog.Action.HOLD, reply=current, reason=reason)
    return current


def reply_approve(*, reply: Reply, moderator: User, reason: str = "") -> Reply:
    """Publish a held reply and close its flags."""
    _require_moderator(moderator)
    now = timezone.now()
    with transaction.atomic():
        current = _locked(reply)
        if current.status != Reply.Status.HELD:
            raise AlreadyHandled(
                f"This reply is {current.get_status_display().lower()} now: another moderator has handled it."
            )
        current.status, current.hold_reason = Reply.Status.PUBLISHED, ""
        current.save(update_fields=["status", "hold_reason"])
        _resolve_flags([current], now)
        if not Notification.objects.filter(reply=current).exists():
            _notify_parent_author(current)  # held replies notify nobody until approved
        _log(actor=moderator, action=ModerationLog.Action.APPROVE, reply=current, reason=reason.strip())
    return current


def reply_remove_by_moderator(*, reply: Reply, moderator: User, reason: str) -> Reply:
    """Remove a reply: it shows as "[removed by moderator]"; the replies under it stay."""
    _require_moderator(moderator)
    reason = _require_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        current = _locked(reply)
        if current.status == Reply.Status.REMOVED:
            raise AlreadyHandled("This reply is already removed: another moderator has handled it.")
        current.status, current.removed_by = Reply.Status.REMOVED, Reply.RemovedBy.MODERATOR
        current.save(update_fields=["status", "removed_by"])
        _resolve_flags([current], now)
        _log(actor=moderator, action=ModerationLog.Action.REMOVE, reply=current, reason=reason)
    return current


def reply_restore(*, reply: Reply, moderator: User, reason: str = "") -> Reply:
    """Undo a moderator's removal."""
    _require_moderator(moderator)
    with transaction.atomic():
        current = _locked(reply)
        if current.status != Reply.Status.REMOVED:
            raise AlreadyHandled(f"This reply is {current.get_status_display().lower()}, not removed.")
        if current.removed_by == Reply.RemovedBy.AUTHOR:
            raise PostingError("Its author removed this reply; only they could have kept it.")
        current.status, current.removed_by = Reply.Status.PUBLISHED, Reply.RemovedBy.NOBODY
        current.save(update_fields=["status", "removed_by"])
        _log(actor=moderator, action=ModerationLog.Action.RESTORE, reply=current, reason=reason.strip())
    return current


def flags_dismiss(*, reply: Reply, moderator: User, reason: str = "") -> Reply:
    """The flags were wrong: close them and leave the reply as it is."""
    _require_moderator(moderator)
    with transaction.atomic():
        current = _locked(reply)
        closed = _resolve_flags([current], timezone.now())
        if not closed:
            raise AlreadyHandled("This reply has no open flags: another moderator has handled them.")
        _log(actor=moderator, action=ModerationLog.Action.DISMISS_FLAGS, reply=current,
             reason=reason.strip(), detail=f"{closed} flags")
    return current


def _branch(reply: Reply):
    return Reply.objects.filter(tree_id=reply.tree_id, lft__gte=reply.lft, rght__lte=reply.rght)


def branch_lock(*, reply: Reply, moderator: User, reason: str, locked: bool = True) -> Reply:
    """Lock (or unlock) a branch: no new replies anywhere under `reply`."""
    _require_moderator(moderator)
    reason = _require_reason(reason) if locked else reason.strip()
    with transaction.atomic():
        _lock_branch_of(reply)  # waits for replies being posted into this tree
        current = _locked(reply)
        if current.branch_locked == locked:
            raise AlreadyHandled(f"This branch is already {'locked' if locked else 'unlocked'}.")
        current.branch_locked = locked
        current.save(update_fields=["branch_locked"])
        action = ModerationLog.Action.LOCK_BRANCH if locked else ModerationLog.Action.UNLOCK_BRANCH
        _log(actor=moderator, action=action, reply=current, reason=reason)
    return current


def branch_hold(*, reply: Reply, moderator: User, reason: str) -> int:
    """Hold every published reply in the branch under (and including) `reply`."""
    _require_moderator(moderator)
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _lock_branch_of(reply)
        held = _branch(current).filter(status=Reply.Status.PUBLISHED).update(
            status=Reply.Status.HELD, hold_reason=reason
        )
        if not held:
            raise AlreadyHandled("Nothing in this branch is published: another moderator has handled it.")
        _log(actor=moderator, action=ModerationLog.Action.HOLD_BRANCH, reply=current, reason=reason,
             detail=f"{held} replies held")
    return held


def branch_remove(*, reply: Reply, moderator: User, reason: str) -> int:
    """Remove every reply in the branch under (and including) `reply`. Placeholders keep the shape."""
    _require_moderator(moderator)
    reason = _require_reason(reason)
    with transaction.atomic():
        current = _lock_branch_of(reply)
        branch = _branch(current).exclude(status=Reply.Status.REMOVED)
        pks = list(branch.values_list("pk", flat=True))
        if not pks:
            raise AlreadyHandled("Everything in this branch is already removed.")
        Reply.objects.filter(pk__in=pks).update(status=Reply.Status.REMOVED, removed_by=Reply.RemovedBy.MODERATOR)
        _resolve_flags(pks, timezone.now())
        _log(actor=moderator, action=ModerationLog.Action.REMOVE_BRANCH, reply=current, reason=reason,
             detail=f"{len(pks)} replies removed")
    return len(pks)


def article_lock(*, article: Article, moderator: User, reason: str, locked: bool = True) -> Article:
    _require_moderator(moderator)
    reason = _require_reason(reason) if locked else reason.strip()
    with transaction.atomic():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if current.locked == locked:
            raise AlreadyHandled(f"This article is already {'locked' if locked else 'unlocked'}.")
        current.locked = locked
        current.save(update_fields=["locked"])
        action = ModerationLog.Action.LOCK_ARTICLE if locked else ModerationLog.Action.UNLOCK_ARTICLE
        _log(actor=moderator, action=action, article=current, reason=reason)
    return current


def user_ban(*, user: User, moderator: User, reason: str, until=None) -> User:
    """Suspend `user` from posting until `until`, or for good when it is None. They can still read."""
    _require_moderator(moderator)
    reason = _require_reason(reason)
    now = timezone.now()
    if until is not None and until <= now:
        raise PostingError("The end of a suspension must be in the future.")
    if user.pk == moderator.pk:
        raise PostingError("You cannot suspend yourself.")
    if user.is_superuser or user.has_perm("forum.moderate_reply"):
        raise PostingError("Moderators cannot be suspended here; remove them from the group first.", status=403)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.posting_ban(now) and current.banned_until == until:
            raise AlreadyHandled("This user is already suspended on those terms.")
        current.banned_at, current.banned_until, current.ban_reason = now, until, reason
        current.save(update_fields=["banned_at", "banned_until", "ban_reason"])
        detail = "for good" if until is None else f"until {until:%Y-%m-%d %H:%M} UTC"
        _log(actor=moderator, action=ModerationLog.Action.BAN, user=current, reason=reason, detail=detail)
    return current


def user_unban(*, user: User, moderator: User, reason: str = "") -> User:
    _require_moderator(moderator)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if not current.posting_ban():
            raise AlreadyHandled("This user is not suspended.")
        current.banned_at = current.banned_until = None
        current.ban_reason = ""
        current.save(update_fields=["banned_at", "banned_until", "ban_reason"])
        _log(actor=moderator, action=ModerationLog.Action.UNBAN, user=current, reason=reason.strip())
    return current


@dataclass(frozen=True)
class ReplyAction:
    """A moderation action on a reply, as the queue's buttons and the admin's actions offer it."""

    service: Callable
    label: str
    done: str


# One table for the site's queue (moderation_views) and the admin (admin.ReplyAdmin).
REPLY_ACTIONS = {
    "approve": ReplyAction(reply_approve, "Approve held replies", "Approved: the reply is published."),
    "remove": ReplyAction(reply_remove_by_moderator, "Remove (needs a reason)", "Removed: the reply shows as a placeholder."),
    "restore": ReplyAction(reply_restore, "Restore removed replies", "Restored: the reply is published again."),
    "dismiss": ReplyAction(flags_dismiss, "Dismiss flags", "The flags are dismissed."),
    "lock-branch": ReplyAction(partial(branch_lock, locked=True), "Lock branch (needs a reason)", "The branch is locked."),
    "unlock-branch": ReplyAction(partial(branch_lock, locked=False), "Unlock branch", "The branch is unlocked."),
    "hold-branch": ReplyAction(branch_hold, "Hold whole branch (needs a reason)", "The branch is held for review."),
    "remove-branch": ReplyAction(branch_remove, "Remove whole branch (needs a reason)", "The branch is removed."),
}
