"""The one writer of recommendations, and of the reply columns they feed: recommend_count and
best_score (the latter also moves with open flags: forum.moderation.actions calls `rescore`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import ngettext

from forum import policy, ratelimits
from forum.conf import forum_settings
from forum.errors import RateLimited
from forum.threads import cache, locks
from forum.threads.models import Reply

from .models import Recommendation
from .scoring import wilson_lower_bound


@dataclass(frozen=True)
class Recommended:
    reply: Reply  # as it is after the change, with its new count
    recommended: bool  # whether the reader recommends it now


def _rate_check(user) -> None:
    """At most FORUM_RECOMMEND_RATE changes per FORUM_RECOMMEND_RATE_SECONDS per account."""
    wait = ratelimits.wait_seconds(
        f"recommend-rate:{user.pk}", rate=forum_settings.RECOMMEND_RATE, window=forum_settings.RECOMMEND_RATE_SECONDS
    )
    if wait:
        raise RateLimited(
            ngettext(
                "You are recommending too fast. Please wait %(wait)s second and try again.",
                "You are recommending too fast. Please wait %(wait)s seconds and try again.",
                wait,
            ) % {"wait": wait}, retry_after=wait
        )


def recommend_set(*, reply: Reply, user, on: bool) -> Recommended:
    """Recommend `reply` (`on`) or withdraw the recommendation. Setting what is already so
    changes nothing and is no error: a second click of a stale page lands on the same state.

    Check (the account, the reply as read, the rate), then under the reply's branch lock (a
    moderator's hold or removal waits, or is waited for) the reply read again, asked again, and
    the row, the count and the score written together; the thread's version bumped on commit.
    """
    policy.check(policy.author_refusal(user, doing="recommend replies"))
    policy.check(policy.recommend_refusal(user=user, reply=reply))
    _rate_check(user)
    with transaction.atomic():
        current = locks.lock_branch(reply.pk)
        policy.check(policy.recommend_refusal(user=user, reply=current))
        if on:
            _, changed = Recommendation.objects.get_or_create(
                user=user, reply=current, defaults={"created": timezone.now()}
            )
            step = 1 if changed else 0
        else:
            step = -Recommendation.objects.filter(user=user, reply=current).delete()[0]
        if step:
            Reply.objects.filter(pk=current.pk).update(recommend_count=F("recommend_count") + step)
            rescore([current.pk])
            cache.bump(current.article)
        current.refresh_from_db(fields=["recommend_count", "best_score"])
    return Recommended(reply=current, recommended=on)


def rescore(reply_pks) -> None:
    """Recompute best_score of these replies from their recommendations and open flags. Called
    inside the writer's transaction, under its lock, by every service that changes either:
    recommend_set, and forum.moderation.actions for flags raised and resolved."""
    from forum.moderation.models import Flag  # moderation's actions call this: imported late

    open_flags = Count("pk", filter=Q(resolved__isnull=True))
    flagged = dict(
        Flag.objects.filter(reply__in=reply_pks).values("reply").annotate(n=open_flags).values_list("reply", "n")
    )
    rows = list(Reply.objects.filter(pk__in=reply_pks).only("pk", "recommend_count", "best_score"))
    changed = []
    for row in rows:
        score = wilson_lower_bound(row.recommend_count, flagged.get(row.pk, 0))
        if score != row.best_score:
            row.best_score = score
            changed.append(row)
    if changed:
        Reply.objects.bulk_update(changed, ["best_score"])
