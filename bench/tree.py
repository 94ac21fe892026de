"""Reply inserts and thread pages at 100 to 100,000 replies, on PostgreSQL. Prints figures; not a test.

    .venv/bin/python bench/tree.py [--sizes 100 1000 10000 100000] [--inserts 200] [--requests 20]

The database is a throwaway `test_<name>` created from DATABASE_URL (default
postgres://root@127.0.0.1:5432/bench5) and dropped at the end. Settings are bench.settings, the
production settings, with the flood limit off (BENCH_FLOOD_SECONDS=0): the inserts come from 50
accounts, several a second each. Emails go to the dummy backend and the per-request log line is
off, so neither lands in the output.

For each size it builds one thread with testkit.forest.build_forest, shaped by
bench.shapes.thread_shape, then measures:

- the first page and the permalink of the deepest reply through django.test.Client (every
  middleware, anonymous): p50 of --requests, and the queries of one more request;
- then inserts through services.reply_create, parents picked at random among the thread's
  replies (20% new top-level), round-robin over the sizes so drift hits every size alike: p50
  and p95. Pages come first so that they read each thread at the size it was built;
- with each page, its floor: one raw SQL query for the same rows (checked equal to what the page
  draws) and minimal nested HTML from f-strings, timed the same way in the same run.
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import random
import secrets
import shlex
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_INSERT_P50_MS = 10.0
TARGET_INSERT_RATIO = 1.5
TARGET_PAGE_OVER_FLOOR = 3.0
INSERT_AUTHORS = 50


def configure() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/bench5")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ["BENCH_FLOOD_SECONDS"] = "0"
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    import django

    django.setup()
    import logging

    # One line per request on stdout would bury the figures; writing it costs microseconds.
    logging.getLogger("forum.requests").setLevel(logging.WARNING)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# --- The floor: one query, f-strings ------------------------------------------------------------

_COLUMNS = """
    r.id, r.level, r.lft, r.rght, r.status, r.removed_by, r.body_html, r.created,
    u.username, COALESCE(NULLIF(u.display_name, ''), u.username)
"""

FIRST_PAGE_SQL = f"""
    SELECT {_COLUMNS}
    FROM forum_reply r
    JOIN accounts_user u ON u.id = r.author_id
    WHERE r.article_id = %(article)s AND r.level < %(depth)s AND r.tree_id IN (
        SELECT tree_id FROM forum_reply
        WHERE article_id = %(article)s AND parent_id IS NULL
        ORDER BY tree_id LIMIT %(page_size)s
    )
    ORDER BY r.tree_id, r.lft
"""

PERMALINK_SQL = f"""
    SELECT {_COLUMNS}
    FROM forum_reply f
    JOIN forum_reply r ON r.tree_id = f.tree_id AND r.article_id = f.article_id
    JOIN accounts_user u ON u.id = r.author_id
    WHERE f.id = %(focus)s AND (
        (r.lft < f.lft AND r.rght > f.rght)
        OR (r.lft >= f.lft AND r.lft < f.rght AND r.level < f.level + %(depth)s)
    )
    ORDER BY r.lft
