"""What moderators (and the automatic rules) do: the only code that changes a reply's status after
it is posted, locks branches and articles, suspends accounts, and writes the moderation log.

Every action checks the moderator's role first (forum.policy), then takes the locks of
forum.threads.locks, reads its rows again, and refuses with Conflict when the state it expects
is gone (another moderator got there first: 409, and no second log entry). It writes one
ModerationLog row in the same transaction. Nothing is deleted: removal is a status.

REPLY_ACTIONS, at the end, is the one table of actions on a reply: the queue's buttons, the
admin's actions and the dispatch of /moderation/replies/<id>/<action>/ all come from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from forum import policy
from forum.conf import forum_settings
from forum.errors import Conflict, Refused
from forum.reactions import services as reactions
from forum.rendering import CONTROL_CHARACTERS
from forum.threads import locks
from forum.threads.models import Article, Reply

from .log import record as _record
from .models import Flag, ModerationLog


def _plain_text(text: str, *, refusal: str) -> str:
    text = (text or "").strip()
    if CONTROL_CHARACTERS.search(text) or len(text) > 1000:
        raise Refused(refusal)
    return text


def _reason(reason: str, *, required: bool) -> str:
    reason = _plain_text(reason, refusal=_("The reason must be plain text of at most 1,000 characters."))
    if required and not reason:
        raise Refused(_("Give a reason: it is shown in the moderation log."))
    return reason


def _resolve_flags(replies, now) -> int:
    """Close the open flags of `replies` (rows or ids); their best order's score rises with it."""
    closed = Flag.objects.filter(reply__in=replies, resolved__isnull=True).update(resolved=now)
    if closed:
        reactions.rescore([getattr(reply, "pk", reply) for reply in replies])
    return closed


def _set_status(reply: Reply, status: str, **fields) -> None:
    """Change a reply's status, remembering the one it leaves when moderation holds or removes it."""
    if status in (Reply.Status.HELD, Reply.Status.REMOVED) and reply.status != status:
        fields.setdefault("previous_status", reply.status)
    reply.status = status
    for name, value in fields.items():
        setattr(reply, name, value)
    reply.save(update_fields=["status", *fields])


# --- Readers' flags ------------------------------------------------------------------------------


def reply_flag(*, reply: Reply, flagger, reason: str, text: str = "", good_faith: bool = False) -> Flag:
    """A reader reports a reply. When the weights of its open flags reach
    FORUM_FLAG_HOLD_THRESHOLD it is held (forum.policy.flag_weight: a new account's flag weighs
    less). Flagging needs what posting needs: an active, verified account that is not suspended.

    Locks the reply's branch root, so concurrent flags count up to the threshold exactly once
    and an auto-hold excludes a reply being posted under it.
    """
    policy.check(policy.author_refusal(flagger, doing="flag replies"))
    if reason not in Flag.Reason.values:
        raise Refused(_("Choose why you are flagging this reply."))
    text = _plain_text(text, refusal=_("The explanation must be plain text of at most 1,000 characters."))
    if reason == Flag.Reason.OTHER and not text:
        raise Refused(_("Say what is wrong when the reason is 'something else'."))
    if reason == Flag.Reason.ILLEGAL:
        if len(text) < 20:
            raise Refused(_("An illegal-content notice needs your statement: explain, in a sentence or more, why this is illegal."))
        if not good_faith:
            raise Refused(_("Confirm that you make this notice in good faith."))
    else:
        good_faith = False
    policy.check(policy.flag_refusal(user=flagger, reply=reply))
    weight = policy.flag_weight(flagger)
    now = timezone.now()
    with transaction.atomic():
        current = locks.lock_branch(reply.pk)
        already = Flag.objects.filter(reply=current, flagger=flagger).exists()
        policy.check(policy.flag_refusal(user=flagger, reply=current, already_flagged=already))
        flag = Flag.objects.create(
            reply=current, flagger=flagger, reason=reason, text=text, weight=weight, created=now, good_faith=good_faith
        )
        reactions.rescore([current.pk])  # an open flag counts against the reply's best score
        flags = Flag.objects.filter(reply=current, resolved__isnull=True).aggregate(count=Count("id"), weight=Sum("weight"))
        threshold = forum_settings.FLAG_HOLD_THRESHOLD
        if current.status == Reply.Status.PUBLISHED and flags["weight"] >= threshold:
            why = ngettext(
                "%(count)s reader flagged it (weight %(weight)s of %(threshold)s).",
                "%(count)s readers flagged it (weight %(weight)s of %(threshold)s).",
                flags["count"],
            ) % {"count": flags["count"], "weight": flags["weight"], "threshold": threshold}
            _set_status(current, Reply.Status.HELD, hold_reason=why)
            _record(actor=None, action=ModerationLog.Action.FLAG_HOLD, reply=current, reason=current.hold_reason)
    return flag


