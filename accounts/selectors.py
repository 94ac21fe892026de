"""Reads of accounts that other parts ask for."""

from __future__ import annotations

from .models import Ignore


def ignoring(user) -> list[Ignore]:
    """Whom `user` ignores, newest first, for their settings page."""
    return list(Ignore.objects.filter(user=user).select_related("ignored"))


def ignores(*, user_id: int, writer_id: int) -> bool:
    return Ignore.objects.filter(user_id=user_id, ignored_id=writer_id).exists()
