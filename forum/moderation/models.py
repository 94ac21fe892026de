"""Moderation's rows: readers' flags and the append-only log of what moderators did."""

from django.conf import settings
from django.db import models

from forum.threads.models import Article, Reply


class Flag(models.Model):
    """A reader's report of a reply. One per reader per reply; a moderator's decision resolves it."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off-topic"
        MISINFORMATION = "misinformation", "Misinformation"
        # A notice under the EU Digital Services Act (article 16): the reporter's statement of why
        # the content is illegal, and that they believe it in good faith. The decision is sent to
        # the reporter, and with its reasons to the author (article 17): forum.notifications.
        ILLEGAL = "illegal", "Illegal content (EU Digital Services Act notice)"
        OTHER = "other", "Something else"

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="flags")
    flagger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    text = models.TextField(blank=True, help_text="Required for 'something else', and the statement of an illegal-content notice.")
    good_faith = models.BooleanField(default=False, help_text="An illegal-content notice: the reporter confirmed it is made in good faith.")
    # What it counts towards FORUM_FLAG_HOLD_THRESHOLD, fixed when it is made (forum.policy.flag_weight):
    # a new account's flag weighs less than an established reader's.
    weight = models.PositiveSmallIntegerField(default=1)
    created = models.DateTimeField()
    resolved = models.DateTimeField(null=True, blank=True)
    # The moderator's action that resolved it: the decision its reporter is told of.
    decision = models.ForeignKey("ModerationLog", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
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
        APPROVE = "approve", "approved a reply"
        HOLD = "hold", "held a reply"
        FLAG_HOLD = "flag_hold", "held a reply on readers' flags"
        REMOVE = "remove", "removed a reply"
        RESTORE = "restore", "restored a reply"
        DISMISS_FLAGS = "dismiss_flags", "dismissed the flags on a reply"
        LOCK_BRANCH = "lock_branch", "locked a branch"
        UNLOCK_BRANCH = "unlock_branch", "unlocked a branch"
        HOLD_BRANCH = "hold_branch", "held a branch"
        REMOVE_BRANCH = "remove_branch", "removed a branch"
        LOCK_ARTICLE = "lock_article", "locked an article"
        UNLOCK_ARTICLE = "unlock_article", "unlocked an article"
        BAN = "ban", "suspended a user"
        UNBAN = "unban", "lifted a suspension"
        RULES = "rules", "changed a discussion's rules"
        FEATURE = "feature", "featured a reply"
        UNFEATURE = "unfeature", "unfeatured a reply"
        DELETE_ACCOUNT = "delete_account", "deleted an account"

    # Null when an automatic rule acted (flags reaching the threshold, manage.py moderate).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    reply = models.ForeignKey(Reply, null=True, on_delete=models.PROTECT, related_name="+")
    article = models.ForeignKey(Article, null=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    detail = models.CharField(max_length=200, blank=True, help_text="e.g. how many replies a branch action touched")
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]


class ModeratorNote(AppendOnlyModel):
    """A moderator's note on an account, for the moderators who deal with that person next.
    Append-only, as the log is: a note is corrected by another note, never edited away."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]
