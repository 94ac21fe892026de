"""Who may do what to which reply, now: each rule of the forum, defined once.

Views ask before they draw a form, presenters before they draw a button, and services ask again
under their locks, with the rows as they are then. So a button is shown exactly when the write
behind it would pass, and a refusal says the same thing wherever it comes from.

- `*_refusal(...)` returns the error the user would get, or None when the rule allows it. It
  reads only what it is given (but for the verified-email query of `author_refusal`): callers
  fetch the rows, the services under their locks.
- `check(refusal)` raises it; services and views use it.
- `offer_*` say which moderation actions make sense for a reply in its state. The action table
  (forum.moderation.actions) draws its buttons with them, and its services refuse with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .conf import forum_settings
from .errors import Forbidden, ForumError, Refused
from .threads.models import Reply


def check(refusal: ForumError | None) -> None:
    if refusal is not None:
        raise refusal


# --- Roles -------------------------------------------------------------------------------------


MODERATOR_PERMISSION = ("forum", "moderate_reply")


def is_moderator(user) -> bool:
    """A member of the Moderators group (or a superuser) whose account is active."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    # Loaded for the request by accounts.backends: the permission came with the user's row.
    loaded = getattr(user, "forum_moderator_permission", None)
    if loaded is not None:
        return bool(user.is_superuser or loaded)
    return user.has_perm("forum.moderate_reply")


def _permission_sql():
    """The tables and columns of Django's permission rule, and the WHERE that names the
    moderator permission on `p`: what moderator_permission_sql and moderator_ids_sql share."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    user_model = get_user_model()
    own = user_model.user_permissions.through._meta
    member = user_model.groups.through._meta
    granted = Group.permissions.through._meta
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    matches = (
        f"p.codename = %s AND p.content_type_id IN (SELECT ct.id FROM {content_type} ct WHERE ct.app_label = %s)"
    )
    # (FROM ... JOIN ... for a user's own permission, the same through a group), each with its user column.
    direct = (
        f"{own.db_table} up JOIN {permission} p ON p.id = up.{own.get_field('permission').column}",
        f"up.{own.get_field('user').column}",
    )
    grouped = (
        f"{member.db_table} ug"
        f" JOIN {granted.db_table} gp ON gp.{granted.get_field('group').column} = ug.{member.get_field('group').column}"
        f" JOIN {permission} p ON p.id = gp.{granted.get_field('permission').column}",
        f"ug.{member.get_field('user').column}",
    )
    app_label, codename = MODERATOR_PERMISSION
    return direct, grouped, matches, [codename, app_label, codename, app_label]


def moderator_permission_sql(user_id_column: str) -> tuple[str, list]:
    """The moderator permission, held by the user or one of its groups, as an SQL boolean
    expression on a user row (accounts.backends loads it with the user); the same rule as
    Django's ModelBackend.has_perm. Plain SQL: compiled by the ORM it cost a millisecond a request."""
    (direct, direct_user), (grouped, grouped_user), matches, params = _permission_sql()
    sql = (
        f"(EXISTS (SELECT 1 FROM {direct} WHERE {direct_user} = {user_id_column} AND {matches})"
        f" OR EXISTS (SELECT 1 FROM {grouped} WHERE {grouped_user} = {user_id_column} AND {matches}))"
    )
    return sql, params


def moderator_ids_sql() -> tuple[str, list]:
    """The ids of every account holding the moderator permission, as an SQL subquery: a page
    marks its authors' staff badge with `author_id IN (...)`, which the database works out once
    per query rather than once per row (forum.threads.selectors.with_reader_marks)."""
    (direct, direct_user), (grouped, grouped_user), matches, params = _permission_sql()
    return f"SELECT {direct_user} FROM {direct} WHERE {matches} UNION SELECT {grouped_user} FROM {grouped} WHERE {matches}", params


def may_see_drafts(user) -> bool:
    """Draft articles (imports an editor has not reviewed yet) are for staff, who publish them."""
    return user is not None and user.is_authenticated and user.is_staff


def moderator_refusal(user, message: str | None = None) -> ForumError | None:
    return None if is_moderator(user) else Forbidden(message or _("Only moderators can do that."))


# --- Posting -----------------------------------------------------------------------------------


# What the account is refused, by `doing`: whole sentences, so each language can say them its way.
_INACTIVE = {
    "post": gettext_lazy("This account is inactive and cannot post."),
    "flag replies": gettext_lazy("This account is inactive and cannot flag replies."),
    "recommend replies": gettext_lazy("This account is inactive and cannot recommend replies."),
}
_UNVERIFIED = {
    "post": gettext_lazy(
        "Please verify your email address before you post: follow the link we emailed you, "
        "or ask for a new one from your email settings."
    ),
    "flag replies": gettext_lazy(
        "Please verify your email address before you flag replies: follow the link we emailed you, "
        "or ask for a new one from your email settings."
    ),
    "recommend replies": gettext_lazy(
        "Please verify your email address before you recommend replies: follow the link we emailed you, "
        "or ask for a new one from your email settings."
    ),
}


