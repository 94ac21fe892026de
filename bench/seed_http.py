"""Add the 1,000- and 10,000-reply threads bench/http.sh loads, once. Run after migrate and load_seeds.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... .venv/bin/python bench/seed_http.py
    ... bench/seed_http.py --session   # prints a signed-in session key for the bench reader

build_forest writes tree fields directly, so this is for a benchmark's own database only. A
second run finds the thread and does nothing, so the figures of two runs read the same rows.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from accounts.models import User  # noqa: E402
from bench.shapes import thread_shape  # noqa: E402
from forum.models import Article, Reply  # noqa: E402
from forum.threads import services  # noqa: E402
from testkit.forest import build_forest  # noqa: E402

THREADS = {"bench-1k": 1_000, "bench-10k": 10_000}
READER = "bench-reader"


def build(slug: str, size: int) -> None:
    if Article.objects.filter(slug=slug).exists():
        print(f"{slug}: already there, {Reply.objects.filter(article__slug=slug).count()} replies")
        return
    author, _ = User.objects.get_or_create(username="bench-builder", defaults={"email": "builder@example.com"})
    article = services.article_upsert(
        data=services.ArticleData(title=f"Bench thread of {size:,} replies", slug=slug, body="Bench.")
    )
    build_forest(article, author, size, parents=thread_shape(size))
    print(f"{slug}: built {size} replies")


def session_key() -> str:
    """A session signed in as the bench reader (no replies of their own), as a browser would hold."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    reader, _ = User.objects.get_or_create(username=READER, defaults={"email": "reader@example.com"})
    session = SessionStore()
    session[SESSION_KEY] = str(reader.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
    session.create()
    return session.session_key


def main() -> None:
    if "--session" in sys.argv:
        print(session_key())
        return
    for slug, size in THREADS.items():
        build(slug, size)


if __name__ == "__main__":
    main()
