"""Writes to accounts that are not sign-ups (allauth owns those): imported commenters, names,
settings, the moderator role and suspensions.

accounts knows nothing of the forum: the forum's moderation actions (forum.moderation.actions)
decide who may suspend whom, and log it, and call the writes here to do it.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy

from .models import EmbedSigninCode, Ignore, User
from .names import (
    INVISIBLE_CHARACTERS,
    ROLE_NAMES,
    canonical_name,
    has_invisible_characters,
    reads_as_deleted,
    reserved_forms,
    skeleton_name,
)

NAME_TAKEN = gettext_lazy("That name is taken, or looks too much like a name that is. Please pick another.")
NAME_RESERVED = gettext_lazy(
    "That name is reserved: it is a role on this site or the name of one of its authors, or looks "
    "too much like one. Please pick another."
)


class NameRefused(ValidationError):
    """A name that cannot be used; the message says why."""

    def __init__(self, message: str = NAME_TAKEN, code: str = "name_refused"):
        super().__init__(message, code=code)


class NameTaken(NameRefused):
    def __init__(self):
        super().__init__(NAME_TAKEN, code="name_taken")


def normalise_name(name: str) -> str:
    """NFKC, as Django does for usernames: full-width letters and ligatures ("Ｊａｎｅ", "ﬁ") are
    stored as the letters they read as."""
    return unicodedata.normalize("NFKC", name).strip()


def _reserved_names() -> set[str]:
    """The forms nobody may take: the role names, and each name the sources in
    settings.ACCOUNTS_RESERVED_NAME_SOURCES give (the forum gives its article bylines)."""
    names = [*ROLE_NAMES, *getattr(settings, "ACCOUNTS_RESERVED_NAMES", [])]
    for path in getattr(settings, "ACCOUNTS_RESERVED_NAME_SOURCES", []):
        names.extend(import_string(path)())
    return {form for name in names for form in (canonical_name(name), skeleton_name(name)) if form}


def check_name_available(name: str, *, user: User | None = None) -> None:
    """Raise NameRefused when `name` cannot be used: it holds invisible or control characters,
    it is reserved (accounts.names.ROLE_NAMES, the article bylines), or it reads like another
    account's username or display name (NameTaken).

    The one check for every way a name is set: sign-up (accounts.adapter), the settings page,
    and the admin's user forms. The unique canonical columns refuse what slips past it.
    """
    if has_invisible_characters(name):
        raise NameRefused(INVISIBLE_CHARACTERS, code="name_invisible")
    name = normalise_name(name)
    if not name:
        return
    # An account keeps the name it has (an operator's "admin" made by createsuperuser).
    unchanged = user is not None and user.pk is not None and name in (user.username, user.display_name)
    if not unchanged and (reserved_forms(name) & _reserved_names() or reads_as_deleted(name)):
        raise NameRefused(NAME_RESERVED, code="name_reserved")
    others = User.objects.named_like(name)
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise NameTaken()


def imported_username(name: str) -> str:
    """A valid username for a commenter's name: "Atle Rørdam" -> "Atle_Rørdam"."""
    return re.sub(r"[^\w.@+-]+", "_", name.strip()).strip("_") or "imported"


def user_get_or_create_imported(*, name: str) -> tuple[User, bool]:
    """The account that stands for an imported commenter. It can never sign in.

    It has no email (so no password reset) and an unusable password. A fixed one rather than
    set_unusable_password()'s random one, so the generated fixtures are the same on every run.
    Its name is taken like any other, so nobody can register it or a look-alike of it.
    """
    return User.objects.get_or_create(
        username=imported_username(name),
        defaults={"display_name": name.strip(), "password": UNUSABLE_PASSWORD_PREFIX, "date_joined": None},
    )


def free_username(base: str) -> str:
    """`base`, or `base_2`, `base_3`...: the first that reads like no account's name."""
    candidate, number = base, 1
    while User.objects.named_like(candidate).exists():
        number += 1
        candidate = f"{base[:140]}_{number}"
    return candidate


def imported_account_get_or_create(*, key: str, name: str, username: str = "", email: str = "") -> tuple[User, bool]:
    """The account that stands for a person an importer found, made once per `key`.

    `key` is the person's identity on the system imported from ("disqus:jsmith"). The account
    cannot sign in: no email, an unusable password. `email` is kept as `claim_email`: verifying
    that address on a real account takes its replies over (imported_accounts_claim). An
    anonymous commenter gets no `email`, so nobody can claim their replies; their name shows.

    The name is taken like any other, so nobody can register it or a look-alike; when it already
    reads like another account's name, the username gets a number and the display name is left
    empty rather than pass for that account.
    """
    existing = User.objects.filter(import_key=key).first()
    if existing is not None:
        return existing, False
    shown = name.strip() or username.strip()
    login = free_username(imported_username(username or shown))
    display = shown if shown and not User.objects.named_like(shown).exists() else ""
    user = User.objects.create(
        username=login,
        display_name=display,
        password=UNUSABLE_PASSWORD_PREFIX,
        date_joined=None,
        import_key=key,
        claim_email=email.strip(),
    )
    return user, True