# --- One reply -----------------------------------------------------------------------------------


def _status_now(reply: Reply) -> str:
    return reply.get_status_display().lower()


def _act_on_reply(
    *, reply: Reply, moderator, action: str, reason: str, offered, refusal, change, count_flags: bool = False
) -> Reply:
    """The shape of every action on one reply, once its caller has checked who acts and cleaned
    the reason: lock the reply's branch, refuse unless the action still makes sense for the
    reply as it is now (`offered`, told the open flags if `count_flags`; else `refusal`: another
    moderator may have got there first), `change` it, log it. `moderator` None is an automatic
    rule. `change` returns the log entry's detail, if any."""
    with transaction.atomic():
        current = locks.lock_branch(reply.pk)
        started = timezone.now()
        open_flags = Flag.objects.filter(reply=current, resolved__isnull=True).count() if count_flags else 0
        if not offered(current, open_flags):
            raise refusal(current)
        detail = change(current) or ""
        entry = _record(actor=moderator, action=action, reply=current, reason=reason, detail=detail)
        _decided(entry, [current.pk], since=started)
    return current


def _decided(entry: ModerationLog, reply_pks, *, since) -> None:
    """The flags this action resolved point at it: their reporters are told of this decision."""
    Flag.objects.filter(reply__in=reply_pks, resolved__gte=since, decision__isnull=True).update(decision=entry)


def reply_hold(*, reply: Reply, moderator, reason: str) -> Reply:
    """Hold a published reply for review. `moderator` None is an automatic rule (manage.py moderate)."""
    if moderator is not None:
        policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=True)
    return _act_on_reply(
        reply=reply, moderator=moderator, action=ModerationLog.Action.HOLD, reason=reason,
        offered=policy.offer_hold,
        refusal=lambda current: Conflict(_("This reply is already %(current)s.") % {"current": _status_now(current)}),
        change=lambda current: _set_status(current, Reply.Status.HELD, hold_reason=reason),
    )


def reply_approve(*, reply: Reply, moderator, reason: str = "") -> Reply:
    """Publish a held reply and close its flags. Its parent's author hears of it then
    (forum.notifications): held replies notify nobody until approved."""

    def approve(current):
        _set_status(current, Reply.Status.PUBLISHED, hold_reason="", previous_status="")
        _resolve_flags([current], timezone.now())

    policy.check(policy.moderator_refusal(moderator))
    return _act_on_reply(
        reply=reply, moderator=moderator, action=ModerationLog.Action.APPROVE,
        reason=_reason(reason, required=False), offered=policy.offer_approve, change=approve,
        refusal=lambda current: Conflict(_("This reply is %(current)s now: another moderator has handled it.") % {"current": _status_now(current)}),
    )


def reply_remove_by_moderator(*, reply: Reply, moderator, reason: str) -> Reply:
    """Remove a reply: it shows as "[removed by moderator]"; the replies under it stay."""

    def remove(current):
        _set_status(current, Reply.Status.REMOVED, removed_by=Reply.RemovedBy.MODERATOR)
        _resolve_flags([current], timezone.now())

    policy.check(policy.moderator_refusal(moderator))
    return _act_on_reply(
        reply=reply, moderator=moderator, action=ModerationLog.Action.REMOVE,
        reason=_reason(reason, required=True), offered=policy.offer_remove, change=remove,
        refusal=lambda current: Conflict(_("This reply is already removed: another moderator has handled it.")),
    )


def _restore_refusal(current: Reply):
    if current.status != Reply.Status.REMOVED:
        return Conflict(_("This reply is %(current)s, not removed.") % {"current": _status_now(current)})
    return Refused(_("Its author removed this reply; only they could have kept it."))


def reply_restore(*, reply: Reply, moderator, reason: str = "") -> Reply:
    """Undo a moderator's removal: the reply returns to the status it had before it, so a reply
    held on import (and never published) is held again, not published."""

    def restore(current):
        status = current.previous_status or Reply.Status.PUBLISHED
        _set_status(current, status, removed_by=Reply.RemovedBy.NOBODY, previous_status="")
        return f"back to {_status_now(current)}"

    policy.check(policy.moderator_refusal(moderator))
    return _act_on_reply(
        reply=reply, moderator=moderator, action=ModerationLog.Action.RESTORE,
        reason=_reason(reason, required=False), offered=policy.offer_restore, refusal=_restore_refusal,
        change=restore,
    )


