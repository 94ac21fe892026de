"""The bulk forest builder that tests and benchmarks use for big threads."""

import pytest

from forum.models import Reply
from forum.threads.tree import tree_violations
from testkit.forest import build_forest, forest_shape

pytestmark = pytest.mark.django_db


def test_build_forest_writes_sound_trees_with_the_parents_it_was_shaped_with(make_article, make_user, make_reply):
    article, other = make_article(), make_article()
    author = make_user()
    make_reply(article=other)  # a tree made by the services before, whose tree_id must not be reused
    replies = build_forest(article, author, 300)
    make_reply(article=other, parent=Reply.objects.filter(article=other).first())
    make_reply(article=article, parent=replies[-1])  # the services can still write into it

    assert tree_violations() == []
    shape = forest_shape(300)
    stored = dict(Reply.objects.filter(article=article).values_list("pk", "parent_id"))
    for reply, parent in zip(replies, shape):
        assert stored[reply.pk] == (replies[parent].pk if parent is not None else None)
    assert max(reply.level for reply in replies) >= 8  # deep enough to reach the display depth
