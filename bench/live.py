"""Issue 10's Live and Shut out, measured (not a test): prints figures.

    .venv/bin/python bench/live.py

On a throwaway test database (SQLite unless DATABASE_URL says otherwise):
- the signed-in user's load (accounts.backends, the one query every signed-in request makes)
  with the ignore list folded in, against the same query without it and against a separate
  query for the list, for a reader who ignores 0 and 50 people;
- a signed-in article page at 1,000 replies for a reader who ignores nobody and one who ignores
  the writer of every reply (every card a tombstone), with the page cache off (drawn for them)
  and on (the members' shared thread, the tombstones laid over it);
- activity.json: a miss (one query) and a hit (none), signed out.
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment, teardown_databases  # noqa: E402

RUNS = 300


def _median_ms(run, times=RUNS) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _user_load(users):
    from accounts import backends
    from accounts.models import Ignore

    sql, params = backends._reader_query()
    without = sql.replace(sql[sql.index(", COALESCE(") : sql.index(" AS forum_ignored_ids") + len(" AS forum_ignored_ids")], "")
    without_params = params  # the ignore fragment takes no parameters
    print(f"\n{'user load (median of ' + str(RUNS) + ')':<44} {'ignores':>7} {'ms':>7}")
    for user in users:
        ignoring = Ignore.objects.filter(user=user).count()
        model = type(user)

        def folded():
            list(model._default_manager.raw(sql, [*params, user.pk]))

        def plain():
            list(model._default_manager.raw(without, [*without_params, user.pk]))

        def plain_then_list():
            plain()
            list(Ignore.objects.filter(user_id=user.pk).values_list("ignored_id", flat=True))

        for label, run in (("with the list folded in", folded), ("without the list", plain),
                           ("without, then a query for the list", plain_then_list)):
            print(f"{label:<44} {ignoring:>7} {_median_ms(run):>7.3f}")


def _page(client, url, label):
    # Its queries are asserted by the tests (test_reading.py, test_overlay.py): timed here only.
    assert client.get(url).status_code == 200
    ms = _median_ms(lambda: client.get(url), times=15)
    print(f"{label:<52} {ms:>9.1f}")


def main():
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.utils import timezone

        from accounts.models import Ignore, User
        from forum.threads import services
        from testkit.forest import build_forest

        writer = User.objects.create_user(username="writer", password="bench-password-1")
        plain = User.objects.create_user(username="plain", password="bench-password-1")
        ignoring = User.objects.create_user(username="ignoring", password="bench-password-1")
        others = [User.objects.create_user(username=f"other{n}", password="bench-password-1") for n in range(49)]
        now = timezone.now()
        for ignored in [writer, *others]:
            Ignore.objects.create(user=ignoring, ignored=ignored, created=now)
        _user_load([plain, ignoring])

        article = services.article_upsert(data=services.ArticleData(title="Bench", slug="bench-live", body="Bench."))
        build_forest(article, writer, 1000)
        url = article.get_absolute_url()
        print(f"\n{'signed-in article page, 1,000 replies (median of 15)':<52} {'ms':>9}")
        for seconds in (0, 60):
            settings.FORUM_THREAD_CACHE_SECONDS = seconds
            for user in (plain, ignoring):
                client = Client()
                client.force_login(user)
                client.get(url)  # draws the shared thread, records the visit
                label = f"cache {'on ' if seconds else 'off'} reader ignoring {Ignore.objects.filter(user=user).count()}"
                _page(client, url, label)

        settings.FORUM_THREAD_CACHE_SECONDS = 60
        poll = f"/articles/{article.slug}/activity.json"
        client = Client()
        from django.core.cache import cache

        cache.clear()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(poll)
            miss = (time.perf_counter() - started) * 1000
        print(f"\nactivity.json miss: {len(queries)} query, {miss:.2f} ms")
        with CaptureQueriesContext(connection) as queries:
            hit = _median_ms(lambda: client.get(poll))
        print(f"activity.json hit: {len(queries)} queries, median {hit:.3f} ms")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
