"""Check config/replicas.py against a real streaming replica (bench/pg-pair.sh).

    python -m testkit.replica_check PRIMARY_URL REPLICA_URL

Makes a fresh database on the primary, waits for it on the replica, then pauses the replica's
replay, so that anything written after that is on the primary only. A page that shows such a
write was read from the primary; a page that lacks it was read from the replica. Exits 0 when
every read went where config/replicas.py says, 1 otherwise, printing each check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid


def _url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def _wait(check, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def main(primary: str, replica: str) -> int:
    import psycopg

    name = f"replica_check_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(primary, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _url(primary, name),
        "DATABASE_REPLICA_URL": _url(replica, name),
    }
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, check=True)
        return subprocess.run([sys.executable, "-m", "testkit.replica_check", "--inside"], env=env).returncode
    finally:
        with psycopg.connect(replica, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        with psycopg.connect(primary, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def inside() -> int:
    import django

    django.setup()
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from forum.posting import services as posting
    from forum.threads import services as articles

    article = articles.article_upsert(data=articles.ArticleData(title="Lag", slug="lag", body="Text."))
    bob = User.objects.create_user("bob", "bob@example.com", "pw-for-tests-1")
    carol = User.objects.create_user("carol", "carol@example.com", "pw-for-tests-1")
    from allauth.account.models import EmailAddress

    for user in (bob, carol):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    posting.reply_create(article=article, author=carol, body="Replicated before the pause")

    def on_replica(sql):
        with connections["replica"].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    _wait(lambda: on_replica("SELECT count(*) FROM forum_reply") == 1, "the first reply on the replica")
    on_replica("SELECT pg_wal_replay_pause()::text")
    _wait(lambda: on_replica("SELECT pg_get_wal_replay_pause_state()") == "paused", "the replay to pause")

    as_bob, as_carol, signed_out = Client(), Client(), Client()
    as_bob.force_login(bob)
    as_carol.force_login(carol)
    posted = as_bob.post(reverse("forum:reply_top", args=["lag"]), {"body": "Written while the replica is paused"})
    new = "Written while the replica is paused"
    page_url = reverse("forum:article", args=["lag"])
    json_url = reverse("forum:thread_json", args=["lag"])
    checks = [
        ("bob's reply is accepted (primary)", posted.status_code == 302),
        ("signed-out page reads the replica", new not in signed_out.get(page_url).content.decode()),
        ("signed-out thread.json reads the replica", new not in signed_out.get(json_url).content.decode()),
        ("carol's thread.json reads the replica", new not in as_carol.get(json_url).content.decode()),
        ("bob's thread.json, just after his write, reads the primary", new in as_bob.get(json_url).content.decode()),
        ("a signed-in page reads the primary", new in as_carol.get(page_url).content.decode()),
    ]
    on_replica("SELECT pg_wal_replay_resume()::text")
    _wait(lambda: on_replica("SELECT count(*) FROM forum_reply") == 2, "the replica to catch up")
    checks.append(("after the replay resumes, signed-out readers see it", new in signed_out.get(page_url).content.decode()))
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--inside"]:
        sys.exit(inside())
    sys.exit(main(*sys.argv[1:3]))
