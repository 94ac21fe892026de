from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .names import canonical_name, skeleton_name


class UserQuerySet(models.QuerySet):
    def named_like(self, name: str):
        """Accounts whose username or display name reads like `name`, in either of its forms."""
        canonical, skeleton = canonical_name(name), skeleton_name(name)
        return self.filter(
            models.Q(name_canonical=canonical)
            | models.Q(display_canonical=canonical)
            | models.Q(name_skeleton=skeleton)
            | models.Q(display_skeleton=skeleton)
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150, blank=True, help_text=_("Shown on replies instead of the username when set."), verbose_name=_("display name")
    )
    # Null for accounts made from the seed thread's commenters: the seed says nothing of when
    # they joined, and a made-up date would show on their profile as fact.
    date_joined = models.DateTimeField(default=timezone.now, null=True, blank=True, verbose_name=_("date joined"))
    email_on_reply = models.BooleanField(
        default=True, help_text=_("Send me an email when someone replies to me or mentions me."), verbose_name=_("email on reply")
    )

    class FollowEmail(models.TextChoices):
        EACH = "each", _("An email for each new reply")
        DIGEST = "digest", _("One email a day with the new replies")
        OFF = "off", _("No email (the notifications page only)")

    # Discussions a reader follows tell them of every new reply (forum.notifications.follows).
    follow_email = models.CharField(max_length=6, choices=FollowEmail.choices, default=FollowEmail.EACH, verbose_name=_("follow email"))
    follow_on_reply = models.BooleanField(default=True, help_text=_("Follow a discussion when I reply to it."), verbose_name=_("follow on reply"))
    # A ban stops posting, not reading. banned_at set and banned_until empty means for good.
    banned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("banned at"))
    banned_until = models.DateTimeField(null=True, blank=True, verbose_name=_("banned until"))
    ban_reason = models.TextField(blank=True, verbose_name=_("ban reason"))
    # Filled from the names on every save (accounts.names); the unique constraints are what stop
    # look-alikes.
    name_canonical = models.CharField(max_length=150, unique=True, editable=False, verbose_name=_("name canonical"))
    display_canonical = models.CharField(max_length=150, null=True, unique=True, editable=False, verbose_name=_("display canonical"))
    name_skeleton = models.CharField(max_length=150, unique=True, editable=False, verbose_name=_("name skeleton"))
    display_skeleton = models.CharField(max_length=150, null=True, unique=True, editable=False, verbose_name=_("display skeleton"))

    # Accounts made by an importer for the people it found (accounts.services). They cannot sign
    # in; `import_key` says who they stand for ("disqus:<username>"), so a second import finds
    # them, and `claim_email` is the address a person verifies to take their replies over. It is
    # kept apart from `email` so that a password reset can never reach an unclaimed account.
    import_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False, verbose_name=_("import key"))
    claim_email = models.EmailField(blank=True, editable=False, verbose_name=_("claim email"))
    claimed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_accounts", editable=False, verbose_name=_("claimed by")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("claimed at"))
    # The language chosen with the footer's switcher (issue 17), applied at each sign-in and used
    # for the emails the forum sends them; empty: never chosen (their browser's decides).
    language = models.CharField(
        max_length=12, blank=True, default="", verbose_name=_("language"),
        help_text=_("The language the forum speaks to this person in; empty: their browser's."),
    )
    # Account deletion (forum.privacy): when the anonymisation is due, while the person may still
    # cancel it by signing in; loaded with the user on every request (accounts.backends), so the
    # offer to cancel costs no query. `deleted_at`: when the account was anonymised.
    deletion_due_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("deletion due at"))
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("deleted at"))

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def posting_ban(self, now=None) -> str | None:
        """Why this account may not post right now, or None."""
        if self.banned_at is None:
            return None
        now = now or timezone.now()
        if self.banned_until is not None and self.banned_until <= now:
            return None
        reason = self.ban_reason or gettext("no reason given")
        if self.banned_until is None:
            return gettext("Your account is suspended for good: %(reason)s.") % {"reason": reason}
        return gettext("Your account is suspended until %(until)s UTC: %(reason)s.") % {
            "until": date_format(self.banned_until, "d M Y H:i"), "reason": reason,
        }

    def suspension_summary(self, now=None) -> str | None:
        """The suspension as a moderator reads it (posting_ban() speaks to the account itself)."""
        if not self.posting_ban(now):
            return None
        reason = self.ban_reason or gettext("no reason given")
        if self.banned_until is None:
            return gettext("Suspended from posting for good: %(reason)s.") % {"reason": reason}
        return gettext("Suspended from posting until %(until)s UTC: %(reason)s.") % {
            "until": date_format(self.banned_until, "d M Y H:i"), "reason": reason,
        }

    def save(self, *args, **kwargs):
        # Here and not in a service: createsuperuser, the admin and allauth each create users
        # through their own code, and every one of them ends in save().
        self.name_canonical = canonical_name(self.username)
        self.name_skeleton = _kept_mark(self.name_skeleton, skeleton_name(self.username))
        self.display_canonical = canonical_name(self.display_name) or None if self.display_name else None
        display_skeleton = skeleton_name(self.display_name) or None if self.display_name else None
        self.display_skeleton = _kept_mark(self.display_skeleton, display_skeleton)
        super().save(*args, **kwargs)


