"""An account's anonymisation (issue 17, "Delete your account"): run by forum.privacy.tasks
when the deletion is due. Afterwards the person's email, username, display name and words are
in no row of any table (forum/tests/test_account_deletion.py scans every text column).

What goes and what stays, and why, is in docs/privacy.md. In short:
- the user row stays (replies, flags and the log point at it) as `deleted-<id>`, inactive, with
  no email, no names and an unusable password; so do the imported accounts they claimed;
- each reply stays in its place as a "[deleted]" tombstone, its history purged;
- their sessions, email addresses, notifications, follows, visits, ignores, recommendations,
  archives and PERSONAL_ROWS go; the queue's rows that name them go; the admin's history names
  nobody;
- their flags stay, as moderation records, without their words;
- the moderation log and notes keep action, ids and times, not words (moderation.log.redact_about);
- others' replies that @mention them or quote them by name get `@deleted-<id>` instead.

Order, for the lock rules (forum.threads.locks, rule 4): the account is stopped first (its own
row, no tree lock), then each branch is written under its own root's lock, one at a time, and
the user's row last. Every step is idempotent: a task killed half-way runs again to the end.
"""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Ignore
from accounts.names import deleted_name
from forum import mentions
from forum.moderation.log import redact_about
from forum.moderation.models import Flag, ModerationLog
from forum.notifications.models import Notification
from forum.reactions.models import Recommendation
from forum.reactions.services import rescore
from forum.rendering import render_markdown
from forum.threads import cache, locks
from forum.threads.models import Article, Reply, ReplyRevision

TOMBSTONE = "[deleted]"
_QUOTE_TOMBSTONE = f"{TOMBSTONE} wrote:\n> {TOMBSTONE}\n"

# Rows that are the person's alone and simply go, as (model, field naming the user). A model of an
# app that is not installed is skipped, so an SSO link model is one line here when it lands.
PERSONAL_ROWS = [
    ("account.EmailAddress", "user"),
    ("socialaccount.SocialAccount", "user"),
    ("usersessions.UserSession", "user"),
    ("mfa.Authenticator", "user"),
    ("accounts.SsoLink", "user"),
    ("accounts.EmbedSigninCode", "user"),
    ("forum.ArticleFollow", "user"),
    ("forum.ArticleVisit", "user"),
    ("forum.DataExport", "user"),
    ("forum.Notification", "recipient"),
]


def needles_of(user) -> list[str]:
    """What must not be left anywhere: the names and addresses of the account and of the imported
    accounts it claimed."""
    User = get_user_model()
    people = [user, *User.objects.filter(claimed_by=user)]
    found = set()
    for person in people:
        found.update({person.username, person.display_name, person.first_name, person.last_name,
                      person.email, person.claim_email})
        found.update(EmailAddress.objects.filter(user=person).values_list("email", flat=True))
    return sorted((value for value in found if value and len(value.strip()) > 1), key=len, reverse=True)


def anonymise(user, *, keep_reason_of: int | None = None) -> None:
    needles = needles_of(user)
    User = get_user_model()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        sessions_delete(user.pk)
    articles = set()
    articles |= _tombstone_replies(user)
    articles |= _rewrite_mentions(user, needles)
    articles |= _withdraw_recommendations(user)
    with transaction.atomic():
        _remove_rows(user, needles)
        keep = []
        if keep_reason_of is not None:
            entry = ModerationLog.objects.filter(pk=keep_reason_of).first()
            if entry is not None and not _names_any(entry.reason, needles):
                keep = [entry.pk]
        redact_about(user_id=user.pk, keep_reasons_of=keep)
        for claimed_id in User.objects.filter(claimed_by=user).values_list("pk", flat=True):
            redact_about(user_id=claimed_id)  # the entries of an import, about the same person
        _anonymise_rows(user)
        tasks_purge(needles)
        sessions_delete(user.pk)  # one made while this ran (the account was already inactive)
        for article in Article.objects.filter(pk__in=articles):
            cache.bump(article)
    _search_index_compact()


