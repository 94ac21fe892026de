"""The signed-in reader, loaded once per request with what every page's header asks of them.

Each page's header shows the unread-notification count and, for moderators, the queue link
(and every thread page, whom the reader ignores: accounts.selectors.ignored_ids);
asked separately these were three queries per signed-in page (the user's own permissions, its
groups' permissions, the count). Loading the user with both as extra columns makes them part of
the one query Django's AuthenticationMiddleware makes anyway. forum.policy.is_moderator and
forum.notifications.selectors.unread_count read them when present and ask the database
otherwise (a user loaded any other way). The query is plain SQL, built once per process from
the two rules' own fragments: through the ORM, compiling and planning it cost more than the
three queries it replaced.

Every concrete column comes with it, `deletion_due_at` among them: a pending deletion's offer to
cancel (forum.privacy) reads it from here, at no cost to anyone.
"""

from __future__ import annotations

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection, connections, router

from .selectors import ignored_ids_sql


@functools.cache
def _reader_query() -> tuple[str, list]:
    from forum import policy
    from forum.notifications import selectors as notifications

    meta = get_user_model()._meta
    column = f"u.{meta.pk.column}"
    moderator, moderator_params = policy.moderator_permission_sql(column)
    unread, unread_params = notifications.unread_count_sql(column)
    # Whom they ignore (issue 10): every thread page draws those writers' replies as tombstones.
    ignoring, ignoring_params = ignored_ids_sql(column, connection.vendor)
    # The columns named, not u.*: a prepared statement (config/settings/base.py) whose result
    # changes shape when a migration adds a column fails until the connection is renewed.
    columns = ", ".join(f'u."{field.column}"' for field in meta.concrete_fields)
    sql = (
        f"SELECT {columns}, {moderator} AS forum_moderator_permission, {unread} AS forum_unread_notifications,"
        f" {ignoring} AS forum_ignored_ids FROM {meta.db_table} u WHERE {column} = %s"
    )
    return sql, [*moderator_params, *unread_params, *ignoring_params]


def _reader(user_id: int):
    """The row of _reader_query as a User, with the three extras as attributes. A cursor and
    Model.from_db, with the database's converters applied as the ORM would: a RawQuerySet
    took twice as long as the query's round trip to map a single row."""
    model = get_user_model()
    database = connections[router.db_for_read(model)]
    sql, params = _reader_query()
    with database.cursor() as cursor:
        cursor.execute(sql, [*params, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    fields = model._meta.concrete_fields
    values = list(row[: len(fields)])
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        for convert in (*database.ops.get_db_converters(column), *column.get_db_converters(database)):
            values[index] = convert(values[index], column, database)
    user = model.from_db(database.alias, [field.attname for field in fields], values)
    user.forum_moderator_permission, user.forum_unread_notifications, user.forum_ignored_ids = row[len(fields) :]
    return user


class _ReaderMixin:
    def get_user(self, user_id):
        try:
            user = _reader(int(user_id))
        except (TypeError, ValueError):  # a session naming no valid id
            return None
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_ReaderMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(_ReaderMixin, AllauthBackend):
    pass
