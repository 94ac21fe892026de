"""Reads of recommendations that ride on other statements."""

from __future__ import annotations

from forum.threads.models import Reply

from .models import Recommendation


def recommended_on_sql(database) -> str:
    """The replies of one article this reader recommends, as SQL: their ids joined by commas
    ("" for none), with two parameters, the user's id and the article's. The members' shared
    page (forum.threads.overlay) must know them to draw those replies' buttons pressed;
    visit_open_reader asks it with the visit's upsert, so it costs no round trip of its own."""
    table = database.ops.quote_name(Recommendation._meta.db_table)
    replies = database.ops.quote_name(Reply._meta.db_table)
    joined = "string_agg(r.reply_id::text, ',')" if database.vendor == "postgresql" else "group_concat(r.reply_id, ',')"
    return (
        f"COALESCE((SELECT {joined} FROM {table} r JOIN {replies} p ON p.id = r.reply_id"
        f" WHERE r.user_id = %s AND p.article_id = %s), '')"
    )


def ids_of(joined: str | None) -> frozenset[int]:
    return frozenset(int(pk) for pk in (joined or "").split(",") if pk)