# The actions that change a reply's status, as its log shows them.
_STATUS_ACTIONS = [
    ModerationLog.Action.HOLD, ModerationLog.Action.FLAG_HOLD, ModerationLog.Action.APPROVE,
    ModerationLog.Action.REMOVE, ModerationLog.Action.RESTORE,
]


def flags_dismiss(*, reply: Reply, moderator, reason: str = "") -> Reply:
    """The flags were wrong: close them. A reply that the flags held returns to what it was
    before them; any other reply is left as it is (a moderator's hold stays)."""

    def dismiss(current):
        closed = _resolve_flags([current], timezone.now())
        last = ModerationLog.objects.filter(reply=current, action__in=_STATUS_ACTIONS).order_by("-created", "-id").first()
        if current.status == Reply.Status.HELD and last is not None and last.action == ModerationLog.Action.FLAG_HOLD:
            _set_status(current, current.previous_status or Reply.Status.PUBLISHED, hold_reason="", previous_status="")
            return f"{closed} flags; back to {_status_now(current)}"
        return f"{closed} flags"

    policy.check(policy.moderator_refusal(moderator))
    return _act_on_reply(
        reply=reply, moderator=moderator, action=ModerationLog.Action.DISMISS_FLAGS,
        reason=_reason(reason, required=False), offered=policy.offer_dismiss, count_flags=True,
        refusal=lambda current: Conflict(_("This reply has no open flags: another moderator has handled them.")),
        change=dismiss,
    )


def _mark(field: str, value: bool):
    def change(current):
        setattr(current, field, value)
        current.save(update_fields=[field])

    return change


def branch_lock(*, reply: Reply, moderator, reason: str, locked: bool = True) -> Reply:
    """Lock (or unlock) a branch: no new replies anywhere under `reply`."""
    policy.check(policy.moderator_refusal(moderator))
    return _act_on_reply(
        reply=reply, moderator=moderator,
        action=ModerationLog.Action.LOCK_BRANCH if locked else ModerationLog.Action.UNLOCK_BRANCH,
        reason=_reason(reason, required=locked),
        offered=policy.offer_lock_branch if locked else policy.offer_unlock_branch, change=_mark("branch_locked", locked),
        refusal=lambda current: Conflict(_("This branch is already locked.") if locked else _("This branch is already unlocked.")),
    )


def reply_feature(*, reply: Reply, moderator, reason: str = "", featured: bool = True) -> Reply:
    """Mark a published reply an editor's pick (or unmark it): the article shows it in its
    featured strip. A pick that is later held or removed leaves the strip with its text."""
    policy.check(policy.moderator_refusal(moderator))
    return _act_on_reply(
        reply=reply, moderator=moderator,
        action=ModerationLog.Action.FEATURE if featured else ModerationLog.Action.UNFEATURE,
        reason=_reason(reason, required=False),
        offered=policy.offer_feature if featured else policy.offer_unfeature, change=_mark("featured", featured),
        refusal=lambda current: Conflict(
            (_("Only a published reply can be featured.") if current.status != Reply.Status.PUBLISHED
             else _("This reply is already featured.")) if featured else _("This reply is not featured.")
        ),
    )


# --- Branches and articles -----------------------------------------------------------------------


def _branch(reply: Reply):
    return Reply.objects.filter(tree_id=reply.tree_id, lft__gte=reply.lft, rght__lte=reply.rght)


def branch_hold(*, reply: Reply, moderator, reason: str) -> int:
    """Hold every published reply in the branch under (and including) `reply`."""
    policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=True)
    with transaction.atomic():
        current = locks.lock_branch(reply.pk)
        held = _branch(current).filter(status=Reply.Status.PUBLISHED).update(
            status=Reply.Status.HELD, hold_reason=reason, previous_status=F("status")
        )
        if not held:
            raise Conflict(_("Nothing in this branch is published: another moderator has handled it."))
        _record(actor=moderator, action=ModerationLog.Action.HOLD_BRANCH, reply=current, reason=reason,
                detail=f"{held} replies held")
    return held


