"""Thread shapes for the benchmarks: who answers whom, before any row is written."""

from __future__ import annotations

import random
from collections import Counter


def thread_shape(size: int, *, seed: int = 5) -> list[int | None]:
    """The parent (an earlier index, or None) of each of `size` replies in posting order.

    Built to look like a busy discussion rather than a uniform random tree:
    - 20% are top-level replies (one tree each);
    - 15% continue one of up to three running back-and-forth arguments: each chain answers its
      own newest reply, for a heavy-tailed length of up to 400, so a big thread has branches
      hundreds of levels deep, far past the display depth;
    - 15% answer a "hub", a top-level reply (1 in 100 of them) that draws many direct answers:
      bushy branches with hundreds of children;
    - 25% answer one of the last 500 replies (a conversation moves on), 25% any earlier reply
      (the oldest replies get answered longest, so the first page holds the biggest trees).
    """
    rng = random.Random(seed)
    parents: list[int | None] = []
    chains: list[list[int]] = []  # [newest reply of the chain, replies it has left]
    hubs: list[int] = []
    for index in range(size):
        roll = rng.random()
        if index == 0 or roll < 0.20:
            parents.append(None)
            if index == 0 or rng.random() < 0.01:
                hubs.append(index)
            continue
        if roll < 0.35:
            if not chains or (len(chains) < 3 and rng.random() < 0.05):
                chains.append([rng.randrange(index), min(400, int(5 * rng.paretovariate(1.1)))])
            chain = rng.choice(chains)
            parent = chain[0]
            chain[0] = index
            chain[1] -= 1
            if chain[1] <= 0:
                chains.remove(chain)
        elif roll < 0.50:
            parent = rng.choice(hubs)
        elif roll < 0.75:
            parent = rng.randrange(max(0, index - 500), index)
        else:
            parent = rng.randrange(index)
        parents.append(parent)
    return parents


def shape_stats(parents: list[int | None], *, page_size: int = 50, display_depth: int = 8) -> dict:
    """What a shape looks like: trees, depth, fan-out, and the rows the first page draws."""
    root = [0] * len(parents)
    depth = [0] * len(parents)
    for index, parent in enumerate(parents):
        if parent is None:
            root[index] = index
        else:
            root[index], depth[index] = root[parent], depth[parent] + 1
    tree_sizes = sorted(Counter(root).values())
    fan_out = Counter(parent for parent in parents if parent is not None)
    first_page = set(sorted(set(root))[:page_size])
    return {
        "replies": len(parents),
        "top_level": len(tree_sizes),
        "largest_tree": tree_sizes[-1],
        "deepest": max(depth, default=0),
        "widest": max(fan_out.values(), default=0),
        "first_page_rows": sum(1 for i in range(len(parents)) if root[i] in first_page and depth[i] < display_depth),
    }
