"""Concurrent writers on one thread, then proof that nothing was lost or broken. Prints writes/s.

    .venv/bin/python bench/torture.py [--seconds 30] [--writers 16] [--http-writers 8]

Runs on a fresh PostgreSQL database (--database-url, default
postgres://root@127.0.0.1:5432/torture5; only a database named torture* or bench* is dropped and
made again). Settings are bench.settings (production) with the flood limit off
(BENCH_FLOOD_SECONDS=0: each account posts several replies a second) and mail to the dummy
backend. Both are printed with the figures.

The writers, all on one thread, each with its own account and its own database connection
(testkit/torture.py has them, and what each one does; testkit/ledger.py the checks):
- --writers minus --http-writers threads in this process calling the services directly;
- --http-writers threads posting through --servers gunicorn instances (different ports, one
  database), signed in with real sessions, as browsers do: form posts with a CSRF token;
- unless --no-moderator, one moderator removing and holding random replies through the services.

Afterwards (testkit.ledger.verify): `manage.py check_tree` must find 0 violations; every
acknowledged reply must be stored under the parent it asked for, with the last acknowledged
text, removed or held exactly when that was acknowledged; no reply may have been acknowledged
under a parent whose removal or hold was acknowledged before it was asked for; no row may exist
that no write accounts for; and there must be 0 server errors (5xx, exceptions, error lines in
the gunicorn logs). Refusals (4xx: answering a reply removed meanwhile) are expected and counted.
Exits 1 on any problem.

forum/tests/test_tree_integrity.py runs the same writers and checks for a few seconds, through
the services only.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import secrets
import shlex
import string
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.ledger import Refused, ServerError, Unexpected, answered_after_the_parent_changed, verify  # noqa: E402
from testkit.services import free_port  # noqa: E402
from testkit.torture import ServiceWriter, new_ledger, prepare, run_writers  # noqa: E402

CSRF_CHARS = string.ascii_letters + string.digits


class HttpWriter:
    """Posts the forms a signed-in browser posts, to one gunicorn instance, with its own session."""

    def __init__(self, *, name: str, port: int, slug: str, session_key: str, timeout: float = 60):
        self.name, self.port, self.slug, self.timeout = name, port, slug, timeout
        self.csrf = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        # A new reply lands on the article page that draws it (?page=, ?sort=) at #r<id>, or on its
        # own page when it sits below the display depth; an edit or a removal, on the reply's page.
        self.landing = re.compile(
            rf"^/articles/{re.escape(slug)}/(?:replies/(\d+)/(?:#r\d+)?|(?:\?[^#]*)?#r(\d+))$"
        )

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
        return int(match.group(1) or match.group(2))

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



# --- The benchmark: servers, writers, report -----------------------------------------------------


LOG_ERROR = re.compile(r" ERROR | CRITICAL |\[ERROR\]|\[CRITICAL\]|Traceback")
LOGGED_5XX = re.compile(r"forum\.requests \S+ \S+ 5\d\d ")


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
    parser.add_argument("--no-moderator", action="store_true", help="no moderator removing and holding replies")
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
    fresh_database(args.database_url)

    import django

    django.setup()
    # The moderator writer's actions would each print a forum.moderation line among the figures.
    logging.getLogger("forum.moderation").setLevel(logging.WARNING)
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
    setup = prepare(writers=args.writers, forest=args.forest, moderator=not args.no_moderator)
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
              f"{', '.join(str(s.port) for s in servers) or '-'}; "
              f"{'one moderator removing and holding' if setup.moderator_pk else 'no moderator'}")
        moderator = None
        if setup.moderator_pk is not None:
            moderator = ServiceWriter(name="moderator", user_pk=setup.moderator_pk, article_pk=setup.article_pk)
        elapsed = run_writers(writers, ledger, seconds=args.seconds, moderator=moderator)
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
    for kind in ("reply", "top", "edit", "remove", "mod-remove", "mod-hold"):
        print(f"  {kind:<10} {ledger.acknowledged[kind]:>6}  ({ledger.acknowledged[kind] / elapsed:.1f}/s)")
    by = ", ".join(f"{source} {n} ({n / elapsed:.1f}/s)" for source, n in sorted(ledger.acknowledged_by.items()))
    print(f"  by writer: {by}")
    refusals = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(ledger.refused.items())) or "none"
    print(f"refused (4xx, expected): {refusals}")
    print(f"429 (flood limit): {sum(n for (_, status), n in ledger.refused.items() if status == 429)}")
    print(f"manage.py check_tree: {(check.stdout + check.stderr).strip().splitlines()[-1]} (exit {check.returncode})")
    print(f"replies acknowledged under a parent removed or held before they were asked for: "
          f"{len(answered_after_the_parent_changed(ledger))}")
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
