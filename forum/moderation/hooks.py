"""The moderation hooks every new reply and every edit passes through, before anything is locked.

`settings.FORUM_MODERATION_HOOKS` lists them as dotted paths, in order. Each is a callable
taking keyword arguments:

    author, article, parent (None for a top-level reply), body (the Markdown source),
    reply (the reply being edited, or None for a new one), request (or None outside the web)

and returning a Decision. The strictest decision wins: reject over hold over allow. Paths are
imported when used, not at start-up, so a test can swap the list with the `settings` fixture.
"""

from __future__ import annotations

import datetime
import enum
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext

from forum import policy
from forum.conf import forum_settings
from forum.threads.models import Reply


class Verdict(enum.IntEnum):
    ALLOW = 0
    HOLD = 1
    REJECT = 2


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""  # shown to the author
    retry_after: int | None = None  # seconds, for rate limits: answered with 429 and Retry-After
    # A REJECT the writer may overrule (forum.errors.Nudged): the form offers "post it anyway".
    nudge: bool = False


ALLOW = Decision(Verdict.ALLOW)


def hold(reason: str) -> Decision:
    return Decision(Verdict.HOLD, reason)


def reject(reason: str, *, retry_after: int | None = None) -> Decision:
    return Decision(Verdict.REJECT, reason, retry_after)


def nudge(reason: str) -> Decision:
    return Decision(Verdict.REJECT, reason, nudge=True)


_imported: dict[str, object] = {}


def hooks() -> list:
    loaded = []
    for path in forum_settings.MODERATION_HOOKS:
        if path not in _imported:
            _imported[path] = import_string(path)
        loaded.append(_imported[path])
    return loaded


def moderate(*, author, article, parent, body, reply=None, request=None) -> Decision:
    """Run every hook; return the strictest decision (the first one, among equals)."""
    strictest = ALLOW
    for hook in hooks():
        decision = hook(author=author, article=article, parent=parent, body=body, reply=reply, request=request)
        if decision.verdict > strictest.verdict:
            strictest = decision
    return strictest


# --- Built-in hooks ----------------------------------------------------------------------------


def flood_limit(*, author, reply, **_) -> Decision:
    """At most one new reply per FORUM_FLOOD_SECONDS per account. Edits are not counted."""
    seconds = forum_settings.FLOOD_SECONDS
    if reply is not None or not seconds:
        return ALLOW
    last = (
        Reply.objects.filter(author=author, created__isnull=False)
        .order_by("-created")
        .values_list("created", flat=True)
        .first()
    )
    if last is None:
        return ALLOW
    wait = seconds - (timezone.now() - last).total_seconds()
    if wait <= 0:
        return ALLOW
    wait = int(wait) + 1
    return reject(ngettext(
        "You are posting too fast. Please wait %(wait)s second and try again.",
        "You are posting too fast. Please wait %(wait)s seconds and try again.",
        wait,
    ) % {"wait": wait}, retry_after=wait)


def duplicate_text(*, author, body, reply, **_) -> Decision:
    """Refuse the same text from the same account twice within FORUM_DUPLICATE_WINDOW_SECONDS."""
    window = forum_settings.DUPLICATE_WINDOW_SECONDS
    if not window:
        return ALLOW
    since = timezone.now() - datetime.timedelta(seconds=window)
    same = Reply.objects.filter(author=author, created__gte=since, body=body.strip())
    if reply is not None:
        same = same.exclude(pk=reply.pk)
    if same.exists():
        return reject(gettext("You already posted exactly this a moment ago."))
    return ALLOW


def _normalised(text: str) -> str:
    # Fold width and case so "ＮＩＧＧＡ" or "NiGgA" match the same pattern as the plain word.
    return unicodedata.normalize("NFKC", text).casefold()


def _watched(patterns: tuple[str, ...]) -> re.Pattern | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


def watched_words(*, body, **_) -> Decision:
    """Patterns in FORUM_WATCHED_WORDS: "reject" refuses the reply, "hold" sends it to moderators."""
    text = _normalised(body)
    for verdict, patterns in (("reject", "reject"), ("hold", "hold")):
        compiled = _watched(tuple(forum_settings.WATCHED_WORDS.get(patterns, ())))
        match = compiled.search(text) if compiled else None
        if match:
            if verdict == "reject":
                return reject(gettext("Your reply contains language this forum does not allow. Please rephrase it."))
            return hold(gettext("Contains a watched word (%(word)r); a moderator will look at it.") % {"word": match.group(0)})
    return ALLOW