def _kept_mark(stored: str | None, skeleton: str | None) -> str | None:
    """The skeleton to store. An account that already read like an older one when skeletons came
    in (migration 0003) has its skeleton marked "<skeleton>#<id>"; it keeps the mark while the
    name stays the same, so the account can still be saved."""
    if stored and skeleton and stored.startswith(f"{skeleton}#"):
        return stored
    return skeleton


class Ignore(models.Model):
    """`user` does not want to hear from `ignored`: their replies fold to one line for `user`,
    and neither their replies nor their @mentions notify `user`. A moderator can be ignored as a
    writer, but never out of moderation: decisions and notices still reach the person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ignoring", verbose_name=_("user"))
    ignored = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("ignored"))
    created = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("ignore")
        verbose_name_plural = _("ignores")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ignored"], name="ignore_once"),
            models.CheckConstraint(condition=~models.Q(user=models.F("ignored")), name="ignore_not_oneself"),
        ]


# --- Signing in inside an embedded frame, and single sign-on (issue 16) ------------------------------


class EmbedSigninCode(models.Model):
    """A one-time code the sign-in popup hands the embedded frame (accounts.embed_views): the
    frame exchanges it for a session of its own. Only its SHA-256 is kept, so whoever reads the
    table cannot use a live code; it lives a minute and is deleted when used, and the delete's
    row count is what makes it single use (accounts.services.signin_code_redeem)."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires = models.DateTimeField(db_index=True)


class SsoLink(models.Model):
    """A news site's reader (`sub` under the site's key `kid`) and the forum account they sign in
    as. The link is by (kid, sub), never by email, so a changed address never locks anyone out.
    `made_account`: the account was created by a token, so its verified address is the site's
    word, not the forum's (accounts.sso.services never links another site's token to it by email)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_links")
    kid = models.CharField(max_length=100)
    sub = models.CharField(max_length=255)
    # The newest token's iat: only a newer one updates the account's name and email.
    last_iat = models.BigIntegerField()
    made_account = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kid", "sub"], name="sso_link_once")]

    def __str__(self) -> str:
        return f"{self.kid}:{self.sub}"


class SsoTokenSeen(models.Model):
    """The jti of every accepted token until it expires: the unique constraint refuses a replay,
    even of two copies sent at once. Rows past their expiry are purged as tokens come in."""

    kid = models.CharField(max_length=100)
    jti = models.CharField(max_length=255)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kid", "jti"], name="sso_token_once")]
