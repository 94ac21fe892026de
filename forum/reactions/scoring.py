"""The "best" order's score: the lower bound of the Wilson score interval, as Reddit's and
Lobsters' "best" (Evan Miller, "How Not To Sort By Average Rating"). A pure function, no rows.

A reply with 3 recommendations of 3 ranks below one with 30 of 32: the bound is how good it
surely is, at this confidence, not the share it happens to have. Recommendations count for it,
open flags (not yet dismissed or acted on) against it; no votes at all is 0, so a thread
without any sorts oldest first (the ties' order).
"""

from __future__ import annotations

import math

Z = 1.2816  # 80% confidence, as the issue asks


def wilson_lower_bound(positive: int, negative: int, z: float = Z) -> float:
    """The lower bound of the Wilson score interval of `positive` out of `positive + negative`."""
    n = positive + negative
    if n <= 0:
        return 0.0
    p = positive / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return max(0.0, (centre - spread) / (1 + z2 / n))