def account_refusal(user, *, doing: str = "post") -> ForumError | None:
    """Whether this account may post (or flag) at all, as far as the account row says: active,
    not suspended. No query, so a page asks it once for every card it draws."""
    if not user.is_active:
        return Forbidden(_INACTIVE[doing])
    ban = user.posting_ban()
    if ban:
        return Forbidden(ban)
    return None


def author_refusal(user, *, doing: str = "post") -> ForumError | None:
    """Whether this account may post at all: active, not suspended, its email address verified.
    A flag needs the same (`doing="flag replies"`): an account that cannot post cannot hide
    others' replies either."""
    if refusal := account_refusal(user, doing=doing):
        return refusal
    if forum_settings.REQUIRE_VERIFIED_EMAIL and not EmailAddress.objects.filter(user=user, verified=True).exists():
        return Forbidden(_UNVERIFIED[doing])
    return None


def answer_refusal(
    *, article, article_locked: bool, parent: Reply | None, branch_locked: bool, imported: bool = False
) -> ForumError | None:
    """Whether a reply may be posted to `article` (parent None) or under `parent` in it.

    `branch_locked`: whether `parent` or any reply above it is locked by a moderator.
    `imported`: an importer keeps a thread's shape as it happened, so its replies may answer
    held or removed ones, in locked branches; the article itself must still be open.
    """
    if parent is not None and parent.article_id != article.pk:
        return Refused(_("That reply belongs to another article."))
    if article_locked:
        return Forbidden(_("This discussion is locked: no new replies can be posted."))
    if not imported and article_closed(article):
        return Forbidden(
            _("This discussion closed to new replies on %(date)s.") % {"date": date_format(article.closes_on, "j F Y")}
        )
    if parent is None or imported:
        return None
    if parent.status == Reply.Status.HELD:
        return Refused(_("That reply is awaiting moderation and cannot be answered yet."))
    if parent.status == Reply.Status.REMOVED:
        return Refused(_("That reply was removed and cannot be answered."))
    if branch_locked:
        return Forbidden(_("A moderator has locked this branch of the discussion: no new replies here."))
    return None


def article_closed(article, today=None) -> bool:
    """Whether the article's own rule (close N days after publication) has closed it."""
    closes_on = article.closes_on
    return closes_on is not None and (today or timezone.localdate()) >= closes_on


def edit_window_open(reply: Reply, now) -> bool:
    return reply.created is not None and (now - reply.created).total_seconds() <= forum_settings.EDIT_WINDOW_SECONDS


def edit_refusal(
    *, user, reply: Reply, now, article_locked: bool = False, branch_locked: bool = False
) -> ForumError | None:
    """`article_locked`, `branch_locked`: a moderator has locked the discussion, or the reply's
    branch (it or a reply above it); a lock stops edits as it stops new replies."""
    if reply.author_id != user.pk:
        return Forbidden(_("You can only edit your own replies."))
    if reply.status == Reply.Status.REMOVED:
        return Refused(_("This reply was removed and can no longer be edited."))
    if article_locked:
        return Forbidden(_("This discussion is locked: replies in it can no longer be edited."))
    if branch_locked:
        return Forbidden(_("A moderator has locked this branch of the discussion: replies in it can no longer be edited."))
    if not edit_window_open(reply, now):
        minutes = forum_settings.EDIT_WINDOW_SECONDS // 60
        return Forbidden(
            ngettext(
                "Editing closes %(minutes)s minute after posting; this reply can no longer be edited.",
                "Editing closes %(minutes)s minutes after posting; this reply can no longer be edited.",
                minutes,
            )
            % {"minutes": minutes}
        )
    return None


def removal_refusal(*, user, reply: Reply) -> ForumError | None:
    """Whether the author may take their reply down."""
    if reply.author_id != user.pk:
        return Forbidden(_("You can only remove your own replies."))
    if reply.status == Reply.Status.REMOVED:
        return Refused(_("This reply has already been removed."))
    return None


def flag_refusal(*, user, reply: Reply, already_flagged: bool = False) -> ForumError | None:
    """Whether `user` may flag `reply`, as far as the reply says; the account is asked with
    author_refusal(user, doing="flag replies") (the service) or account_refusal (the cards)."""
    if reply.author_id == user.pk:
        return Refused(_("You cannot flag your own reply."))
    if reply.status == Reply.Status.REMOVED:
        return Refused(_("This reply was removed; there is nothing left to flag."))
    if reply.status == Reply.Status.HELD:
        return Refused(_("This reply is already awaiting moderation; there is nothing to flag."))
    if already_flagged:
        return Refused(_("You have already flagged this reply. Moderators will look at it."))
    return None