def imported_accounts_claim(*, user: User, email: str, now) -> list[User]:
    """`user` has just verified `email`: the unclaimed imported accounts with that address
    become theirs. Their replies (and any other rows naming them) move to `user`; the imported
    account stays, inactive, with `claimed_by` saying who took it over. Locks those accounts'
    rows, so two verifications of one address cannot both claim them.

    accounts knows nothing of the forum, so the rows to move are found from the model's own
    relations: every visible foreign key to User (the moderation log's are hidden, "+", and
    stay as history). An account cannot claim itself or an imported account.
    """
    email = email.strip()
    if not email or user.import_key:
        return []
    claimed = list(
        User.objects.select_for_update()
        .filter(import_key__isnull=False, claimed_by__isnull=True, claim_email__iexact=email)
        .exclude(pk=user.pk)
    )
    for account in claimed:
        for relation in User._meta.get_fields():
            if not (relation.one_to_many and relation.auto_created) or relation.field.name == "claimed_by":
                continue
            relation.related_model._base_manager.filter(**{relation.field.name: account}).update(
                **{relation.field.name: user}
            )
        account.claimed_by, account.claimed_at, account.is_active = user, now, False
        account.save(update_fields=["claimed_by", "claimed_at", "is_active"])
    return claimed


def user_settings_save(
    *, user: User, display_name: str, email_on_reply: bool, follow_email: str = User.FollowEmail.EACH,
    follow_on_reply: bool = True,
) -> User:
    """Raises NameRefused when the display name cannot be used (check_name_available)."""
    check_name_available(display_name, user=user)
    display_name = normalise_name(display_name)
    user.display_name = display_name
    user.email_on_reply = email_on_reply
    user.follow_email = follow_email or user.follow_email  # a form without the field leaves it as it was
    user.follow_on_reply = follow_on_reply
    user.save(update_fields=["display_name", "display_canonical", "display_skeleton", "email_on_reply",
                             "follow_email", "follow_on_reply"])
    return user


def moderator_set(*, user: User, moderator: bool) -> User:
    """Put the account in the Moderators group (with admin access, for the admin's actions) or take it out."""
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderators")
    if moderator:
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    else:
        user.groups.remove(group)
    return user


# --- Suspensions ---------------------------------------------------------------------------------


def parse_suspension_end(text: str) -> datetime.datetime | None:
    """The end of a suspension as typed in a form: a date (2026-12-31, or 31/12/2026 as the
    site's locale writes it), which lasts to the end of that day UTC; empty is for good.

    Raises ValueError with a message for the user. The one parser, for the moderation page and
    the admin's action.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = forms.DateField().clean(text)
    except ValidationError as error:
        raise ValueError("The end date must be a date such as 2026-12-31.") from error
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


def suspension_set(*, user: User, until, reason: str, now) -> User | None:
    """Suspend `user` from posting until `until` (None: for good). Locks the user's row.

    Returns the user, or None when they are already suspended on these terms. The caller checks
    who may do it and logs it, in the same transaction.
    """
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.posting_ban(now) and current.banned_until == until:
        return None
    current.banned_at, current.banned_until, current.ban_reason = now, until, reason
    current.save(update_fields=["banned_at", "banned_until", "ban_reason"])
    return current


def suspension_lift(*, user: User) -> User | None:
    """End `user`'s suspension; None when they are not suspended. Locks the user's row."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if not current.posting_ban():
        return None
    current.banned_at = current.banned_until = None
    current.ban_reason = ""
    current.save(update_fields=["banned_at", "banned_until", "ban_reason"])
    return current


class IgnoreRefused(ValidationError):
    pass


def ignore_add(*, user: User, ignored: User, now) -> Ignore:
    """`user` stops hearing from `ignored` (accounts.models.Ignore). Asking twice changes nothing."""
    if ignored.pk == user.pk:
        raise IgnoreRefused(gettext("You cannot ignore yourself."))
    ignore, _ = Ignore.objects.get_or_create(user=user, ignored=ignored, defaults={"created": now})
    return ignore


def ignore_remove(*, user: User, ignored: User) -> bool:
    """A reader's own preference, not anyone's content: the row goes."""
    deleted, _ = Ignore.objects.filter(user=user, ignored=ignored).delete()
    return bool(deleted)


# --- The embedded frame's one-time sign-in codes (issue 16; accounts.embed_views) -----------------

# Long enough for the popup to hand the code over and the frame to send it back, no longer.
SIGNIN_CODE_SECONDS = 60


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def signin_code_issue(*, user: User, now) -> str:
    """A one-time code that signs the embedded frame in as `user`, who is signed in first-party
    in the popup. Only its digest is stored. Dead codes are cleared on the way."""
    EmbedSigninCode.objects.filter(expires__lte=now).delete()
    code = secrets.token_urlsafe(32)
    EmbedSigninCode.objects.create(
        digest=_code_digest(code), user=user, expires=now + datetime.timedelta(seconds=SIGNIN_CODE_SECONDS)
    )
    return code


def signin_code_redeem(*, code, now) -> User | None:
    """The account a live code was issued for, or None; the code is used up.

    Single use rests on the delete's row count, not on the read before it: of two requests with
    the same code, PostgreSQL makes the second DELETE wait for the first's row lock and then
    find the row gone (0 rows), and SQLite runs writers one at a time. An expired code is left
    for the purge: a refusal writes nothing."""
    if not isinstance(code, str) or not code or len(code) > 100:
        return None
    row = EmbedSigninCode.objects.filter(digest=_code_digest(code)).select_related("user").first()
    if row is None or row.expires <= now:
        return None
    deleted, _ = EmbedSigninCode.objects.filter(pk=row.pk).delete()
    return row.user if deleted else None


def language_set(*, user: User, language: str) -> None:
    """Keep the language `user` chose with the switcher (issue 17), for their next sign-ins and the
    emails sent to them. `language` is one the forum speaks (the caller checked)."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
