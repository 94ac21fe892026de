"""Add the 10,000-reply thread bench/http.sh loads, once. Run after migrate and load_seeds.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... .venv/bin/python bench/seed_http.py

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

SLUG = "bench-10k"
SIZE = 10_000


def main() -> None:
    if Article.objects.filter(slug=SLUG).exists():
        print(f"{SLUG}: already there, {Reply.objects.filter(article__slug=SLUG).count()} replies")
        return
    author, _ = User.objects.get_or_create(username="bench-builder", defaults={"email": "builder@example.com"})
    article = services.article_upsert(
        data=services.ArticleData(title="Bench thread of 10,000 replies", slug=SLUG, body="Bench.")
    )
    build_forest(article, author, SIZE, parents=thread_shape(SIZE))
    print(f"{SLUG}: built {SIZE} replies")


if __name__ == "__main__":
    main()