def is_new_account(author) -> bool:
    """Younger than FORUM_NEW_ACCOUNT_DAYS, or fewer than FORUM_NEW_ACCOUNT_MIN_REPLIES published.

    Imported commenters (no join date) are not new accounts: nobody signed up as them.
    """
    if author.date_joined is None:
        return False
    young = timezone.now() - author.date_joined < datetime.timedelta(days=forum_settings.NEW_ACCOUNT_DAYS)
    if young:
        return True
    minimum = forum_settings.NEW_ACCOUNT_MIN_REPLIES
    return minimum > 0 and Reply.objects.filter(author=author).published().count() < minimum


_LINK = re.compile(r"https?://|mailto:|www\.", re.IGNORECASE)


def link_limit(*, author, body, **_) -> Decision:
    """New accounts may post at most FORUM_NEW_ACCOUNT_MAX_LINKS links, as on Discourse."""
    limit = forum_settings.NEW_ACCOUNT_MAX_LINKS
    links = len(_LINK.findall(body))
    if links <= limit or not is_new_account(author):
        return ALLOW
    return reject(
        gettext("New accounts can post at most %(limit)s links in a reply; this one has %(links)s. Remove some, or post again once your account is a few days old.") % {"limit": limit, "links": links}
    )


def first_posts_premoderated(*, author, reply, **_) -> Decision:
    """Hold an account's first FORUM_PREMODERATE_FIRST_REPLIES replies (0, the default, is off)."""
    first = forum_settings.PREMODERATE_FIRST_REPLIES
    if not first or reply is not None or author.date_joined is None:
        return ALLOW
    if Reply.objects.filter(author=author).published().count() >= first:
        return ALLOW
    return hold(gettext("A moderator checks a new account's first replies before they appear."))


def article_rules(*, author, article, reply, **_) -> Decision:
    """The discussion's own rules, set by its moderators: pre-moderation of every reply, and slow
    mode (one new reply per N minutes per reader in this article; moderators are not slowed)."""
    if article.premoderate:
        return hold(gettext("Every reply to this discussion is checked by a moderator before it appears."))
    minutes = article.slow_mode_minutes
    if not minutes or reply is not None or policy.is_moderator(author):
        return ALLOW
    last = (
        Reply.objects.filter(author=author, article=article, created__isnull=False)
        .order_by("-created")
        .values_list("created", flat=True)
        .first()
    )
    if last is None:
        return ALLOW
    wait = minutes * 60 - (timezone.now() - last).total_seconds()
    if wait <= 0:
        return ALLOW
    wait = int(wait) + 1
    return reject(
        ngettext(
            "This discussion is in slow mode: one reply every %(minutes)s minute. You can post again in %(wait)s.",
            "This discussion is in slow mode: one reply every %(minutes)s minutes. You can post again in %(wait)s.",
            minutes,
        ) % {"minutes": minutes, "wait": _duration(wait)},
        retry_after=wait,
    )


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    if not minutes:
        return ngettext("%(seconds)s second", "%(seconds)s seconds", seconds) % {"seconds": seconds}
    if seconds:
        return gettext("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": seconds}
    return gettext("%(minutes)s min") % {"minutes": minutes}


def removal_record(author) -> tuple[int, int]:
    """(removed, considered) over the author's last FORUM_REMOVAL_RATE_WINDOW replies."""
    window = forum_settings.REMOVAL_RATE_WINDOW
    statuses = list(
        Reply.objects.filter(author=author, created__isnull=False).order_by("-created").values_list("status", flat=True)[:window]
    )
    return sum(1 for status in statuses if status == Reply.Status.REMOVED), len(statuses)


def removal_rate(*, author, reply, **_) -> Decision:
    """Pre-moderate an account whose recent replies moderators kept removing: at least
    FORUM_REMOVAL_RATE_MIN removed, and at least FORUM_REMOVAL_RATE_THRESHOLD percent of the last
    FORUM_REMOVAL_RATE_WINDOW. It lifts by itself as their approved replies push those out."""
    if reply is not None or author.date_joined is None:
        return ALLOW
    reason = removal_rate_reason(*removal_record(author))
    return hold(reason) if reason else ALLOW


def removal_rate_reason(removed: int, considered: int) -> str:
    """Why removal_rate holds an account's new replies, or "" when it does not."""
    if removed < forum_settings.REMOVAL_RATE_MIN or removed * 100 < forum_settings.REMOVAL_RATE_THRESHOLD * considered:
        return ""
    return gettext("Pre-moderated automatically: %(removed)s of this account's last %(considered)s replies were removed.") % {
        "removed": removed, "considered": considered,
    }
