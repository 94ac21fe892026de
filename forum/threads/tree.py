"""The nested set as numbers: working them out from parent links, and checking them.

Both are pure reads. The tree's writes, and the locks they take, are in forum.threads.locks and
the services; nothing else may write lft, rght, level or tree_id (bench and test support build
forests with nested_set_numbers() on databases of their own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

from .models import Reply


def nested_set_numbers(parents: Mapping[Hashable, Hashable | None]) -> dict[Hashable, tuple[int, int, int]]:
    """(lft, rght, level) for each node, from parent links alone, each root numbered from 1.

    `parents` maps each node to its parent (None for a root), in reading order: siblings are
    numbered in the order they appear. Linear in the number of nodes, whatever the depth.
    """
    children: dict[Hashable, list] = defaultdict(list)
    roots = []
    for node, parent in parents.items():
        (roots if parent is None else children[parent]).append(node)
    numbers: dict[Hashable, tuple[int, int, int]] = {}
    for root in roots:
        counter = 1
        # (node, level, closing): a node is pushed again to be closed after its children.
        stack = [(root, 0, False)]
        while stack:
            node, level, closing = stack.pop()
            if closing:
                numbers[node] = (numbers[node][0], counter, level)
            else:
                numbers[node] = (counter, 0, level)
                stack.append((node, level, True))
                stack.extend((child, level + 1, False) for child in reversed(children[node]))
            counter += 1
    return numbers


def tree_violations() -> list[str]:
    """Every broken nested-set invariant in the reply table, as readable lines. Empty when sound.

    One query, then one walk in (tree_id, lft) order with a stack of the open ancestors: each
    reply must sit inside the interval on top of the stack, and that interval must be its
    parent's. This catches crossing intervals and siblings nested in each other, which checks of
    each row against its own parent alone would miss. Fine for hundreds of thousands of rows.
    """
    rows = Reply.objects.order_by("tree_id", "lft", "id").values_list(
        "id", "parent_id", "tree_id", "lft", "rght", "level", "article_id"
    )
    problems: list[str] = []
    trees: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        trees[row[2]].append(row)

    for tree_id, members in trees.items():
        roots = [row[0] for row in members if row[1] is None]
        if len(roots) != 1:
            problems.append(f"tree {tree_id}: {len(roots)} roots {roots}, not exactly one")
        holders = defaultdict(list)
        for pk, _, _, lft, rght, _, _ in members:
            holders[lft].append(pk)
            holders[rght].append(pk)
        for value, pks in sorted(holders.items()):
            if len(pks) > 1:
                problems.append(f"tree {tree_id}: replies {pks} share the value {value}")
        expected = 2 * len(members)
        if min(holders) != 1 or max(holders) != expected:
            problems.append(
                f"tree {tree_id}: values run {min(holders)}..{max(holders)}, not 1..{expected} "
                f"for {len(members)} replies (root {roots[0] if roots else None})"
            )
        problems.extend(_nesting_violations(tree_id, members))
    return problems


def _nesting_violations(tree_id: int, members: list[tuple]) -> list[str]:
    problems = []
    stack: list[tuple] = []  # the open intervals containing the current reply, outermost first
    for row in members:
        pk, parent_id, _, lft, rght, level, article_id = row
        if lft >= rght:
            problems.append(f"reply {pk}: lft {lft} is not below rght {rght}")
        while stack and stack[-1][4] < lft:
            stack.pop()
        container = stack[-1] if stack else None
        if container is None:
            if parent_id is not None:
                problems.append(f"reply {pk}: has parent {parent_id} but lies outside every interval of tree {tree_id}")
            if level != 0:
                problems.append(f"reply {pk}: a root at level {level}, not 0")
        else:
            c_pk, _, _, c_lft, c_rght, c_level, c_article = container
            if parent_id != c_pk:
                problems.append(
                    f"reply {pk}: ({lft}, {rght}) lies directly inside reply {c_pk} ({c_lft}, {c_rght}), "
                    f"but its parent is {parent_id}"
                )
            if rght > c_rght:
                problems.append(f"reply {pk}: ({lft}, {rght}) crosses the end of reply {c_pk} ({c_lft}, {c_rght})")
            if level != c_level + 1:
                problems.append(f"reply {pk}: level {level} under reply {c_pk} at level {c_level}")
            if article_id != c_article:
                problems.append(f"reply {pk}: on article {article_id}, inside reply {c_pk} on article {c_article}")
        stack.append(row)
    return problems
