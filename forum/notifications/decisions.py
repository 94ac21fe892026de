"""Moderation decisions told to the people they concern, as the EU Digital Services Act asks:

- the author of a reply a moderator (or the flag threshold) held or removed gets a statement
  of reasons (article 17): what was done, why, on what ground, and how to contest it;
- the reporter of an illegal-content notice (article 16) gets the decision on it, whatever it is.

Both are notifications in the app and an email, whatever the person's email settings: a
legal notice is not a newsletter. They run after the action committed (the reply_moderated
signal, delivered by the task queue), and each is made once per decision and person however
often its task runs (a unique constraint on recipient, entry, kind).
"""

from __future__ import annotations

from django.conf import settings

from forum.moderation.models import Flag, ModerationLog

from .models import Notification
from .services import notification_add

Action = ModerationLog.Action

# The actions that restrict a reply, and how the notice words them.
RESTRICTIONS = {
    Action.REMOVE: "removed your reply",
    Action.REMOVE_BRANCH: "removed your reply and the replies under it",
    Action.HOLD: "hid your reply until a moderator reviews it",
    Action.HOLD_BRANCH: "hid your reply and the replies under it until a moderator reviews them",
    Action.FLAG_HOLD: "hid your reply until a moderator reviews it",
}
# What a reporter is told the decision on their notice was.
OUTCOMES = {
    Action.REMOVE: "a moderator removed the reply",
    Action.REMOVE_BRANCH: "a moderator removed the reply and the replies under it",
    Action.APPROVE: "a moderator reviewed the reply and left it published: no breach was found",
    Action.DISMISS_FLAGS: "a moderator reviewed the reply and found no breach of the law or of the forum's rules",
}


def _ground(entry: ModerationLog, reply) -> str:
    flags = list(Flag.objects.filter(decision=entry).values_list("reason", flat=True)) if entry.actor_id else []
    if Flag.Reason.ILLEGAL in flags:
        return "It was reported as illegal content under the EU Digital Services Act, and a moderator decided."
    if flags or entry.action == Action.FLAG_HOLD:
        who = "a moderator decided" if entry.actor_id else "it was hidden automatically until a moderator looks at it"
        return f"Readers flagged it, and {who}."
    return "A moderator decided on the forum's rules, without a report."


def statement_of_reasons(entry: ModerationLog, reply) -> str:
    who = "A moderator" if entry.actor_id else "The forum"
    reason = entry.reason or "no reason was given"
    return (
        f"{who} {RESTRICTIONS[entry.action]} on \u201c{reply.article.title}\u201d (reply {reply.pk}). "
        f"Reason: {reason}. {_ground(entry, reply)} If you think this is wrong, you can contest it by "
        f"writing to {settings.DEFAULT_FROM_EMAIL}, quoting reply {reply.pk}."
    )


def _reachable(person) -> bool:
    # An imported commenter nobody has claimed has no address and cannot sign in: nobody to tell.
    return bool(person.email) or person.has_usable_password()


def notify_decision(*, reply, entry: ModerationLog) -> list[Notification]:
    """After a moderation action on `reply`: the author's statement of reasons, and the decision
    for each illegal-content notice the action resolved."""
    told = []
    if reply is None:
        return told
    # A hook's hold as the reply is posted or imported is told on the spot ("awaiting moderation");
    # other automatic holds (manage.py moderate) are decisions like a moderator's.
    automatic_on_posting = entry.actor_id is None and entry.action == Action.HOLD and entry.detail in ("when posted", "on import")
    if entry.action in RESTRICTIONS and not automatic_on_posting and _reachable(reply.author):
        told.append(notification_add(recipient=reply.author, reply=reply, entry=entry, kind=Notification.Kind.DECISION,
                                     text=statement_of_reasons(entry, reply), email=True, created=entry.created))
    outcome = OUTCOMES.get(entry.action, f"a moderator {entry.get_action_display()}")
    for flag in Flag.objects.filter(decision=entry, reason=Flag.Reason.ILLEGAL).select_related("flagger"):
        # A branch action resolves the flags of every reply in it: name the one reported.
        text = (
            f"Your illegal-content notice about reply {flag.reply_id} on \u201c{reply.article.title}\u201d: {outcome}."
            + (f" Reason: {entry.reason}." if entry.reason else "")
        )
        told.append(notification_add(recipient=flag.flagger, reply=reply, entry=entry, kind=Notification.Kind.REPORT,
                                     text=text, email=True, created=entry.created))
    return [notice for notice in told if notice is not None]
