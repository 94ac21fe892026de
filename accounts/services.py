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
