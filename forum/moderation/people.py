"""Moderators' own records: a discussion's rules, and notes on an account. Both are writes, so
both are services here, each logged (rules) or append-only (notes)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import policy
from forum.errors import Refused
from forum.rendering import CONTROL_CHARACTERS
from forum.threads import cache, locks
from forum.threads.models import Article

from .log import record
from .models import ModerationLog, ModeratorNote

NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class ArticleRules:
    close_after_days: int | None = None
    premoderate: bool = False
    slow_mode_minutes: int | None = None
    reply_prompt: str = ""

    def describe(self) -> str:
        days, minutes = self.close_after_days, self.slow_mode_minutes
        parts = [
            ngettext("closes %(days)s day after publication", "closes %(days)s days after publication", days)
            % {"days": days} if days is not None else "",
            _("pre-moderated") if self.premoderate else "",
            _("slow mode %(minutes)s min") % {"minutes": minutes} if minutes else "",
            _("with a prompt") if self.reply_prompt else "",
        ]
        return ", ".join(part for part in parts if part) or _("no rules of its own")


def rules_of(article: Article) -> ArticleRules:
    return ArticleRules(
        close_after_days=article.close_after_days, premoderate=article.premoderate,
        slow_mode_minutes=article.slow_mode_minutes, reply_prompt=article.reply_prompt,
    )


def article_rules_set(*, article: Article, moderator, rules: ArticleRules) -> Article:
    """Set a discussion's own rules; logged with what they became. Unchanged rules log nothing."""
    policy.check(policy.moderator_refusal(moderator))
    if CONTROL_CHARACTERS.search(rules.reply_prompt):
        raise Refused(_("The prompt cannot contain control characters."))
    rules = replace(rules, reply_prompt=rules.reply_prompt.strip())  # compared, and stored, as shown
    with transaction.atomic():
        article = locks.lock_article(article.pk)
        if rules_of(article) == rules:
            return article
        article.close_after_days = rules.close_after_days
        article.premoderate = rules.premoderate
        article.slow_mode_minutes = rules.slow_mode_minutes
        article.reply_prompt = rules.reply_prompt
        article.save(update_fields=["close_after_days", "premoderate", "slow_mode_minutes", "reply_prompt"])
        cache.bump(article)  # the prompt and whether the reply box shows are on the page
        record(actor=moderator, action=ModerationLog.Action.RULES, article=article, detail=rules.describe()[:200])
    return article


def note_add(*, user, moderator, text: str) -> ModeratorNote:
    policy.check(policy.moderator_refusal(moderator))
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write the note first: it cannot be empty."))
    if len(text) > NOTE_MAX_LENGTH:
        raise Refused(_("A note can be at most %(limit)s characters; this one has %(length)s.") % {"limit": NOTE_MAX_LENGTH, "length": len(text)})
    if CONTROL_CHARACTERS.search(text):
        raise Refused(_("The note cannot contain control characters."))
    return ModeratorNote.objects.create(user=user, author=moderator, text=text, created=timezone.now())
