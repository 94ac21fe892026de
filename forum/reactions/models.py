"""A reader's recommendation of a reply: one per reader and reply, positive only (no dislike: a
downvote rewards pile-ons). Written only by forum.reactions.services, which keeps the reply's
count and score with it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.threads.models import Reply


class Recommendation(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("user"))
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("reply"))
    created = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [models.UniqueConstraint(fields=["user", "reply"], name="one_recommendation_per_reader")]

    def __str__(self) -> str:
        return f"{self.user_id} recommends reply {self.reply_id}"
