"""Suspensions: a moderator stops an account posting for a while or for good, and lifts it.
Logged like every moderation action (forum.moderation.actions shares its reason's rules)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as accounts
from forum import policy
from forum.errors import Conflict

from .actions import _reason
from .log import record as _record
from .models import ModerationLog


def user_ban(*, user, moderator, reason: str, until=None):
    """Suspend `user` from posting until `until`, or for good when it is None. They can still read."""
    policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=True)
    now = timezone.now()
    policy.check(policy.suspension_refusal(target=user, moderator=moderator, until=until, now=now))
    with transaction.atomic():
        current = accounts.suspension_set(user=user, until=until, reason=reason, now=now)
        if current is None:
            raise Conflict(_("This user is already suspended on those terms."))
        detail = "for good" if until is None else f"until {until:%Y-%m-%d %H:%M} UTC"
        _record(actor=moderator, action=ModerationLog.Action.BAN, user=current, reason=reason, detail=detail)
    return current


def user_unban(*, user, moderator, reason: str = ""):
    policy.check(policy.moderator_refusal(moderator))
    reason = _reason(reason, required=False)
    with transaction.atomic():
        current = accounts.suspension_lift(user=user)
        if current is None:
            raise Conflict(_("This user is not suspended."))
        _record(actor=moderator, action=ModerationLog.Action.UNBAN, user=current, reason=reason)
    return current
