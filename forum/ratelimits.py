"""Fixed-window counters in the cache, as allauth keeps its sign-in limits: short-lived keys, no
rows, nothing about the person but the key's id (docs/privacy.md: no IP addresses are kept)."""

from __future__ import annotations

import time

from django.core.cache import cache as counters


def wait_seconds(name: str, *, rate: int, window: int) -> int:
    """Counts one more event under `name` in the current window of `window` seconds: 0 while
    the window holds at most `rate` of them, else the seconds until the next window. A cache
    that cannot count (Redis away: config/cache.py) answers as if the limit were reached: the
    limits fail closed, as allauth's do."""
    start = int(time.time()) // window
    key = f"{name}:{start}"
    counters.add(key, 0, window)
    try:
        count = counters.incr(key)
    except ValueError:
        count = rate + 1
    if count <= rate:
        return 0
    return max(1, (start + 1) * window - int(time.time()))