def _names_any(text: str, needles) -> bool:
    folded = text.casefold()
    return any(needle.casefold() in folded for needle in needles)


def _replace_all(text: str, needles, by: str) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), by, text, flags=re.IGNORECASE)
    return text


def sessions_delete(user_id: int) -> int:
    """Every session signed in as the account. Django's database sessions store the user's id
    encoded in the session's data, so each live session is read: a scan, in a task, not a page."""
    store = Session.get_session_store_class()()
    doomed = []
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        decoded = store.decode(data)
        if str(decoded.get("_auth_user_id", "")) == str(user_id):
            doomed.append(key)
    return Session.objects.filter(session_key__in=doomed).delete()[0]


def _tombstone_replies(user) -> set[int]:
    """Each reply becomes a "[deleted]" tombstone in its place, its history gone: one branch at a
    time, under its root's lock (the replies under it stay where they were)."""
    articles = set()
    trees = Reply.objects.filter(author=user).values_list("tree_id", flat=True).distinct()
    for tree_id in sorted(set(trees)):
        with transaction.atomic():
            some = Reply.objects.filter(author=user, tree_id=tree_id).values_list("pk", flat=True).first()
            if some is None:
                continue
            locks.lock_branch(some)
            mine = Reply.objects.filter(author=user, tree_id=tree_id)
            ReplyRevision.objects.filter(reply__in=mine).delete()
            articles.update(mine.values_list("article_id", flat=True))
            mine.update(
                body=TOMBSTONE, body_html="", status=Reply.Status.REMOVED, removed_by=Reply.RemovedBy.DELETED,
                previous_status="", hold_reason="", form_token=None, featured=False,
            )
    return articles


def _rewrite_mentions(user, needles) -> set[int]:
    """Others' replies that call the person by name: `@name` becomes `@deleted-<id>`, and a quote of
    theirs ("<name> wrote:" and its "> " lines) "[deleted] wrote: > [deleted]". The rest of the
    text is the others' own words, and stays. Under each branch's lock."""
    names = [user.username, user.display_name]
    # As forum.rendering.MENTION reads a name: it ends at its last letter, digit or underscore.
    mention = re.compile(r"@" + re.escape(user.username) + r"(?![\w]|[.+-]\w)", re.IGNORECASE)
    # A quote as the reply box starts one (threads.presenters.quote_of): the header, then its lines.
    quoted = [re.compile(r"^" + re.escape(name) + r" wrote:\n(?:>.*(?:\n|$))*", re.IGNORECASE | re.MULTILINE)
              for name in names if name]

    def rewritten(text: str) -> str:
        text = mention.sub("@" + deleted_name(user.pk), text)
        for pattern in quoted:
            text = pattern.sub(_QUOTE_TOMBSTONE, text)
        return text

    wanted = Q(body__icontains="@" + user.username)
    for name in names:
        if name:
            wanted |= Q(body__icontains=f"{name} wrote:")
    candidates = set(Reply.objects.exclude(author=user).filter(wanted).values_list("pk", flat=True))
    candidates |= set(ReplyRevision.objects.exclude(reply__author=user).filter(wanted).values_list("reply_id", flat=True))
    articles = set()
    for pk in sorted(candidates):
        with transaction.atomic():
            reply = locks.lock_branch(pk)
            body = rewritten(reply.body)
            if body != reply.body:
                Reply.objects.filter(pk=pk).update(body=body, body_html=render_markdown(body, mentions=mentions.resolve(body)))
            for revision in ReplyRevision.objects.filter(reply_id=pk):
                old = rewritten(revision.body)
                if old != revision.body:
                    revision.body, revision.body_html = old, render_markdown(old, mentions=mentions.resolve(old))
                    revision.save(update_fields=["body", "body_html"])
            articles.add(reply.article_id)
    return articles


