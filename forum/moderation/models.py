"""Moderation's rows: readers' flags and the append-only log of what moderators did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.threads.models import Article, Reply


class Flag(models.Model):
    """A reader's report of a reply. One per reader per reply; a moderator's decision resolves it."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off-topic")
        MISINFORMATION = "misinformation", _("Misinformation")
        # A notice under the EU Digital Services Act (article 16): the reporter's statement of why
        # the content is illegal, and that they believe it in good faith. The decision is sent to
        # the reporter, and with its reasons to the author (article 17): forum.notifications.
        ILLEGAL = "illegal", _("Illegal content (EU Digital Services Act notice)")
        OTHER = "other", _("Something else")

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="flags", verbose_name=_("reply"))
    flagger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags", verbose_name=_("flagger"))
    reason = models.CharField(max_length=16, choices=Reason.choices, verbose_name=_("reason"))
    text = models.TextField(blank=True, help_text=_("Required for 'something else', and the statement of an illegal-content notice."), verbose_name=_("text"))
    good_faith = models.BooleanField(default=False, help_text=_("An illegal-content notice: the reporter confirmed it is made in good faith."), verbose_name=_("good faith"))
    # What it counts towards FORUM_FLAG_HOLD_THRESHOLD, fixed when it is made (forum.policy.flag_weight):
    # a new account's flag weighs less than an established reader's.
    weight = models.PositiveSmallIntegerField(default=1, verbose_name=_("weight"))
    created = models.DateTimeField(verbose_name=_("created"))
    resolved = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved"))
    # The moderator's action that resolved it: the decision its reporter is told of.
    decision = models.ForeignKey("ModerationLog", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decision"))

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["reply", "flagger"], name="flag_once_per_reader")]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model._meta.verbose_name} rows are append-only")

    def delete(self):
        raise TypeError(f"{self.model._meta.verbose_name} rows are append-only")


class AppendOnlyModel(models.Model):
    """Rows that are written once and never updated or deleted, by the ORM's every path (a
    save of a stored row, a queryset's update and delete, an instance's delete). Database
    triggers refuse the same below the ORM (migrations 0004, 0008, 0011)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(f"{self._meta.verbose_name} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self._meta.verbose_name} rows are append-only")


class ModerationLog(AppendOnlyModel):
    """What moderators (and the automatic rules) did, and why. Append-only.

    Rows are never updated or deleted: database triggers refuse it (migration 0004), so the
    log holds even against code that forgets this rule. The one exception is redaction
    (forum.moderation.log.redact_about, for an account's deletion): `reason` and `detail` may
    be replaced by REDACTED, and nothing else may change (migration 0015_privacy's triggers).
    """

    REDACTED = "[redacted]"

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved a reply")
        HOLD = "hold", _("held a reply")
        FLAG_HOLD = "flag_hold", _("held a reply on readers' flags")
        REMOVE = "remove", _("removed a reply")
        RESTORE = "restore", _("restored a reply")
        DISMISS_FLAGS = "dismiss_flags", _("dismissed the flags on a reply")
        LOCK_BRANCH = "lock_branch", _("locked a branch")
        UNLOCK_BRANCH = "unlock_branch", _("unlocked a branch")
        HOLD_BRANCH = "hold_branch", _("held a branch")
        REMOVE_BRANCH = "remove_branch", _("removed a branch")
        LOCK_ARTICLE = "lock_article", _("locked an article")
        UNLOCK_ARTICLE = "unlock_article", _("unlocked an article")
        BAN = "ban", _("suspended a user")
        UNBAN = "unban", _("lifted a suspension")
        RULES = "rules", _("changed a discussion's rules")
        FEATURE = "feature", _("featured a reply")
        UNFEATURE = "unfeature", _("unfeatured a reply")
        DELETE_ACCOUNT = "delete_account", _("deleted an account")

    # Null when an automatic rule acted (flags reaching the threshold, manage.py moderate).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor"))
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("action"))
    reply = models.ForeignKey(Reply, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reply"))
    article = models.ForeignKey(Article, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("article"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    detail = models.CharField(max_length=200, blank=True, help_text=_("e.g. how many replies a branch action touched"), verbose_name=_("detail"))
    created = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created", "-id"]


class ModeratorNote(AppendOnlyModel):
    """A moderator's note on an account, for the moderators who deal with that person next.
    Append-only, as the log is: a note is corrected by another note, never edited away."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    text = models.TextField(verbose_name=_("text"))
    created = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("moderator's note")
        verbose_name_plural = _("moderators' notes")
        ordering = ["-created", "-id"]
