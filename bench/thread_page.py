"""Time the article page at several thread sizes and print the figures (not a test).

    .venv/bin/python bench/thread_page.py [SIZE ...]

Runs on a throwaway test database (SQLite unless DATABASE_URL says otherwise), with threads
made by testkit.forest.build_forest. Prints, per size, the queries and the median time of the
first page in each order, and of the reply page of the deepest reply.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment, teardown_databases  # noqa: E402


def main(sizes):
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from accounts.models import User
        from forum.models import Reply
        from forum.threads import selectors, services
        from testkit.forest import build_forest

        author = User.objects.create_user(username="bench", password="bench-password-1")
        client = Client()
        print(f"{'replies':>8} {'url':<40} {'queries':>7} {'median ms':>9} {'KiB':>6}")
        for size in sizes:
            article = services.article_upsert(
                data=services.ArticleData(title=f"Bench {size}", slug=f"bench-{size}", body="Bench.")
            )
            build_forest(article, author, size)
            deepest = Reply.objects.filter(article=article).order_by("-level", "pk").first()
            urls = [f"{article.get_absolute_url()}?sort={sort}" for sort in selectors.SORTS]
            urls.append(deepest.get_absolute_url())
            for url in urls:
                timings = []
                for _ in range(5):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        timings.append(time.perf_counter() - started)
                print(
                    f"{size:>8} {url[-40:]:<40} {len(queries):>7} "
                    f"{statistics.median(timings) * 1000:>9.1f} {len(response.content) / 1024:>6.0f}"
                )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [50, 500, 5000])