def _withdraw_recommendations(user) -> set[int]:
    """Their recommendations go; each reply's count and best score follow, under its branch lock."""
    articles = set()
    for reply_id in list(Recommendation.objects.filter(user=user).values_list("reply_id", flat=True)):
        with transaction.atomic():
            reply = locks.lock_branch(reply_id)
            if Recommendation.objects.filter(user=user, reply_id=reply_id).delete()[0]:
                Reply.objects.filter(pk=reply_id).update(recommend_count=F("recommend_count") - 1)
                rescore([reply_id])
                articles.add(reply.article_id)
    return articles


def _remove_rows(user, needles) -> None:
    for label, field in PERSONAL_ROWS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._base_manager.filter(**{field: user}).delete()
    claimed = get_user_model().objects.filter(claimed_by=user)
    EmailAddress.objects.filter(user__in=claimed).delete()
    Ignore.objects.filter(Q(user=user) | Q(ignored=user)).delete()
    # Others' notifications of their replies announce words that are gone.
    Notification.objects.filter(reply__author=user, kind__in=["reply", "mention", "follow"]).delete()
    # Others' notices of decisions about them (a reporter's) keep the decision, not the name.
    for note in Notification.objects.filter(entry__user=user).exclude(text=""):
        text = _replace_all(note.text, needles, TOMBSTONE)
        if text != note.text:
            Notification.objects.filter(pk=note.pk).update(text=text)
    # The admin's history of changes to their account keeps what was done, not the name it had.
    if needles:
        LogEntry.objects.filter(object_repr__iregex="|".join(re.escape(n) for n in needles)).update(object_repr=TOMBSTONE)
    # Their flags stay: they are moderation records, and they weighed on decisions and scores.
    # The words they wrote in them go.
    Flag.objects.filter(flagger=user).exclude(text="").update(text="")


def _anonymise_rows(user) -> None:
    """The user row, and the imported accounts it claimed, keep their ids and nothing else of them."""
    User = get_user_model()
    now = timezone.now()
    for person in [*User.objects.filter(claimed_by=user), User.objects.select_for_update().get(pk=user.pk)]:
        person.username = deleted_name(person.pk)
        person.display_name = person.first_name = person.last_name = person.email = person.claim_email = ""
        person.import_key = None
        person.set_unusable_password()
        person.is_active = person.is_staff = person.is_superuser = False
        person.last_login = None
        person.ban_reason = ""
        person.deletion_due_at = None
        person.deleted_at = now
        person.save()
        person.groups.clear()
        person.user_permissions.clear()


def tasks_purge(needles) -> int:
    """The queue's rows that name the person: the emails sent to them (a row holds the whole
    message) and any other whose arguments or result hold their name or address. A row still to
    run is matched on whole words only, so nobody else's pending email is lost to a substring."""
    from django_tasks_db.models import DBTaskResult

    if not needles:
        return 0
    words = re.compile("|".join(r"(?<![\w@.+-])" + re.escape(n) + r"(?![\w@.+-])" for n in needles), re.IGNORECASE)
    doomed = []
    for row in DBTaskResult.objects.exclude(status="RUNNING").iterator():
        text = " ".join(str(value) for value in (row.args_kwargs, row.return_value, row.traceback, row.exception_class_path))
        if row.status == "READY":
            if words.search(text):
                doomed.append(row.pk)
        elif _names_any(text, needles):
            doomed.append(row.pk)
    return DBTaskResult.objects.filter(pk__in=doomed).delete()[0]


def _search_index_compact() -> None:
    """SQLite's FTS5 index keeps a replaced text's terms in its segments until they merge:
    'optimize' merges them now. PostgreSQL's search column is generated from the row: nothing."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'forum_reply_fts'")
        if cursor.fetchone():
            cursor.execute("INSERT INTO forum_reply_fts(forum_reply_fts) VALUES ('optimize')")
