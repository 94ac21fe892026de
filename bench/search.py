"""Search at 100,000 replies on PostgreSQL: p50 and p99 of a set of searches, against a floor.

    .venv/bin/python bench/search.py [--replies 100000] [--repeats 5]

Not a test: it prints figures. The database is a throwaway `test_<name>` created from
DATABASE_URL (default postgres://root@127.0.0.1:5432/benchsearch) and dropped at the end;
settings are bench.settings (production's). The replies are made by testkit.forest.build_forest
in 10 articles, by 50 authors, with deterministic text: words drawn from the seed documents in
their own proportions (so "russia" and "putin" are as common as they are there), mixed with a
long tail of made-up words, 15 to 80 words a reply. Then ANALYZE, as autovacuum would.

Each search is timed as the search page runs it, without HTTP: forum.search.results.results_page
(parse, the author lookup, the ranked replies with their snippets, the articles), every query
`--repeats` times, after one untimed run. The floor is the same number of the cheapest indexed
read there is: one reply by primary key. The ratio says how many of those a search costs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P50_MS = 50.0
ARTICLES = 10
AUTHORS = 50

SEARCHES = [
    # (label, query, article filter?)
    ("common word", "russia", False),
    ("common word, page 3", "putin", False),
    ("two common words", "putin syria", False),
    ("mid-frequency word", "withdrawal", False),
    ("rare word", "hmeymim", False),
    ("made-up word", "{tail}", False),  # from Text's long tail, picked at run time
    ("phrase", '"air base"', False),
    ("or", "tank or armata", False),
    ("exclusion", "russia -putin", False),
    ("author:", "author:bench7 syria", False),
    ("in one article", "russia", True),
    ("in one article, phrase", '"russian troops"', True),
    ("no match", "xylophonequartz", False),
]


def configure() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/benchsearch")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Text:
    """Deterministic reply text: the seeds' words in their proportions, and a made-up long tail."""

    def __init__(self, seed: int = 11):
        self.rng = random.Random(seed)
        words = re.findall(r"[a-z]+", " ".join(p.read_text().lower() for p in (ROOT / "seeds").glob("*.txt")))
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        self.seed_words = list(counts)
        self.seed_cumulative = list(itertools.accumulate(counts.values()))
        syllables = ["ka", "lo", "mi", "zor", "va", "ti", "ne", "ru", "sha", "bel", "dan", "qui", "ost", "ev"]
        tail = sorted({"".join(self.rng.choices(syllables, k=self.rng.randint(2, 4))) for _ in range(30_000)})
        self.tail = tail
        self.tail_cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tail))))  # Zipf

    def __call__(self, index: int) -> str:
        length = self.rng.randint(15, 80)
        words = self.rng.choices(self.seed_words, cum_weights=self.seed_cumulative, k=length)
        made_up = self.rng.choices(self.tail, cum_weights=self.tail_cumulative, k=length)
        words = [other if self.rng.random() < 0.2 else word for word, other in zip(words, made_up)]
        return " ".join(words).capitalize() + "."


def build(size: int):
    from django.db import connection

    from accounts.models import User
    from forum.models import Reply
    from forum.threads import services
    from testkit.forest import build_forest

    # save() fills the look-alike-proof name columns; "!" is an unusable password.
    authors = [User.objects.create(username=f"bench{n}", password="!") for n in range(AUTHORS)]
    text = Text()
    started = time.perf_counter()
    articles = []
    for number in range(ARTICLES):
        article = services.article_upsert(
            data=services.ArticleData(
                title=f"Bench article {number}: Russian troops leave Syria",
                slug=f"bench-{number}",
                body=text(number),
            )
        )
        articles.append(article)
        build_forest(article, authors[number % AUTHORS], size // ARTICLES, seed=number, body=text)
    # Spread the replies over the authors (not a tree field: the nested set is untouched).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE forum_reply SET author_id = (%s::bigint[])[1 + id %% %s]", [[a.pk for a in authors], AUTHORS]
        )
        cursor.execute("ANALYZE forum_reply")
        cursor.execute("ANALYZE forum_article")
    built = time.perf_counter() - started
    return articles, text, built, Reply.objects.count()


def run(repeats: int, articles, text_source: Text) -> None:
    from django.db import connection

    from forum.models import Reply
    from forum.search import results

    def timed(call) -> list[float]:
        call()
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        return samples

    all_samples: list[float] = []
    print(f"{'search':<26} {'query':<24} {'matches':>8} {'p50 ms':>7} {'max ms':>7}")
    for label, text, in_article in SEARCHES:
        text = text.format(tail=text_source.tail[300])
        page = 3 if "page 3" in label else 1
        article = articles[3] if in_article else None

        def call(text=text, page=page, article=article):
            return results.results_page(
                text=text, page=page, base_url="/search/", statuses=[Reply.Status.PUBLISHED], article=article
            )

        samples = timed(call)
        all_samples += samples
        total = call().total
        print(
            f"{label:<26} {text:<24} {total:>8} {statistics.median(samples) * 1000:>7.1f} {max(samples) * 1000:>7.1f}"
        )
    ids = list(Reply.objects.values_list("pk", flat=True)[:1000])
    rng = random.Random(3)
    floor: list[float] = []
    for _ in range(len(all_samples)):
        pk = rng.choice(ids)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, body FROM forum_reply WHERE id = %s", [pk])
            cursor.fetchall()
        floor.append(time.perf_counter() - started)
    p50, p99 = percentile(all_samples, 0.5), percentile(all_samples, 0.99)
    floor50, floor99 = percentile(floor, 0.5), percentile(floor, 0.99)
    print()
    print(f"all searches ({len(all_samples)} timed): p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    print(f"floor (one reply by primary key): p50 {floor50 * 1000:.2f} ms, p99 {floor99 * 1000:.2f} ms")
    print(f"ratio to the floor: p50 {p50 / floor50:.0f}x, p99 {p99 / floor99:.0f}x")
    verdict = "meets" if p50 * 1000 <= TARGET_P50_MS else "MISSES"
    print(f"target p50 <= {TARGET_P50_MS:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    configure()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        articles, text, built, count = build(options.replies)
        print(f"PostgreSQL {version}; {count:,} replies in {ARTICLES} articles built in {built:.0f} s")
        run(options.repeats, articles, text)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
