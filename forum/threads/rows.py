"""The replies a page draws, as Reply instances with their authors, built without the ORM's
per-row work.

A thousand-reply page builds two thousand model instances (each reply and its author). Through
the queryset's model iterable that was a quarter of a cold page's time: every concrete field
set through Model.__init__, thirty-odd account columns per author, related-object caching per
row. Here the same query (the selector's filters, annotations and order) asks only the columns
a card reads, as tuples, and each instance is a plain object of the model's class with those
attributes: everything that reads a model row reads these the same way. A column left out
(the Markdown source, the author's account details) is a deferred field: reading it costs a
query, as after .only().

The rows are for reading: the page never saves them. They carry what saving would need
anyway (the database alias, and the parent django-mptt compares on save).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.base import ModelState

from .models import Reply

# Not drawn, and long (the Markdown source) or never read on a page.
_LEFT_OUT = frozenset({"body", "form_token", "disqus_id"})
# What a card and its marks read of the author: the profile link, the public name, the staff badge.
_AUTHOR_FIELDS = ("id", "username", "display_name", "is_active", "is_superuser")


def _instance(model, alias: str, values: dict):
    instance = model.__new__(model)
    instance.__dict__.update(values)
    state = instance._state = ModelState()
    state.adding, state.db = False, alias
    return instance


def card_rows(replies) -> list[Reply]:
    """The replies of the queryset `replies` (filtered, annotated, ordered; no select_related
    needed), each with its author: one query, as list(replies.select_related("author")) would."""
    names = [field.attname for field in Reply._meta.concrete_fields if field.name not in _LEFT_OUT]
    extras = list(replies.query.annotations)  # the reader's marks (selectors.with_reader_marks)
    columns = [*names, *(f"author__{name}" for name in _AUTHOR_FIELDS), *extras]
    user_model = get_user_model()
    alias = replies.db
    authors: dict[int, object] = {}  # one instance per author, as the page's cards share them
    rows = []
    split = len(names)
    for values in replies.values_list(*columns):
        reply = _instance(Reply, alias, dict(zip(names, values[:split])))
        author_values = values[split : split + len(_AUTHOR_FIELDS)]
        author = authors.get(author_values[0])
        if author is None:
            author = authors[author_values[0]] = _instance(user_model, alias, dict(zip(_AUTHOR_FIELDS, author_values)))
        reply._state.fields_cache["author"] = author
        reply.__dict__.update(zip(extras, values[split + len(_AUTHOR_FIELDS) :]))
        reply._mptt_cached_fields = {"parent": reply.parent_id}  # what MPTTModel.__init__ keeps for save()
        rows.append(reply)
    return rows
