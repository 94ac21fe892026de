"""Reads of accounts that other parts ask for."""

from __future__ import annotations

from .models import Ignore


def ignoring(user) -> list[Ignore]:
    """Whom `user` ignores, newest first, for their settings page."""
    return list(Ignore.objects.filter(user=user).select_related("ignored"))


def ignores(*, user_id: int, writer_id: int) -> bool:
    return Ignore.objects.filter(user_id=user_id, ignored_id=writer_id).exists()


# --- Whom a reader ignores, read with the user (issue 10) ----------------------------------------


def ignored_ids(user) -> frozenset[int]:
    """The ids of the writers `user` ignores: their replies are drawn as tombstones for them.

    Loaded for the request by accounts.backends with the user's row (forum_ignored_ids, the ids
    joined by commas; "" for nobody): no query then. A user loaded any other way asks the
    database."""
    loaded = getattr(user, "forum_ignored_ids", None)
    if loaded is None:
        return frozenset(Ignore.objects.filter(user_id=user.pk).values_list("ignored_id", flat=True))
    return frozenset(int(pk) for pk in loaded.split(",") if pk)


def ignored_ids_sql(user_id_column: str, vendor: str) -> tuple[str, list]:
    """ignored_ids as an SQL expression on a user row: the ids joined by commas, never NULL."""
    meta = Ignore._meta
    user, ignored = meta.get_field("user").column, meta.get_field("ignored").column
    joined = f"string_agg(i.{ignored}::text, ',')" if vendor == "postgresql" else f"group_concat(i.{ignored}, ',')"
    return f"COALESCE((SELECT {joined} FROM {meta.db_table} i WHERE i.{user} = {user_id_column}), '')", []
