"""The production settings as the benchmarks run them: bench/http.sh, bench/tree.py, bench/torture.py.

config.settings.prod unchanged (it still needs SECRET_KEY and ALLOWED_HOSTS from the
environment), except:

- ROOT_URLCONF is bench.urls: the site's URLs plus /bench/trivial/, the ceiling bench/http.sh
  compares pages against. The production URLconf never has it.
- FORUM_FLOOD_SECONDS comes from BENCH_FLOOD_SECONDS when set. A benchmark posting many replies
  a second from a few accounts would otherwise measure the flood limit's 429s, not the tree.
  Every script that sets it says so in its output.
"""

import os

from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_FLOOD_SECONDS"):
    FORUM_FLOOD_SECONDS = int(os.environ["BENCH_FLOOD_SECONDS"])
