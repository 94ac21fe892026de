"""Time `manage.py import_disqus` on a generated Disqus export and measure its peak memory.

    .venv/bin/python bench/disqus_import.py [--posts 100000] [--database-url postgres://...]

Writes an export of --posts posts (100 per thread; 7 in 10 answer an earlier post of their
thread; 1 in 10 of those is written before the post it answers; 2% deleted, 1% spam, 5%
anonymous; messages of a few hundred characters of HTML) to bench/out/, then, on an empty
database (a SQLite file under bench/out/, or --database-url, which is dropped and made again,
so only names starting "bench" are accepted), migrates and imports it in a child process
that reports its own peak resident memory (getrusage). Then imports it again (nothing to do)
and checks the trees. Prints the figures. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WORDS = ("the withdrawal syria russia putin moscow assad base troops talks peace deal air strikes "
         "announcement victory military forces diplomat geneva pressure regime politics").split()


def message(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(15, 40))]
        if rng.random() < 0.3:
            words[3] = f"<b>{words[3]}</b>"
        if rng.random() < 0.2:
            words[7] = f'<a href="https://example.org/{words[7]}">{words[7]}</a>'
        paragraphs.append("<p>" + " ".join(words) + "</p>")
    return "".join(paragraphs)


def generate(path: Path, posts: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    threads = max(1, posts // 100)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        for t in range(threads):
            out.write(f'<thread dsq:id="{t + 1}"><id/><link>https://example.com/story-{t + 1}</link>'
                      f"<title>Story {t + 1}</title><createdAt>2017-01-01T00:00:00Z</createdAt>"
                      "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n")
        number = 0
        for t in range(threads):
            ids, texts, early = [], [], []
            for i in range(posts // threads):
                number += 1
                parent = rng.choice(ids) if ids and rng.random() < 0.7 else None
                ids.append(number)
                anonymous = rng.random() < 0.05
                user = rng.randint(1, 5000)
                author = (f"<author><name>Guest {user}</name><isAnonymous>true</isAnonymous></author>" if anonymous else
                          f"<author><email>user{user}@example.org</email><name>User {user}</name>"
                          f"<isAnonymous>false</isAnonymous><username>user{user}</username></author>")
                text = (f'<post dsq:id="{number}"><id/><message><![CDATA[{message(rng)}]]></message>'
                        f"<createdAt>2017-01-{1 + t % 28:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z</createdAt>"
                        f"<isDeleted>{'true' if rng.random() < 0.02 else 'false'}</isDeleted>"
                        f"<isSpam>{'true' if rng.random() < 0.01 else 'false'}</isSpam>{author}"
                        f'<thread dsq:id="{t + 1}"/>'
                        + (f'<parent dsq:id="{parent}"/>' if parent else "") + "</post>\n")
                # One reply in ten goes to the front of its thread: before the post it answers.
                (early if parent and rng.random() < 0.1 else texts).append(text)
            out.writelines(early + texts)
        out.write("</disqus>\n")


CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from io import StringIO
from django.core.management import call_command
started = time.perf_counter()
out = StringIO()
call_command(sys.argv[1], *sys.argv[2:], stdout=out, stderr=sys.stderr if os.environ.get("SHOW") else StringIO())
elapsed = time.perf_counter() - started
print(out.getvalue().strip())
print(f"@@ {{elapsed:.2f}} {{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}")
"""


def child(env, *command):
    result = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), *command], env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    lines = result.stdout.strip().splitlines()
    _, elapsed, rss = lines[-1].split()
    return float(elapsed), int(rss), "\n".join(lines[:-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    export = OUT / f"disqus-{args.posts}.xml"
    started = time.perf_counter()
    generate(export, args.posts)
    print(f"export: {export} ({export.stat().st_size / 1e6:.1f} MB, {args.posts:,} posts), "
          f"written in {time.perf_counter() - started:.1f} s")

    # The production settings (bench.settings), so every moderation hook runs as it would there.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "SECRET_KEY": "bench-only-" + "x" * 50,
           "ALLOWED_HOSTS": "localhost"}
    if args.database_url:
        name = urlsplit(args.database_url).path.lstrip("/")
        if not name.startswith("bench"):
            sys.exit("--database-url: only a database whose name starts with 'bench' (it is dropped)")
        import psycopg

        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = args.database_url
    else:
        database = OUT / "disqus-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    child(env, "migrate", "--noinput")
    baseline = child(env, "check_tree")
    first = child(env, "import_disqus", str(export))
    again = child(env, "import_disqus", str(export))
    tree = child(env, "check_tree")
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
    print(f"import: {first[0]:.1f} s ({args.posts / first[0]:,.0f} posts/s), peak RSS {first[1] / 1024:.0f} MiB "
          f"(a process that only starts Django and reads nothing: {baseline[1] / 1024:.0f} MiB)")
    print(first[2])
    print(f"second import of the same file (nothing to do): {again[0]:.1f} s, peak RSS {again[1] / 1024:.0f} MiB")
    print(f"check_tree: {tree[2]}")


if __name__ == "__main__":
    main()
