"""What issue 10's weighing costs a page's second query: the page's rows as before, with the
authors' staff badge (signed out), and with the reader's recommendations too (signed in). Not a
test: prints the median of 21 interleaved runs of each, at 1,000 and 5,000 replies.

    DATABASE_URL=postgres://... .venv/bin/python bench/weighing.py

Runs on a throwaway test database (SQLite unless DATABASE_URL says otherwise), with threads
made by testkit.forest.build_forest.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

RUNS = 21


def main():
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from accounts.models import User
        from forum.models import Reply
        from forum.reactions.models import Recommendation
        from forum.threads import selectors, services
        from testkit.forest import build_forest

        author = User.objects.create_user(username="bench", password="bench-password-1")
        reader = User.objects.create_user(username="reader", password="bench-password-1")
        for size in (1000, 5000):
            article = services.article_upsert(data=services.ArticleData(title="B", slug=f"b{size}", body="B."))
            replies = build_forest(article, author, size)
            for reply in replies[:: max(1, size // 100)]:  # the reader recommends 1 reply in 100
                Reply.objects.filter(pk=reply.pk).update(recommend_count=1)
                Recommendation.objects.create(user=reader, reply=reply, created=reply.created)
            tree_ids = list(
                Reply.objects.filter(article=article, parent=None).order_by("tree_id").values_list("tree_id", flat=True)[:50]
            )
            page = Reply.objects.filter(article=article, tree_id__in=tree_ids, level__lt=8).select_related("author")
            variants = {
                "the page's rows, as before issue 10": lambda: list(page.in_thread_order()),
                "+ staff badge (signed out)": lambda: list(selectors.with_reader_marks(page, None).in_thread_order()),
                "+ staff and recommended (signed in)": lambda: list(
                    selectors.with_reader_marks(page, reader).in_thread_order()
                ),
            }
            times = {name: [] for name in variants}
            for _ in range(RUNS):
                for name, fetch in variants.items():
                    started = time.perf_counter()
                    rows = fetch()
                    times[name].append(time.perf_counter() - started)
            for name, values in times.items():
                print(f"{size:>5} replies, {len(rows):>4} rows  {name:<38} median {statistics.median(values) * 1000:6.1f} ms")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
