"""Writes to accounts that are not signups (allauth owns those)."""

import re

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from .models import User


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


class NameTaken(Exception):
    pass


def user_settings_save(*, user: User, display_name: str, email_on_reply: bool) -> User:
    """Raises NameTaken when the display name reads like someone else's name."""
    display_name = display_name.strip()
    if display_name and User.objects.named_like(display_name).exclude(pk=user.pk).exists():
        raise NameTaken("That name is taken, or looks too much like a name that is. Please pick another.")
    user.display_name = display_name
    user.email_on_reply = email_on_reply
    user.save(update_fields=["display_name", "display_canonical", "email_on_reply"])
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
