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
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forum.i18n import language_of
from forum.moderation.models import Flag, ModerationLog

from .models import Notification
from .services import notification_add

Action = ModerationLog.Action

# The actions that restrict a reply, and how the notice words them: (done by a moderator, done by
# the forum itself). Whole sentences, in the language of the person told (forum.notifications.services).
RESTRICTIONS = {
    Action.REMOVE: (
        gettext_lazy("A moderator removed your reply on “%(title)s” (reply %(pk)s)."),
        gettext_lazy("The forum removed your reply on “%(title)s” (reply %(pk)s)."),
    ),
    Action.REMOVE_BRANCH: (
        gettext_lazy("A moderator removed your reply and the replies under it on “%(title)s” (reply %(pk)s)."),
        gettext_lazy("The forum removed your reply and the replies under it on “%(title)s” (reply %(pk)s)."),
    ),
    Action.HOLD: (
        gettext_lazy("A moderator hid your reply until a moderator reviews it on “%(title)s” (reply %(pk)s)."),
        gettext_lazy("The forum hid your reply until a moderator reviews it on “%(title)s” (reply %(pk)s)."),
    ),
    Action.HOLD_BRANCH: (
        gettext_lazy(
            "A moderator hid your reply and the replies under it until a moderator reviews them on "
            "“%(title)s” (reply %(pk)s)."
        ),
        gettext_lazy(
            "The forum hid your reply and the replies under it until a moderator reviews them on "
            "“%(title)s” (reply %(pk)s)."
        ),
    ),
}
RESTRICTIONS[Action.FLAG_HOLD] = RESTRICTIONS[Action.HOLD]
# What a reporter is told the decision on their notice was.
OUTCOMES = {
    Action.REMOVE: gettext_lazy("a moderator removed the reply"),
    Action.REMOVE_BRANCH: gettext_lazy("a moderator removed the reply and the replies under it"),
    Action.APPROVE: gettext_lazy("a moderator reviewed the reply and left it published: no breach was found"),
    Action.DISMISS_FLAGS: gettext_lazy(
        "a moderator reviewed the reply and found no breach of the law or of the forum's rules"
    ),
}


def _ground(entry: ModerationLog, reply) -> str:
    flags = list(Flag.objects.filter(decision=entry).values_list("reason", flat=True)) if entry.actor_id else []
    if Flag.Reason.ILLEGAL in flags:
        return _("It was reported as illegal content under the EU Digital Services Act, and a moderator decided.")
    if flags or entry.action == Action.FLAG_HOLD:
        if entry.actor_id:
            return _("Readers flagged it, and a moderator decided.")
        return _("Readers flagged it, and it was hidden automatically until a moderator looks at it.")
    return _("A moderator decided on the forum's rules, without a report.")


def statement_of_reasons(entry: ModerationLog, reply) -> str:
    by_moderator, by_forum = RESTRICTIONS[entry.action]
    done = (by_moderator if entry.actor_id else by_forum) % {"title": reply.article.title, "pk": reply.pk}
    reason = _("Reason: %(reason)s.") % {"reason": entry.reason or _("no reason was given")}
    contest = _("If you think this is wrong, you can contest it by writing to %(address)s, quoting reply %(pk)s.") % {
        "address": settings.DEFAULT_FROM_EMAIL, "pk": reply.pk,
    }
    return f"{done} {reason} {_ground(entry, reply)} {contest}"


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
        # Written in the language the person reads the forum in (kept as written, like a letter).
        with translation.override(language_of(reply.author)):
            text = statement_of_reasons(entry, reply)
        told.append(notification_add(recipient=reply.author, reply=reply, entry=entry, kind=Notification.Kind.DECISION,
                                     text=text, email=True, created=entry.created))
    for flag in Flag.objects.filter(decision=entry, reason=Flag.Reason.ILLEGAL).select_related("flagger"):
        with translation.override(language_of(flag.flagger)):
            text = _report_decision(entry, reply, flag)
        told.append(notification_add(recipient=flag.flagger, reply=reply, entry=entry, kind=Notification.Kind.REPORT,
                                     text=text, email=True, created=entry.created))
    return [notice for notice in told if notice is not None]


def _report_decision(entry: ModerationLog, reply, flag) -> str:
    """What the reporter of an illegal-content notice is told was decided."""
    outcome = OUTCOMES.get(entry.action) or _("a moderator %(action)s") % {"action": entry.get_action_display()}
    # A branch action resolves the flags of every reply in it: name the one reported.
    return _("Your illegal-content notice about reply %(pk)s on “%(title)s”: %(outcome)s.") % {
            "pk": flag.reply_id, "title": reply.article.title, "outcome": outcome,
    } + (" " + _("Reason: %(reason)s.") % {"reason": entry.reason} if entry.reason else "")