def recommend_refusal(*, user, reply: Reply) -> ForumError | None:
    """Whether `user` may recommend (or withdraw a recommendation of) `reply`, as far as the reply
    says; the account is asked with author_refusal(user, doing="recommend replies") (the
    service) or account_refusal (the cards, once per page), as for flags."""
    if reply.author_id == user.pk:
        return Refused(_("You cannot recommend your own reply."))
    if reply.status == Reply.Status.HELD:
        return Refused(_("This reply is awaiting moderation; it cannot be recommended yet."))
    if reply.status == Reply.Status.REMOVED:
        return Refused(_("This reply was removed; it cannot be recommended."))
    return None


def flag_weight(user) -> int:
    """How much a reader's flag counts towards FORUM_FLAG_HOLD_THRESHOLD: less from a new account
    (forum.moderation.hooks.is_new_account), so a handful of fresh accounts cannot hide a reply
    that established readers would have to agree on. One query at most."""
    from forum.moderation.hooks import is_new_account  # hooks ask the policy too

    if is_new_account(user):
        return forum_settings.FLAG_WEIGHT_NEW_ACCOUNT
    return forum_settings.FLAG_WEIGHT


@dataclass(frozen=True)
class Actions:
    """What a viewer may do to one reply; the card shows a link for each one that is set."""

    reply: bool = False
    edit: bool = False
    remove: bool = False
    flag: bool = False
    recommend: bool = False
    moderate: bool = False


def reply_actions(
    reply: Reply, *, viewer, article, branch_locked: bool, now, moderator: bool, barred: bool = False
) -> Actions:
    """The links a reply's card offers this viewer. Signed-out readers get Reply too: it leads to
    sign-in and back, keeping what they wrote. `barred`: the viewer's account may not post
    (account_refusal, asked once per page), so it is offered neither Reply nor Flag."""
    signed_in = viewer.is_authenticated
    own = signed_in and reply.author_id == viewer.pk
    answerable = answer_refusal(article=article, article_locked=article.locked, parent=reply, branch_locked=branch_locked)
    return Actions(
        reply=answerable is None and not barred,
        edit=own and edit_refusal(
            user=viewer, reply=reply, now=now, article_locked=article.locked, branch_locked=branch_locked
        ) is None,
        remove=own and removal_refusal(user=viewer, reply=reply) is None,
        flag=signed_in and not own and not barred and flag_refusal(user=viewer, reply=reply) is None,
        # Signed out, Recommend leads to sign-in and back, as Reply does.
        recommend=not barred and recommend_refusal(user=viewer, reply=reply) is None,
        moderate=moderator,
    )


# --- Moderation --------------------------------------------------------------------------------


def suspension_refusal(*, target, moderator, until, now) -> ForumError | None:
    if until is not None and until <= now:
        return Refused(_("The end of a suspension must be in the future."))
    if target.pk == moderator.pk:
        return Refused(_("You cannot suspend yourself."))
    if target.is_superuser or is_moderator(target):
        return Forbidden(_("Moderators cannot be suspended here; remove them from the group first."))
    return None


# Which moderation actions make sense for a reply in its state; `open_flags` is how many of its
# flags no moderator has resolved yet.


def offer_hold(reply: Reply, open_flags: int) -> bool:
    return reply.status == Reply.Status.PUBLISHED


def offer_approve(reply: Reply, open_flags: int) -> bool:
    return reply.status == Reply.Status.HELD


def offer_remove(reply: Reply, open_flags: int) -> bool:
    return reply.status != Reply.Status.REMOVED


def offer_restore(reply: Reply, open_flags: int) -> bool:
    # An author's own removal is theirs: a moderator cannot put their words back up.
    return reply.status == Reply.Status.REMOVED and reply.removed_by == Reply.RemovedBy.MODERATOR


def offer_dismiss(reply: Reply, open_flags: int) -> bool:
    return open_flags > 0


def offer_lock_branch(reply: Reply, open_flags: int) -> bool:
    return not reply.branch_locked


def offer_unlock_branch(reply: Reply, open_flags: int) -> bool:
    return reply.branch_locked


def offer_feature(reply: Reply, open_flags: int) -> bool:
    # An editor's pick is shown to everyone: only a published reply can be one.
    return reply.status == Reply.Status.PUBLISHED and not reply.featured


def offer_unfeature(reply: Reply, open_flags: int) -> bool:
    return reply.featured


def offer_whole_branch(reply: Reply, open_flags: int) -> bool:
    return reply.rght - reply.lft > 1  # it has replies under it
