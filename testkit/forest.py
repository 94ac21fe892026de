"""Big, valid reply forests for tests and benchmarks, written in a few bulk queries.

Posting thousands of replies through forum.posting.services.reply_create takes minutes (each
one renumbers its tree under a lock). build_forest works out the nested set in Python instead
(forum.threads.tree.nested_set_numbers, the importer's numbering) and bulk-creates the rows with
their lft/rght/level/tree_id already right. It writes tree fields outside the services, which the
app itself must never do: use it only on a database it owns (a test's, a benchmark's); the tests
check its output with forum.threads.tree.tree_violations().
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape

from forum.threads.models import Article, Reply
from forum.threads.tree import nested_set_numbers


def forest_shape(size: int, *, seed: int = 5) -> list[int | None]:
    """The parent (an earlier index, or None) of each of `size` replies in posting order.

    About a fifth are top-level; about a third of the rest answer the reply just before them,
    which grows chains deep enough to pass the display depth; the rest answer any earlier reply.
    """
    rng = random.Random(seed)
    parents: list[int | None] = []
    for number in range(size):
        if number == 0 or rng.random() < 0.2:
            parents.append(None)
        elif rng.random() < 0.35:
            parents.append(number - 1)
        else:
            parents.append(rng.randrange(number))
    return parents


def build_forest(
    article: Article,
    author,
    size: int,
    *,
    seed: int = 5,
    first_created: datetime | None = None,
    parents: list[int | None] | None = None,
    body: Callable[[int], str] | None = None,
) -> list[Reply]:
    """Add `size` published replies to `article`, shaped by `parents` (or forest_shape(size, seed)).

    Returns the replies in posting order, with their pks and tree fields as stored. Reply i is
    created `first_created + i` seconds (by default, ending about now). Ids rise in posting order
    among siblings, as they do for replies posted one by one. `body(i)` gives reply i's text
    (plain words: it is stored as Markdown and as one escaped paragraph); by default "reply i".
    """
    parents = forest_shape(size, seed=seed) if parents is None else parents
    first_created = first_created or timezone.now() - timedelta(seconds=size)
    numbers = nested_set_numbers(dict(enumerate(parents)))
    next_tree_id = (Reply.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    tree_of: list[int] = []  # each reply's tree_id: a new one per top-level reply, in posting order
    by_level: dict[int, list[int]] = defaultdict(list)
    replies: list[Reply] = []
    text = [body(index) for index in range(len(parents))] if body else []
    for index, parent in enumerate(parents):
        if parent is None:
            tree_of.append(next_tree_id)
            next_tree_id += 1
        else:
            tree_of.append(tree_of[parent])
        lft, rght, level = numbers[index]
        by_level[level].append(index)
        replies.append(
            Reply(
                article=article,
                author=author,
                body=text[index] if body else f"reply {index}",
                body_html=f"<p>{escape(text[index])}</p>" if body else f"<p>reply {index}</p>",
                created=first_created + timedelta(seconds=index),
                tree_id=tree_of[index],
                lft=lft,
                rght=rght,
                level=level,
            )
        )
    # A level at a time, so each reply's parent has its pk before the reply is written.
    for level in sorted(by_level):
        batch = by_level[level]
        for index in batch:
            if parents[index] is not None:
                replies[index].parent_id = replies[parents[index]].pk
        Reply.objects.bulk_create([replies[index] for index in batch], batch_size=1000)
    return replies
