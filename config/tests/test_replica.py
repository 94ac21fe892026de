"""Reads go where config/replicas.py says: on a real streaming replica (bench/pg-pair.sh), and the
rule itself for each kind of request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from config import replicas

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PAIR_PORTS = {"PG_PAIR_PRIMARY_PORT": "5451", "PG_PAIR_REPLICA_PORT": "5452"}


@pytest.mark.postgres
@pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup")) and os.environ.get("CI") != "true",
    reason="needs the PostgreSQL server binaries (Debian's postgresql package)",
)
def test_on_a_real_streaming_replica_signed_out_reads_lag_and_writers_read_their_writes():
    env = {**os.environ, **PAIR_PORTS}
    pair = BASE_DIR / "bench" / "pg-pair.sh"
    started = subprocess.run([pair, "start"], env=env, capture_output=True, text=True, check=True)
    try:
        urls = dict(part.split("=", 1) for part in started.stdout.split())
        check = subprocess.run(
            [sys.executable, "-m", "testkit.replica_check", urls["PRIMARY"], urls["REPLICA"]],
            env={k: v for k, v in env.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")},
            cwd=BASE_DIR, capture_output=True, text=True, timeout=300,
        )
    finally:
        subprocess.run([pair, "stop"], env=env, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("ok  ") == 7


class _User:
    is_authenticated = True


def _request(method="GET", user=None, session=None):
    request = getattr(RequestFactory(), method.lower())("/")
    request.user = user or AnonymousUser()
    request.session = session or {}
    return request


def test_without_a_replica_every_read_is_on_the_primary(settings):
    assert "replica" not in settings.DATABASES
    assert not replicas.may_read_replica(_request(), signed_in=True)


def test_who_reads_the_replica(monkeypatch):
    monkeypatch.setattr(replicas, "replica_configured", lambda: True)
    assert replicas.may_read_replica(_request(), signed_in=False)
    assert not replicas.may_read_replica(_request("POST"), signed_in=True)
    assert not replicas.may_read_replica(_request(user=_User()), signed_in=False)  # a signed-in page
    assert replicas.may_read_replica(_request(user=_User()), signed_in=True)  # thread.json
    wrote = {replicas.PRIMARY_UNTIL: 2**40}
    assert not replicas.may_read_replica(_request(user=_User(), session=wrote), signed_in=True)


def test_reads_inside_a_transaction_and_sessions_stay_on_the_primary(monkeypatch, db):
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from forum.threads.models import Reply

    router = replicas.ReplicaRouter()
    token = replicas._reading_replica.set(True)
    try:
        assert router.db_for_read(Session) is None
        with transaction.atomic():  # the test's own transaction already counts; this makes it plain
            assert router.db_for_read(Reply) is None
    finally:
        replicas._reading_replica.reset(token)


def test_a_page_about_to_be_cached_is_read_from_the_primary():
    from forum.threads.models import Reply

    router = replicas.ReplicaRouter()
    token = replicas._reading_replica.set(True)
    try:
        assert router.db_for_read(Reply) == "replica"  # outside a transaction, a signed-out read
        with replicas.primary_reads():
            assert router.db_for_read(Reply) is None
    finally:
        replicas._reading_replica.reset(token)
