"""The signed-in reader, loaded once per request with what every page's header asks of them.

Each page's header shows the unread-notification count and, for moderators, the queue link;
asked separately these were three queries per signed-in page (the user's own permissions, its
groups' permissions, the count). Loading the user with both as extra columns makes them part of
the one query Django's AuthenticationMiddleware makes anyway. forum.policy.is_moderator and
forum.notifications.selectors.unread_count read them when present and ask the database
otherwise (a user loaded any other way). The query is plain SQL, built once per process from
the two rules' own fragments: through the ORM, compiling and planning it cost more than the
three queries it replaced.
"""

from __future__ import annotations

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


@functools.cache
def _reader_query() -> tuple[str, list]:
    from forum import policy
    from forum.notifications import selectors as notifications

    meta = get_user_model()._meta
    column = f"u.{meta.pk.column}"
    moderator, moderator_params = policy.moderator_permission_sql(column)
    unread, unread_params = notifications.unread_count_sql(column)
    # The columns named, not u.*: a prepared statement (config/settings/base.py) whose result
    # changes shape when a migration adds a column fails until the connection is renewed.
    columns = ", ".join(f'u."{field.column}"' for field in meta.concrete_fields)
    sql = (
        f"SELECT {columns}, {moderator} AS forum_moderator_permission, {unread} AS forum_unread_notifications"
        f" FROM {meta.db_table} u WHERE {column} = %s"
    )
    return sql, [*moderator_params, *unread_params]


class _ReaderMixin:
    def get_user(self, user_id):
        sql, params = _reader_query()
        try:
            user = next(iter(get_user_model()._default_manager.raw(sql, [*params, int(user_id)])), None)
        except (TypeError, ValueError):  # a session naming no valid id
            return None
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_ReaderMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(_ReaderMixin, AllauthBackend):
    pass
