"""The moderation hooks every new reply and every edit passes through.

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
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class Verdict(enum.IntEnum):
    ALLOW = 0
    HOLD = 1
    REJECT = 2


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""  # shown to the author
    retry_after: int | None = None  # seconds, for rate limits: answered with 429 and Retry-After


ALLOW = Decision(Verdict.ALLOW)


def hold(reason: str) -> Decision:
    return Decision(Verdict.HOLD, reason)


def reject(reason: str, *, retry_after: int | None = None) -> Decision:
    return Decision(Verdict.REJECT, reason, retry_after)


_imported: dict[str, object] = {}


def hooks() -> list:
    loaded = []
    for path in settings.FORUM_MODERATION_HOOKS:
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
    from .models import Reply

    seconds = settings.FORUM_FLOOD_SECONDS
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
    return reject(f"You are posting too fast. Please wait {wait} seconds and try again.", retry_after=wait)


def duplicate_text(*, author, body, reply, **_) -> Decision:
    """Refuse the same text from the same account twice within FORUM_DUPLICATE_WINDOW_SECONDS."""
    from .models import Reply

    window = settings.FORUM_DUPLICATE_WINDOW_SECONDS
    if not window:
        return ALLOW
    since = timezone.now() - datetime.timedelta(seconds=window)
    same = Reply.objects.filter(author=author, created__gte=since, body=body.strip())
    if reply is not None:
        same = same.exclude(pk=reply.pk)
    if same.exists():
        return reject("You already posted exactly this a moment ago.")
    return ALLOW
