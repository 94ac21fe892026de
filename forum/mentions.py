"""@mentions: which accounts a text calls in. Rendering links them (forum.rendering, given the
names this looks up, since rendering reads no database); the notifications tell them
(forum.notifications.services.notify_mentioned)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Q

from forum.conf import forum_settings
from forum.rendering import mentioned_names


def mentioned_users(source: str) -> list:
    """The active accounts the text @mentions, the first FORUM_MENTIONS_MAX names only (a reply
    that names a hundred people is not calling them in). One query; none without a mention."""
    names = mentioned_names(source)[: forum_settings.MENTIONS_MAX]
    if not names:
        return []
    wanted = reduce(or_, (Q(username__iexact=name) for name in names))
    return list(get_user_model().objects.filter(wanted, is_active=True))


def resolve(source: str) -> dict[str, str]:
    """casefolded @name -> username, for forum.rendering.render_markdown(mentions=...)."""
    return {user.username.casefold(): user.username for user in mentioned_users(source)}
