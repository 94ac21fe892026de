"""Reads of recommendations that ride on other statements."""

from forum.threads.models import Reply

from .models import Recommendation


def recommended_sql(database) -> str:
    """The ids of the replies of an article that a reader recommends, as SQL giving one text of
    comma-separated ids (NULL for none), with two parameters: the user's id, the article's.
    visit_open_following (forum/threads/services.py) asks it with the visit's upsert, so the
    members' page knows which replies to draw again without a query of its own (forum.threads.overlay)."""
    ops = database.ops
    table, replies = ops.quote_name(Recommendation._meta.db_table), ops.quote_name(Reply._meta.db_table)
    ids = "string_agg(CAST(m.reply_id AS text), ',')" if database.vendor == "postgresql" else "group_concat(m.reply_id, ',')"
    return (
        f"(SELECT {ids} FROM {table} m JOIN {replies} r ON r.id = m.reply_id "
        f"WHERE m.user_id = %s AND r.article_id = %s)"
    )


def recommended_ids(text: str | None) -> frozenset[int]:
    """recommended_sql's answer as ids."""
    return frozenset(int(pk) for pk in text.split(",")) if text else frozenset()
