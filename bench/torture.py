"""Concurrent writers on one thread, then proof that nothing was lost or broken. Prints writes/s.

    .venv/bin/python bench/torture.py [--seconds 30] [--writers 16] [--http-writers 8]

Runs on a fresh PostgreSQL database (--database-url, default
postgres://root@127.0.0.1:5432/torture5; only a database named torture* or bench* is dropped and
made again). Settings are bench.settings (production) with the flood limit off
(BENCH_FLOOD_SECONDS=0: each account posts several replies a second) and mail to the dummy
backend. Both are printed with the figures.

The writers, all on one thread, each with its own account and its own database connection:
- --writers minus --http-writers threads in this process calling forum.services directly;
- --http-writers threads posting through --servers gunicorn instances (different ports, one
  database), signed in with real sessions, as browsers do: form posts with a CSRF token.
Each picks, per write: a reply to a random published reply of the thread (45%), a new top-level
reply (20%), an edit of one of its own replies (25%), or the removal of one (10%).

Afterwards: `manage.py check_tree` must find 0 violations; every acknowledged reply must be stored
under the parent it asked for; every reply's text must be the last acknowledged edit's (or its
first text), and removed exactly when a removal was acknowledged; no row may exist that no write
accounts for; and there must be 0 server errors (5xx, exceptions, error lines in the gunicorn
logs). Refusals (4xx: answering a reply removed meanwhile) are expected and counted. Exits 1 on
any problem.

forum/tests/test_tree_integrity.py runs the same writers and checks for a few seconds, through
the services only (prepare, ServiceWriter, run_writers, verify).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shlex
import socket
import string
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent

# Per write, the chance of each kind; an edit or removal without an own reply to act on posts a reply.
MIX = (("edit", 0.25), ("remove", 0.10), ("top", 0.20), ("reply", 0.45))


# --- Outcomes -----------------------------------------------------------------------------------


class Refused(Exception):
    """The forum said no, as it should to some writes (a 4xx): not an error."""

    def __init__(self, status: int, message: str = ""):
        super().__init__(f"{status} {message}".strip())
        self.status = status


class ServerError(Exception):
    """A 5xx, or an exception from the services: the write may or may not have happened."""


class Unexpected(Exception):
    """An answer no write should get (a redirect to sign-in, a 200 for a post), or no answer."""


@dataclass
class Ledger:
    """Every write the writers asked for and what the forum answered. Shared by all writers."""

    article_pk: int
    slug: str
    pool: list[int] = field(default_factory=list)  # replies a writer may answer
    seeded: set[int] = field(default_factory=set)
    parent_of: dict[int, int | None] = field(default_factory=dict)  # acknowledged replies
    bodies: dict[int, list[str]] = field(default_factory=dict)  # acknowledged texts, in order
    maybe_bodies: dict[int, set[str]] = field(default_factory=dict)  # edits with no clear answer
    removed: set[int] = field(default_factory=set)
    maybe_removed: set[int] = field(default_factory=set)
    maybe_created: int = 0
    acknowledged: Counter = field(default_factory=Counter)
    acknowledged_by: Counter = field(default_factory=Counter)  # "service" or "http"
    refused: Counter = field(default_factory=Counter)  # (kind, status)
    refused_parents: set[int] = field(default_factory=set)  # replies a 400 said could not be answered
    server_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick_parent(self, rng: random.Random) -> int:
        with self.lock:
            for _ in range(20):
                pk = rng.choice(self.pool)
                if pk not in self.removed:
                    return pk
            return pk  # a removed one: the forum must refuse it, which is worth checking too

    def total(self) -> int:
        return sum(self.acknowledged.values())


@dataclass
class Setup:
    article_pk: int
    slug: str
    user_pks: list[int]
    seeded: list[int]


# --- Preparing the database ---------------------------------------------------------------------


def prepare(*, writers: int, forest: int = 500, seed: int = 5) -> Setup:
    """An article with a thread of `forest` replies (build_forest), and one verified account per writer."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from forum import services
    from forum.testing import build_forest

    tag = uuid.uuid4().hex[:8]
    article = services.article_upsert(
        data=services.ArticleData(title=f"Torture {tag}", slug=f"torture-{tag}", body="Many writers at once.")
    )
    builder = User.objects.create_user(username=f"torture-builder-{tag}", email=f"builder-{tag}@example.com")
    replies = build_forest(article, builder, forest, seed=seed)
    user_pks = []
    for number in range(writers):
        user = User.objects.create_user(username=f"torture-{tag}-{number}", email=f"t{number}-{tag}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        user_pks.append(user.pk)
    return Setup(article_pk=article.pk, slug=article.slug, user_pks=user_pks, seeded=[r.pk for r in replies])


def new_ledger(setup: Setup) -> Ledger:
    return Ledger(article_pk=setup.article_pk, slug=setup.slug, pool=list(setup.seeded), seeded=set(setup.seeded))


# --- Writers ------------------------------------------------------------------------------------


class ServiceWriter:
    """Writes through forum.services on this thread's own database connection, as a view would."""

    def __init__(self, *, name: str, user_pk: int, article_pk: int):
        self.name, self.user_pk, self.article_pk = name, user_pk, article_pk

    def open(self) -> None:
        from django.db import connection

        from accounts.models import User
        from forum.models import Article

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A lock wait that never ended would hang the run instead of failing it; PostgreSQL
                # reports real deadlocks by itself after deadlock_timeout (1 s).
                cursor.execute("SET lock_timeout = '20s'")
        self.user = User.objects.get(pk=self.user_pk)
        self.article = Article.objects.get(pk=self.article_pk)

    def close(self) -> None:
        from django.db import connection

        connection.close()

    def _call(self, write):
        from forum import services

        try:
            return write()
        except services.PostingError as error:
            raise Refused(error.status, error.message) from error
        except Exception as error:  # noqa: BLE001 - anything else is the server failing
            raise ServerError(f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}") from error

    def create(self, parent_pk: int | None, body: str) -> int:
        from forum import services
        from forum.models import Reply

        def write():
            parent = Reply.objects.get(pk=parent_pk) if parent_pk else None
            return services.reply_create(
                article=self.article, author=self.user, body=body, parent=parent, form_token=uuid.uuid4().hex
            ).pk

        return self._call(write)

    def edit(self, pk: int, body: str) -> None:
        from forum import selectors, services

        self._call(lambda: services.reply_edit(reply=selectors.reply_get(pk=pk), editor=self.user, body=body))

    def remove(self, pk: int) -> None:
        from forum import selectors, services

        self._call(lambda: services.reply_remove_own(reply=selectors.reply_get(pk=pk), user=self.user))


CSRF_CHARS = string.ascii_letters + string.digits


class HttpWriter:
    """Posts the forms a signed-in browser posts, to one gunicorn instance, with its own session."""

    def __init__(self, *, name: str, port: int, slug: str, session_key: str, timeout: float = 60):
        self.name, self.port, self.slug, self.timeout = name, port, slug, timeout
        self.csrf = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.landing = re.compile(rf"^/articles/{re.escape(slug)}/replies/(\d+)/(?:#r\d+)?$")

    def open(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def close(self) -> None:
        self.connection.close()

    def _post(self, path: str, fields: dict) -> int:
        """POST a form; return the reply id of the page it lands on, or raise by the status."""
        data = urlencode({**fields, "csrfmiddlewaretoken": self.csrf})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "Origin": f"http://127.0.0.1:{self.port}",  # what a browser sends; CSRF checks it
        }
        try:
            self.connection.request("POST", path, body=data, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()  # gunicorn may have closed it mid-answer; the next call reconnects
            raise Unexpected(f"POST {path}: no answer: {type(error).__name__}: {error}") from error
        status, location = response.status, response.getheader("Location", "")
        if status >= 500:
            raise ServerError(f"POST {path}: {status}")
        if 400 <= status < 500:
            raise Refused(status)
        match = self.landing.match(location) if status == 302 else None
        if not match:
            raise Unexpected(f"POST {path}: {status} to {location!r}")
        return int(match.group(1))

    def create(self, parent_pk: int | None, body: str) -> int:
        path = (
            f"/articles/{self.slug}/replies/{parent_pk}/reply/" if parent_pk else f"/articles/{self.slug}/reply/"
        )
        return self._post(path, {"body": body, "form_token": uuid.uuid4().hex, "post": "1"})

    def edit(self, pk: int, body: str) -> None:
        if self._post(f"/replies/{pk}/edit/", {"body": body}) != pk:
            raise Unexpected(f"edit of {pk} landed elsewhere")

    def remove(self, pk: int) -> None:
        if self._post(f"/replies/{pk}/remove/", {}) != pk:
            raise Unexpected(f"removal of {pk} landed elsewhere")


def writer_loop(writer, ledger: Ledger, *, seed: int, deadline: float, max_writes: int) -> None:
    """Write until the deadline, recording every answer in the ledger."""
    rng = random.Random(seed)
    own: list[int] = []  # this writer's replies that are not removed: only it edits or removes them
    for step in range(max_writes):
        if time.monotonic() >= deadline:
            return
        roll, kind = rng.random(), "reply"
        for name, share in MIX:
            if roll < share:
                kind = name
                break
            roll -= share
        if kind == "edit" and not own or kind == "remove" and len(own) < 2:
            kind = "reply"
        tag = f"{writer.name} #{step} {uuid.uuid4().hex[:12]}"  # unique: the duplicate-text hook stays quiet
        target = None
        try:
            if kind in ("reply", "top"):
                parent = ledger.pick_parent(rng) if kind == "reply" else None
                body = f"{tag}: a {'reply to ' + str(parent) if parent else 'new top-level reply'}, *posted* at once."
                pk = writer.create(parent, body)
                with ledger.lock:
                    ledger.parent_of[pk] = parent
                    ledger.bodies[pk] = [body]
                    ledger.pool.append(pk)
                own.append(pk)
            elif kind == "edit":
                target = rng.choice(own)
                body = f"{tag}: edited text of {target}."
                try:
                    writer.edit(target, body)
                except (ServerError, Unexpected):
                    with ledger.lock:
                        ledger.maybe_bodies.setdefault(target, set()).add(body)
                    raise
                with ledger.lock:
                    ledger.bodies[target].append(body)
            else:
                target = own.pop(rng.randrange(len(own)))
                try:
                    writer.remove(target)
                except (ServerError, Unexpected):
                    with ledger.lock:
                        ledger.maybe_removed.add(target)
                    raise
                with ledger.lock:
                    ledger.removed.add(target)
            with ledger.lock:
                ledger.acknowledged[kind] += 1
                ledger.acknowledged_by[writer.name.split("-")[0]] += 1
        except Refused as refusal:
            with ledger.lock:
                ledger.refused[(kind, refusal.status)] += 1
                if kind == "reply" and refusal.status == 400:
                    ledger.refused_parents.add(parent)  # verify() checks it was indeed removed
                elif not (kind in ("reply", "top") and refusal.status == 429):
                    # Nothing else should be refused: an edit or removal of one's own live reply,
                    # a new top-level reply. A 403 here is a broken session or CSRF token.
                    ledger.unexpected.append(f"{writer.name} {kind} {target or ''}: refused {refusal}")
        except (ServerError, Unexpected) as error:
            with ledger.lock:
                if kind in ("reply", "top"):
                    ledger.maybe_created += 1
                bucket = ledger.server_errors if isinstance(error, ServerError) else ledger.unexpected
                bucket.append(f"{writer.name} {kind} {target or ''}: {error}")


def run_writers(writers: list, ledger: Ledger, *, seconds: float, max_writes: int = 100_000) -> float:
    """Start every writer together, write for `seconds`, return the seconds the writing took."""
    start = threading.Barrier(len(writers) + 1)
    deadline = [0.0]

    def run(number: int, writer) -> None:
        try:
            writer.open()
        except BaseException as error:  # noqa: BLE001 - a writer that cannot start is a failure
            with ledger.lock:
                ledger.unexpected.append(f"{writer.name} could not start: {type(error).__name__}: {error}")
            start.abort()
            return
        try:
            start.wait(timeout=60)
            writer_loop(writer, ledger, seed=number, deadline=deadline[0], max_writes=max_writes)
        except threading.BrokenBarrierError:
            pass
        finally:
            writer.close()

    threads = [threading.Thread(target=run, args=(n, w), name=w.name, daemon=True) for n, w in enumerate(writers)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds  # set before the barrier releases anyone
    try:
        start.wait(timeout=60)
    except threading.BrokenBarrierError:
        pass
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        ledger.unexpected.append(f"writers still running {seconds + 120:.0f} s after the deadline: {stuck}")
    return time.monotonic() - began


# --- Checking -----------------------------------------------------------------------------------


def verify(ledger: Ledger) -> list[str]:
    """Every way the stored thread disagrees with what the writers were told. Empty when sound."""
    from forum.models import Reply
    from forum.selectors import tree_violations

    problems = [f"check_tree: {line}" for line in tree_violations()]
    stored = {
        pk: (parent, article, body, status)
        for pk, parent, article, body, status in Reply.objects.filter(
            pk__in=list(ledger.parent_of) + list(ledger.seeded)
        ).values_list("pk", "parent_id", "article_id", "body", "status")
    }
    for pk, parent in ledger.parent_of.items():
        if pk not in stored:
            problems.append(f"reply {pk}: acknowledged, not in the database (lost)")
            continue
        stored_parent, article, body, status = stored[pk]
        if stored_parent != parent or article != ledger.article_pk:
            problems.append(f"reply {pk}: stored under {stored_parent} on article {article}, asked for {parent}")
        expected = ledger.bodies[pk][-1]
        if body != expected and body not in ledger.maybe_bodies.get(pk, ()):
            problems.append(f"reply {pk}: text is {body[:50]!r}, the last acknowledged write said {expected[:50]!r}")
        removed = status == Reply.Status.REMOVED
        if removed != (pk in ledger.removed) and pk not in ledger.maybe_removed:
            problems.append(f"reply {pk}: status {status}, removal acknowledged: {pk in ledger.removed}")
    statuses = dict(Reply.objects.filter(pk__in=ledger.refused_parents).values_list("pk", "status"))
    for pk in sorted(ledger.refused_parents):
        if statuses.get(pk) != Reply.Status.REMOVED:
            problems.append(f"reply {pk}: a reply to it was refused, yet it is {statuses.get(pk, 'missing')}, not removed")
    for pk in ledger.seeded:
        if pk not in stored:
            problems.append(f"reply {pk}: seeded, not in the database")
    total = Reply.objects.filter(article_id=ledger.article_pk).count()
    accounted = len(ledger.seeded) + len(ledger.parent_of)
    if not accounted <= total <= accounted + ledger.maybe_created:
        problems.append(
            f"{total} replies on the thread; acknowledged writes account for {accounted}, "
            f"and {ledger.maybe_created} more had no clear answer"
        )
    return problems


# --- The benchmark: servers, writers, report -----------------------------------------------------


LOG_ERROR = re.compile(r" ERROR | CRITICAL |\[ERROR\]|\[CRITICAL\]|Traceback")
LOGGED_5XX = re.compile(r"forum\.requests \S+ \S+ 5\d\d ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One app server as `make serve` starts it, on a free loopback port, stopped by its pid."""

    def __init__(self, *, number: int, workers: int, env: dict, out: Path):
        self.port = free_port()
        self.log = out / f"torture-gunicorn-{number}.log"
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--timeout", "30", "--no-control-socket",
        ]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        for _ in range(150):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn on {self.port} exited; see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn on {self.port} did not answer /healthz in 30 s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)  # graceful: workers finish the request in hand
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_errors(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if LOG_ERROR.search(line) or LOGGED_5XX.search(line)]


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not re.fullmatch(r"(torture|bench)\w*", name):
        raise SystemExit(f"bench/torture.py drops and recreates its database; {name!r} is not named torture* or bench*")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--http-writers", type=int, default=8)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers-per-server", type=int, default=4, help="gunicorn sync workers per server")
    parser.add_argument("--forest", type=int, default=2000, help="replies on the thread before the writers start")
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/torture5")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600 or not 0 < args.writers <= 64 or not 0 <= args.http_writers <= args.writers:
        raise SystemExit("--seconds in (0, 600], --writers in 1..64, --http-writers in 0..--writers")
    if args.http_writers and args.servers < 1:
        raise SystemExit("--http-writers needs --servers >= 1")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key: sessions made here are valid on every server
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_FLOOD_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    fresh_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    print(f"$ .venv/bin/python bench/torture.py {shlex.join(sys.argv[1:])}".rstrip())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, PostgreSQL {pg}, database {args.database_url}; "
          f"load average {load} at the start")
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    print(f"# git {git}; bench.settings (production) with FORUM_FLOOD_SECONDS=0 (flood limit off) and the dummy mail backend")
    call_command("migrate", verbosity=0)
    if args.http_writers and not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # error pages link static files
    setup = prepare(writers=args.writers, forest=args.forest)
    ledger = new_ledger(setup)

    service_count = args.writers - args.http_writers
    writers: list = [
        ServiceWriter(name=f"service-{n}", user_pk=setup.user_pks[n], article_pk=setup.article_pk)
        for n in range(service_count)
    ]
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    servers = [Gunicorn(number=n, workers=args.workers_per_server, env=env, out=out) for n in range(args.servers if args.http_writers else 0)]
    try:
        for server in servers:
            server.wait_ready()
        from accounts.models import User

        for n in range(args.http_writers):
            client = Client()
            client.force_login(User.objects.get(pk=setup.user_pks[service_count + n]))  # a real session row
            server = servers[n % len(servers)]
            writers.append(
                HttpWriter(name=f"http-{n}@{server.port}", port=server.port, slug=setup.slug,
                           session_key=client.cookies["sessionid"].value)
            )
        connection.close()  # the writers open their own; this one would sit idle in a transaction-free state
        print(f"# {len(writers)} writers for {args.seconds:g} s on one thread of {args.forest} replies: "
              f"{service_count} through the services in this process, {args.http_writers} over HTTP to "
              f"{len(servers)} gunicorn instances of {args.workers_per_server} workers on ports "
              f"{', '.join(str(s.port) for s in servers) or '-'}")
        elapsed = run_writers(writers, ledger, seconds=args.seconds)
    finally:
        for server in servers:
            server.stop()

    problems = verify(ledger)
    check = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "check_tree"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300,
    )
    log_errors = [f"{server.log.name}: {line}" for server in servers for line in server.log_errors()]

    total = ledger.total()
    print(f"\nacknowledged writes: {total} in {elapsed:.1f} s = {total / elapsed:.1f} writes/s")
    for kind in ("reply", "top", "edit", "remove"):
        print(f"  {kind:<7} {ledger.acknowledged[kind]:>6}  ({ledger.acknowledged[kind] / elapsed:.1f}/s)")
    by = ", ".join(f"{source} {n} ({n / elapsed:.1f}/s)" for source, n in sorted(ledger.acknowledged_by.items()))
    print(f"  by writer: {by}")
    refusals = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(ledger.refused.items())) or "none"
    print(f"refused (4xx, expected): {refusals}")
    print(f"429 (flood limit): {sum(n for (_, status), n in ledger.refused.items() if status == 429)}")
    print(f"manage.py check_tree: {(check.stdout + check.stderr).strip().splitlines()[-1]} (exit {check.returncode})")
    print(f"lost or misplaced writes: {len(problems)}")
    print(f"server errors: {len(ledger.server_errors)} (5xx and service exceptions), "
          f"{len(log_errors)} error lines in the gunicorn logs")
    print(f"unexpected answers: {len(ledger.unexpected)}")
    for line in (problems + ledger.server_errors + log_errors + ledger.unexpected)[:30]:
        print(f"  {line}")
    failed = problems or ledger.server_errors or log_errors or ledger.unexpected or check.returncode != 0
    print("RESULT:", "FAILED" if failed else "ok: 0 violations, 0 lost writes, 0 server errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
