"""The first pass over a Disqus export: read it all, refuse it whole if any of it is wrong, and
work out where every post goes, before anything is written. Reads the database, never writes.

Only the shape is kept (ids, parent links, times, lines), not the messages: the second pass
(forum.imports.services) streams the file again for those, so memory grows with the number of
posts by a few hundred bytes each, never with the size of the text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from forum.threads.models import Reply

from .disqus import DisqusError, DisqusPost, DisqusThread, read_records

_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass(slots=True)
class Shape:
    """What the plan keeps of a post."""

    thread_id: str
    parent_id: str | None
    created_at: datetime.datetime | None
    line: int


@dataclass
class Plan:
    path: object
    threads: dict[str, DisqusThread] = field(default_factory=dict)
    posts: dict[str, Shape] = field(default_factory=dict)  # in file order
    known: set[str] = field(default_factory=set)  # posts a previous import already brought in
    # Each new post's parent as it will be stored: a Disqus id, or None for the top level.
    parent_of: dict[str, str | None] = field(default_factory=dict)
    # New posts whose parent is missing from the export, with the id it named.
    missing_parent: dict[str, str] = field(default_factory=dict)
    # New posts that answer a post already in the database: added one by one under its lock.
    onto_existing: list[str] = field(default_factory=list)

    def same_article(self, one: str, other: str) -> bool:
        """Two threads whose posts go to one article: the same thread, or the same link."""
        link = self.threads[one].link
        return one == other or bool(link) and link == self.threads[other].link

    def new_posts(self) -> list[str]:
        return [dsq_id for dsq_id in self.posts if dsq_id not in self.known]

    def thread_order(self, dsq_id: str):
        """Reading order: oldest first, posts with no time last, then as in the file."""
        shape = self.posts[dsq_id]
        return (shape.created_at is None, shape.created_at or _NEVER, shape.line)


def plan_import(source, *, path=None, progress: Callable[[int, int], None] | None = None) -> Plan:
    """Read the whole export and decide every post's place. Raises DisqusError (file:line)."""
    plan = Plan(path=path if path is not None else source)
    for record in read_records(source, path=path):
        if isinstance(record, DisqusThread):
            if record.dsq_id in plan.threads:
                raise DisqusError(plan.path, record.line, f"thread {record.dsq_id} appears twice")
            plan.threads[record.dsq_id] = record
            continue
        post: DisqusPost = record
        if post.dsq_id in plan.posts:
            first = plan.posts[post.dsq_id].line
            raise DisqusError(plan.path, post.line, f"post {post.dsq_id} appears twice (first at line {first})")
        plan.posts[post.dsq_id] = Shape(post.thread_id, post.parent_id, post.created_at, post.line)
        if progress and len(plan.posts) % 1000 == 0:
            progress(len(plan.posts), 0)
    for dsq_id, shape in plan.posts.items():
        if shape.thread_id not in plan.threads:
            raise DisqusError(
                plan.path, shape.line, f"post {dsq_id} names thread {shape.thread_id}, which is not in the export"
            )
    _find_known(plan)
    _place(plan)
    return plan


def _find_known(plan: Plan) -> None:
    ids = list(plan.posts)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        plan.known.update(Reply.objects.filter(disqus_id__in=chunk).values_list("disqus_id", flat=True))


def _place(plan: Plan) -> None:
    """Each new post's parent, and which of them join trees already stored."""
    in_database = set()
    wanted = {
        shape.parent_id
        for dsq_id, shape in plan.posts.items()
        if dsq_id not in plan.known and shape.parent_id and shape.parent_id not in plan.posts
    }
    if wanted:
        in_database = set(Reply.objects.filter(disqus_id__in=wanted).values_list("disqus_id", flat=True))
    for dsq_id in plan.new_posts():
        shape = plan.posts[dsq_id]
        parent = shape.parent_id
        if parent is None:
            plan.parent_of[dsq_id] = None
        elif parent in plan.posts and plan.same_article(plan.posts[parent].thread_id, shape.thread_id) or parent in in_database:
            plan.parent_of[dsq_id] = parent
        else:
            # Missing, or in another thread: kept, at the top level, and said so.
            plan.parent_of[dsq_id] = None
            plan.missing_parent[dsq_id] = parent
    _refuse_loops(plan)
    # A new post under a stored one (directly, or through new posts) joins that stored tree.
    joins: dict[str, bool] = {}

    def joins_stored(dsq_id: str) -> bool:
        chain = []
        node = dsq_id
        while node is not None and node not in joins and node not in plan.known and node not in in_database:
            chain.append(node)
            node = plan.parent_of.get(node)
        answer = node is not None and (node in plan.known or node in in_database or joins.get(node, False))
        for member in chain:
            joins[member] = answer
        return answer

    plan.onto_existing = [dsq_id for dsq_id in plan.new_posts() if joins_stored(dsq_id)]


def _refuse_loops(plan: Plan) -> None:
    state: dict[str, int] = {}  # 1: being walked, 2: reaches the top
    for start in plan.parent_of:
        path = []
        node = start
        while node is not None and node in plan.parent_of and state.get(node) != 2:
            if state.get(node) == 1:
                raise DisqusError(
                    plan.path, plan.posts[node].line, f"post {node} is its own ancestor (its parent links loop)"
                )
            state[node] = 1
            path.append(node)
            node = plan.parent_of[node]
        for member in path:
            state[member] = 2