def branch_remove(*, reply: Reply, moderator, reason: str) -> int:
    """Remove every reply in the branch under (and including) `reply`. Placeholders keep the shape."""
    policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=True)
    with transaction.atomic():
        current = locks.lock_branch(reply.pk)
        pks = list(_branch(current).exclude(status=Reply.Status.REMOVED).values_list("pk", flat=True))
        if not pks:
            raise Conflict(_("Everything in this branch is already removed."))
        Reply.objects.filter(pk__in=pks).update(
            status=Reply.Status.REMOVED, removed_by=Reply.RemovedBy.MODERATOR, previous_status=F("status")
        )
        started = timezone.now()
        _resolve_flags(pks, started)
        entry = _record(actor=moderator, action=ModerationLog.Action.REMOVE_BRANCH, reply=current, reason=reason,
                        detail=f"{len(pks)} replies removed")
        _decided(entry, pks, since=started)
    return len(pks)


def article_lock(*, article: Article, moderator, reason: str, locked: bool = True) -> Article:
    """Lock (or unlock) a whole discussion. Waits for replies being posted to it (their share lock)."""
    policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=locked)
    with transaction.atomic():
        current = locks.lock_article(article.pk)
        if current.locked == locked:
            raise Conflict(_("This article is already locked.") if locked else _("This article is already unlocked."))
        current.locked = locked
        current.save(update_fields=["locked"])
        action = ModerationLog.Action.LOCK_ARTICLE if locked else ModerationLog.Action.UNLOCK_ARTICLE
        _record(actor=moderator, action=action, article=current, reason=reason)
    return current


# --- The table of actions on a reply ------------------------------------------------------------


@dataclass(frozen=True)
class ReplyAction:
    name: str  # in the URL, /moderation/replies/<id>/<name>/, and the admin action's name
    label: str  # the queue's button
    admin_label: str  # the admin's action menu
    done: str  # said after it is done; "%(status)s" is the reply's status then
    reason_required: bool
    offered: Callable[[Reply, int], bool]  # forum.policy: whether it makes sense for the reply now
    service: Callable


REPLY_ACTIONS = {
    action.name: action
    for action in [
        ReplyAction("approve", gettext_lazy("Approve"), gettext_lazy("Approve held replies"), gettext_lazy("Approved: the reply is published."),
                    False, policy.offer_approve, reply_approve),
        ReplyAction("remove", gettext_lazy("Remove"), gettext_lazy("Remove (needs a reason)"), gettext_lazy("Removed: the reply shows as a placeholder."),
                    True, policy.offer_remove, reply_remove_by_moderator),
        ReplyAction("restore", gettext_lazy("Restore"), gettext_lazy("Restore removed replies"), gettext_lazy("Restored: the reply is %(status)s again."),
                    False, policy.offer_restore, reply_restore),
        ReplyAction("dismiss", gettext_lazy("Dismiss flags"), gettext_lazy("Dismiss flags"), gettext_lazy("The flags are dismissed."),
                    False, policy.offer_dismiss, flags_dismiss),
        ReplyAction("lock-branch", gettext_lazy("Lock branch"), gettext_lazy("Lock branch (needs a reason)"), gettext_lazy("The branch is locked."),
                    True, policy.offer_lock_branch, partial(branch_lock, locked=True)),
        ReplyAction("unlock-branch", gettext_lazy("Unlock branch"), gettext_lazy("Unlock branch"), gettext_lazy("The branch is unlocked."),
                    False, policy.offer_unlock_branch, partial(branch_lock, locked=False)),
        ReplyAction("feature", gettext_lazy("Feature (editor's pick)"), gettext_lazy("Feature (editor's pick)"),
                    gettext_lazy("Featured: the reply is shown above the discussion."), False, policy.offer_feature, reply_feature),
        ReplyAction("unfeature", gettext_lazy("Unfeature"), gettext_lazy("Unfeature"), gettext_lazy("The reply is no longer featured."),
                    False, policy.offer_unfeature, partial(reply_feature, featured=False)),
        ReplyAction("hold-branch", gettext_lazy("Hold whole branch"), gettext_lazy("Hold whole branch (needs a reason)"),
                    gettext_lazy("The branch is held for review."), True, policy.offer_whole_branch, branch_hold),
        ReplyAction("remove-branch", gettext_lazy("Remove whole branch"), gettext_lazy("Remove whole branch (needs a reason)"),
                    gettext_lazy("The branch is removed."), True, policy.offer_whole_branch, branch_remove),
    ]
}


def offered_actions(reply: Reply, open_flags: int) -> list[ReplyAction]:
    """The actions that make sense for a reply in its present state, in the table's order."""
    return [action for action in REPLY_ACTIONS.values() if action.offered(reply, open_flags)]
