"""Posting a reply over HTTP: the time from a signed-in browser's POST to its redirect.

    .venv/bin/python bench/posting.py [--posts 200] [--database-url postgres://root@127.0.0.1:5432/benchpost]

What issue 12 targets (median ≤ 20 ms at 54 and 1,000 replies). One gunicorn of 2 workers under
bench.settings (the production settings: the task row of each reply's announcement is written
with it, as in production; no worker runs them here), on a fresh PostgreSQL database
(only a name starting bench is dropped and made again) with the seeds and a 1,000-reply thread
(bench/seed_http.py). One signed-in session posts --posts replies one after another to each
thread, each under a random reply of it, the form as a browser sends it (CSRF token included),
and the figures are the medians and tails of the POST-to-302 times, beside a GET of the trivial
view in the same run. The flood limit is off (BENCH_FLOOD_SECONDS=0), as the output says.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.torture import CSRF_CHARS, Gunicorn, fresh_database  # noqa: E402

OP_ED = "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"


def timed_posts(port: int, session: str, slug: str, parents: list[int], count: int) -> list[float]:
    csrf = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "Origin": f"http://127.0.0.1:{port}",
    }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng, times = random.Random(12), []
    for number in range(count):
        parent = rng.choice(parents)
        body = urlencode({"body": f"Bench reply {number} {uuid.uuid4().hex[:8]} under {parent}.",
                          "form_token": uuid.uuid4().hex, "post": "1", "csrfmiddlewaretoken": csrf})
        started = time.perf_counter()
        connection.request("POST", f"/articles/{slug}/replies/{parent}/reply/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 302:
            raise SystemExit(f"POST answered {response.status}, not 302")
    connection.close()
    return times


def timed_gets(port: int, path: str, count: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path)
        connection.getresponse().read()
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    return (f"p50 {statistics.median(ordered):.1f} ms, p90 {ordered[int(len(ordered) * 0.9)]:.1f} ms, "
            f"p99 {ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]:.1f} ms ({len(ordered)} requests)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/benchpost")
    args = parser.parse_args()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
        "BENCH_FLOOD_SECONDS": "0", "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    os.environ.update(env)
    fresh_database(args.database_url)
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "load_seeds", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([str(ROOT / ".venv/bin/python"), "bench/seed_http.py"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.test import Client

    from accounts.models import User
    from forum.threads.models import Reply

    poster = User.objects.create_user(username="bench-poster", email="poster@example.com")
    EmailAddress.objects.create(user=poster, email=poster.email, primary=True, verified=True)
    client = Client()
    client.force_login(poster)
    session = client.cookies["sessionid"].value
    threads = {"54 replies (the op-ed)": OP_ED, "1,000 replies": "bench-1k"}
    parents = {slug: list(Reply.objects.filter(article__slug=slug, status="published").values_list("pk", flat=True))
               for slug in threads.values()}
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"$ .venv/bin/python bench/posting.py --posts {args.posts} --database-url {args.database_url}")
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, git {git}, load average {load} at the start; "
          "bench.settings (production), 1 gunicorn of 2 workers, flood limit off")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    server = Gunicorn(number=90, workers=2, env=env, out=out)
    try:
        server.wait_ready()
        timed_gets(server.port, "/bench/trivial/", 50)  # warm up
        print(f"trivial view GET: {describe(timed_gets(server.port, '/bench/trivial/', args.posts))}")
        for label, slug in threads.items():
            timed_posts(server.port, session, slug, parents[slug], 10)  # warm up each worker
            print(f"POST a reply, {label}: {describe(timed_posts(server.port, session, slug, parents[slug], args.posts))}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
