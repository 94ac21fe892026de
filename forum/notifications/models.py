"""Notifications: what a reader is told in the header and the list at /notifications/."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.threads.models import Article, Reply


class Notification(models.Model):
    """Someone replied to you; or a moderator decided about your reply, or about your report."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("A reply to you")
        MENTION = "mention", _("You were mentioned")
        FOLLOW = "follow", _("A new reply in a discussion you follow")
        # The statement of reasons the EU Digital Services Act (article 17) asks for.
        DECISION = "decision", _("A moderation decision about your reply")
        # The outcome of an illegal-content notice, for its reporter (article 16).
        REPORT = "report", _("The decision on your report")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY, verbose_name=_("kind"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient"))
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="+", verbose_name=_("reply"))
    created = models.DateTimeField(verbose_name=_("created"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    # Set in the transaction that sent the email (forum.notifications.services.send_notification_email).
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))
    # A decision or a report's outcome: the moderation log entry, and the notice as written then.
    entry = models.ForeignKey("forum.ModerationLog", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("entry"))
    text = models.TextField(blank=True, verbose_name=_("text"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            # Told once of a reply, however many times it is approved: the receivers run after
            # the commit, outside any lock, so this is what keeps two of them from both telling.
            # One notice per reply and reader, whichever reason came first: an answer to you that
            # also mentions you, in a discussion you follow, is one notification.
            models.UniqueConstraint(
                fields=["recipient", "reply"], condition=models.Q(kind__in=["reply", "mention", "follow"]),
                name="notification_once_per_reply",
            ),
            # One notice per decision and reader, however often its task runs.
            models.UniqueConstraint(
                fields=["recipient", "entry", "kind"], condition=models.Q(entry__isnull=False),
                name="notification_once_per_decision",
            ),
        ]


class ArticleFollow(models.Model):
    """A reader follows a discussion: each new published reply in it is a notification, and an
    email or a daily digest as their settings say (User.follow_email)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("user"))
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="followers", verbose_name=_("article"))
    created = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="follow_once")]