"""

_PLACEHOLDER = {"held": "[awaiting moderation]", "removed": "[removed]"}


def _card(row, prefix: str) -> str:
    pk, _, _, _, status, _, body_html, created, username, name = row
    when = f'<time datetime="{created.isoformat()}">{created:%d %b %Y, %H:%M}</time>' if created else "time not recorded"
    body = f'<p class="placeholder">{_PLACEHOLDER[status]}</p>' if status in _PLACEHOLDER else f"<div>{body_html}</div>"
    return (
        f'<article><h3><a href="/users/{html.escape(username)}/">{html.escape(name)}</a></h3>'
        f'<a href="{prefix}{pk}/">{when}</a>{body}</article>'
    )


def floor_tree(rows, *, prefix: str, root_level: int, depth: int) -> str:
    """Nested lists in one pass, as the real template does: close branches by level change."""
    out = ['<ol class="thread">']
    open_branches = 0
    for row in rows:
        pk, level, lft, rght = row[0], row[1] - root_level, row[2], row[3]
        out.append("</ol></li>" * (open_branches - level))
        open_branches = level
        out.append(f'<li id="r{pk}">{_card(row, prefix)}')
        if rght - lft > 1 and level < depth - 1:
            out.append('<ol class="replies">')
            open_branches += 1
        else:
            if rght - lft > 1:
                out.append(f'<p><a href="{prefix}{pk}/">Continue this thread</a> ({(rght - lft - 1) // 2})</p>')
            out.append("</li>")
    out.append("</ol></li>" * open_branches)
    out.append("</ol>")
    return "".join(out)


def floor_first_page(cursor, *, article, prefix: str, page_size: int, depth: int) -> tuple[list[int], str]:
    cursor.execute(FIRST_PAGE_SQL, {"article": article.pk, "depth": depth, "page_size": page_size})
    rows = cursor.fetchall()
    return [row[0] for row in rows], floor_tree(rows, prefix=prefix, root_level=0, depth=depth)


def floor_permalink(cursor, *, focus_pk: int, prefix: str, depth: int) -> tuple[list[int], str]:
    cursor.execute(PERMALINK_SQL, {"focus": focus_pk, "depth": depth})
    rows = cursor.fetchall()
    at = next(index for index, row in enumerate(rows) if row[0] == focus_pk)
    above = "".join(f'<li id="r{row[0]}">{_card(row, prefix)}</li>' for row in rows[:at])
    below = floor_tree(rows[at:], prefix=prefix, root_level=rows[at][1], depth=depth)
    return [row[0] for row in rows], f'<ol class="ancestors">{above}</ol>{below}'


# --- The run ------------------------------------------------------------------------------------


def machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return (
        f"{date.today().isoformat()}, {os.cpu_count()} cores, {mem_kib / 1024 / 1024:.0f} GiB, "
        f"PostgreSQL {pg}, Python {platform.python_version()}; "
        # The machine may be shared: a busy one inflates every figure, the floor's as well.
        f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])} at the start"
    )


def build(sizes: list[int], seed: int):
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from bench.shapes import shape_stats, thread_shape
    from forum.threads import services
    from testkit.forest import build_forest

    builder = User.objects.create_user(username="bench-builder", email="builder@example.com")
    threads = {}
    print(f"{'replies':>8} {'top-level':>9} {'largest tree':>12} {'deepest':>7} {'widest':>6} {'page-1 rows':>11} {'build s':>7}")
    for size in sizes:
        article = services.article_upsert(
            data=services.ArticleData(title=f"Bench thread of {size:,}", slug=f"bench-{size}", body="Bench.")
        )
        shape = thread_shape(size, seed=seed)
        started = time.perf_counter()
        replies = build_forest(article, builder, size, parents=shape)
        took = time.perf_counter() - started
        stats = shape_stats(shape)
        print(
            f"{size:>8} {stats['top_level']:>9} {stats['largest_tree']:>12} {stats['deepest']:>7} "
            f"{stats['widest']:>6} {stats['first_page_rows']:>11} {took:>7.1f}"
        )
        threads[size] = (article, [reply.pk for reply in replies])
    authors = []
    for number in range(INSERT_AUTHORS):
        user = User.objects.create_user(username=f"bench-writer-{number}", email=f"writer{number}@example.com")
        # Verified, as posting requires: the check stays in the measured path.
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        authors.append(user)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have after a real load
    return threads, authors


def measure_inserts(threads, authors, *, inserts: int, seed: int) -> dict[int, list[float]]:
    from forum.models import Reply
    from forum.posting import services

    rng = random.Random(seed)
    timings = {size: [] for size in threads}
    for round_number in range(inserts):
        for size, (article, pks) in threads.items():
            parent = None if rng.random() < 0.2 else Reply.objects.get(pk=rng.choice(pks))  # as a view loads it
            body = (
                f"Bench reply {size}-{round_number}, *{uuid.uuid4().hex}*.\n\n"
                "> quoted line from the reply above\n\nA second paragraph with `code` and **emphasis**."
            )
            author = rng.choice(authors)
            started = time.perf_counter()
            reply = services.reply_create(article=article, author=author, body=body, parent=parent)
            timings[size].append(time.perf_counter() - started)
            pks.append(reply.pk)
    return timings


def measure_pages(threads, *, requests: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from forum.conf import forum_settings
    from forum.models import Reply
    from forum.threads import selectors

    client = Client()
    # The pages as drawn whole, without the page budget (forum.threads.budget, which would cut
    # the big ones to 300 replies): the floor fetches the same rows, and the figures compare
    # with the runs before the budget. What the budget does to the first page: http.sh.
    from django.conf import settings

    from forum.threads import budget

    settings.FORUM_PAGE_REPLY_BUDGET = 10**9
    budget.PAGE_BYTES = 10**12
    selectors.ANCESTORS_SHOWN = 10**9
    depth, page_size = forum_settings.DISPLAY_DEPTH, forum_settings.PAGE_SIZE
    results = []
    for size, (article, _) in threads.items():
        prefix = reverse("forum:reply", kwargs={"slug": article.slug, "pk": 0})[: -len("0/")]
        deepest = Reply.objects.filter(article=article).order_by("-level", "pk").first()
        page_rows = [reply.pk for reply in selectors.thread_page(article=article).rows]
        branch = selectors.reply_branch(reply=deepest)
        branch_rows = [reply.pk for reply in branch.above] + [reply.pk for reply in branch.below]

        def first_floor(cursor):
            return floor_first_page(cursor, article=article, prefix=prefix, page_size=page_size, depth=depth)

        def deep_floor(cursor):
            return floor_permalink(cursor, focus_pk=deepest.pk, prefix=prefix, depth=depth)

        # The first page twice: drawn for every request (the cache off, as a signed-in reader
        # gets it), and as signed-out readers get it, from the cache of the thread's HTML.
        cases = [
            ("first page, drawn", article.get_absolute_url(), first_floor, page_rows, 0),
            ("first page, cached", article.get_absolute_url(), first_floor, page_rows, 60),
            (f"permalink, level {deepest.level}", deepest.get_absolute_url(), deep_floor, branch_rows, 0),
        ]
        for label, url, floor, expected_rows, cache_seconds in cases:
            overriding = override_settings(FORUM_THREAD_CACHE_SECONDS=cache_seconds)
            overriding.enable()
            with connection.cursor() as cursor:
                floor_rows, _ = floor(cursor)
            if floor_rows != expected_rows:
                raise SystemExit(f"the floor for {url} fetched other rows than the page draws: not comparable")
            for _ in range(2):  # warm: template cache, connection, PostgreSQL buffers
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            # Now: the next request's request_started signal empties the log this reads from.
            queries = len(captured.captured_queries)
            page_times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                page_times.append(time.perf_counter() - started)
            floor_times = []
            for _ in range(requests):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    _, floor_html = floor(cursor)
                floor_times.append(time.perf_counter() - started)
            overriding.disable()
            results.append(
                {
                    "size": size,
                    "label": label,
                    "url": url,
                    "rows": len(expected_rows),
                    "queries": queries,
                    "page": statistics.median(page_times),
                    "floor": statistics.median(floor_times),
                    "page_kib": len(response.content) / 1024,
                    "floor_kib": len(floor_html) / 1024,
                }
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000, 100_000])
    parser.add_argument("--inserts", type=int, default=200, help="inserts measured per size")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    configure()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        raise SystemExit("bench/tree.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    db = dict(settings.DATABASES["default"])  # a copy: setup_databases renames the live one to test_...
    command = (
        f"DATABASE_URL=postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']} "
        f".venv/bin/python bench/tree.py {shlex.join(sys.argv[1:])}".rstrip()
    )
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # the manifest the pages link through

    started = time.perf_counter()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"$ {command}")
        print(f"# {machine()}")
        print(f"# settings: bench.settings (production), database test_{db['NAME']}; FORUM_FLOOD_SECONDS=0 "
              f"(flood limit off), inserts from {INSERT_AUTHORS} verified accounts, unique bodies")
        print(f"# git {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()}")
        print("\n## Threads (bench.shapes.thread_shape, built with testkit.forest.build_forest)")
        threads, authors = build(args.sizes, args.seed)

        print(f"\n## Pages at the sizes built, through django.test.Client, anonymous: p50 of {args.requests}; floor = 1 raw query + f-strings")
        print(f"{'replies':>8} {'page':<26} {'rows':>5} {'queries':>7} {'page ms':>8} {'floor ms':>8} {'ratio':>6} {'page KiB':>8} {'floor KiB':>9}")
        pages = measure_pages(threads, requests=args.requests)
        for row in pages:
            ratio = row["page"] / row["floor"]
            row["ratio"] = ratio
            print(
                f"{row['size']:>8} {row['label']:<26} {row['rows']:>5} {row['queries']:>7} {ms(row['page']):>8} "
                f"{ms(row['floor']):>8} {ratio:>6.1f} {row['page_kib']:>8.0f} {row['floor_kib']:>9.0f}"
            )
        worst = max(pages, key=lambda row: row["ratio"])
        missed = [row for row in pages if row["ratio"] > TARGET_PAGE_OVER_FLOOR]
        verdicts = [
            f"page <= {TARGET_PAGE_OVER_FLOOR:.0f}x floor: "
            + ("met" if not missed else f"MISSED on {len(missed)} of {len(pages)}; worst {worst['ratio']:.1f}x "
               f"({worst['ratio'] / TARGET_PAGE_OVER_FLOOR:.1f}x over target) at {worst['size']}, {worst['label']}")
        ]

        print(f"\n## Inserts through forum.posting.services.reply_create ({args.inserts} per size, round-robin over sizes)")
        timings = measure_inserts(threads, authors, inserts=args.inserts, seed=args.seed)
        smallest = statistics.median(timings[min(timings)])
        print(f"{'replies':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'p50 / p50 at ' + str(min(timings)):>18}")
        for size, values in timings.items():
            p50 = statistics.median(values)
            print(f"{size:>8} {ms(p50):>7} {ms(percentile(values, 0.95)):>7} {ms(max(values)):>7} {p50 / smallest:>18.2f}")
        largest = statistics.median(timings[max(timings)])
        worst_p50 = max(statistics.median(values) for values in timings.values())
        verdicts[:0] = [
            f"insert p50 <= {TARGET_INSERT_P50_MS:.0f} ms at every size: "
            + ("met" if worst_p50 * 1000 <= TARGET_INSERT_P50_MS else f"MISSED, worst {ms(worst_p50)} ms, {worst_p50 * 1000 / TARGET_INSERT_P50_MS:.2f}x the target"),
            f"insert p50 at {max(timings)} / at {min(timings)} <= {TARGET_INSERT_RATIO}: {largest / smallest:.2f}, "
            + ("met" if largest / smallest <= TARGET_INSERT_RATIO else f"MISSED by {largest / smallest / TARGET_INSERT_RATIO:.2f}x"),
        ]

        from forum.threads.tree import tree_violations

        violations = tree_violations()
        print("\n## Targets\n" + "\n".join(f"- {line}" for line in verdicts))
        print(f"- trees after the run: {len(violations)} violations")
        print(f"\n# total {time.perf_counter() - started:.0f} s")
        return 1 if violations else 0
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
