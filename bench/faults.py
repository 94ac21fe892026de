"""Faults survived: Redis stopped, PostgreSQL restarted, the mail server down, the worker killed.

    .venv/bin/python bench/faults.py [--case redis,postgres,mail,worker] [--redis-seconds 20] [--mail-seconds 60]

Runs the production settings (bench.settings) on parts of its own, so the machine's services are
never stopped: a PostgreSQL primary and its streaming replica (bench/pg-pair.sh, ports 5441 and
5442, database `faults`, made afresh), a redis-server on a free port, a real SMTP server
(aiosmtpd) in this process, two gunicorn instances and the task queue's worker
(`manage.py worker`). Readers (signed out and signed in) and writers (signed in, each reply an
answer to one reader's reply, so each is a notification email) run through every case.

Each case prints the load held, the errors seen, the writes acknowledged and found, and the
emails expected and delivered, then RESULT. Exits 1 when any case fails:
- redis: Redis stopped for --redis-seconds. 0 server errors; pages and posting work; a sign-in
  attempt is refused (429: rate limits fail closed); the cache fills again once Redis is back.
- postgres: the primary restarted (pg_ctl restart -m fast). Requests during it get the 503 page,
  never a 500; every server answers 200 again within seconds, unrestarted; every acknowledged
  write is stored; check_tree finds 0 violations.
- mail: the SMTP server down for --mail-seconds. Every email owed is delivered once it is back;
  none twice.
- worker: the worker killed (SIGKILL) while it sends an email; started again under its id, it
  runs that task again, once, and the email arrives once.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.torture import CSRF_CHARS, Gunicorn, HttpWriter  # noqa: E402
from testkit.ledger import Refused, ServerError, Unexpected  # noqa: E402
from testkit.services import RedisServer, free_port  # noqa: E402

OUT = ROOT / "bench" / "out"
LOGGED_STATUS = re.compile(r"forum\.requests \S+ \S+ (5\d\d) ")
PY = str(ROOT / ".venv" / "bin" / "python")


# --- The mail server -----------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd on a port of its own, which the script stops and starts. `slow` makes it wait
    before accepting a recipient, so a worker can be caught in the middle of a send."""

    def __init__(self):
        self.port = free_port()
        self.received: list[tuple[str, str]] = []  # (X-Forum-Notification or subject, recipient)
        self.slow = 0.0
        self._controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        box = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if box.slow:
                    await asyncio.sleep(box.slow)
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                text = envelope.content.decode("utf-8", "replace")
                match = re.search(r"^X-Forum-Notification: (\d+)", text, re.M)
                subject = re.search(r"^Subject: (.*)$", text, re.M)
                key = f"notification {match.group(1)}" if match else (subject.group(1) if subject else "?")
                for rcpt in envelope.rcpt_tos:
                    box.received.append((key, rcpt))
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None

    def notifications(self) -> Counter:
        return Counter(key for key, _ in self.received if key.startswith("notification "))


# --- Load ------------------------------------------------------------------------------------------


class Load:
    """Readers and writers on every server until stopped; counts what each phase saw."""

    def __init__(self, servers, slug, sessions, root_pk):
        self.servers, self.slug, self.sessions, self.root_pk = servers, slug, sessions, root_pk
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.acknowledged: list[int] = []
        self.write_errors: Counter = Counter()
        self.running = True
        self.threads: list[threading.Thread] = []

    def _count(self, key):
        with self.lock:
            self.statuses[key] += 1

    def _reader(self, port, session_key):
        path = f"/articles/{self.slug}/"
        headers = {"Cookie": f"sessionid={session_key}"} if session_key else {}
        who = "signed-in" if session_key else "signed-out"
        while self.running:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                status = conn.getresponse().status
                conn.close()
                self._count((who, status))
            except (OSError, http.client.HTTPException):
                self._count((who, "no answer"))
            time.sleep(0.02)

    def _writer(self, number, port, session_key):
        writer = HttpWriter(name=f"w{number}", port=port, slug=self.slug, session_key=session_key, timeout=15)
        writer.open()
        step = 0
        while self.running:
            step += 1
            try:
                pk = writer.create(self.root_pk, f"w{number} #{step} {secrets.token_hex(6)}: an answer")
                with self.lock:
                    self.acknowledged.append(pk)
                self._count(("writer", 302))
            except ServerError as error:
                status = re.search(r": (\d{3})$", str(error))
                self._count(("writer", int(status.group(1)) if status else "5xx"))
            except Refused as refusal:
                self._count(("writer", refusal.status))
            except Unexpected:
                self._count(("writer", "no answer"))
                writer.open()
            time.sleep(0.1)

    def start(self):
        self.running = True
        for n, server in enumerate(self.servers):
            reader_session, writer_session = self.sessions[2 * n], self.sessions[2 * n + 1]
            for target, args in (
                (self._reader, (server.port, None)),
                (self._reader, (server.port, reader_session)),
                (self._writer, (n, server.port, writer_session)),
            ):
                thread = threading.Thread(target=target, args=args, daemon=True)
                thread.start()
                self.threads.append(thread)

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=30)
        self.threads = []

    def take(self) -> tuple[Counter, list[int]]:
        with self.lock:
            statuses, acknowledged = self.statuses, self.acknowledged
            self.statuses, self.acknowledged = Counter(), []
        return statuses, acknowledged


def describe(statuses: Counter, seconds: float) -> str:
    total = sum(statuses.values())
    parts = ", ".join(f"{who} {status}: {n}" for (who, status), n in sorted(statuses.items(), key=str))
    return f"{total} requests in {seconds:.0f} s ({total / max(seconds, 0.001):.0f}/s): {parts}"


def server_errors(statuses: Counter, allowed=()) -> int:
    return sum(n for (_, status), n in statuses.items() if status == "5xx" or (isinstance(status, int) and status >= 500 and status not in allowed))


# --- The processes -------------------------------------------------------------------------------


class Worker:
    def __init__(self, env):
        self.env, self.process = env, None
        self.log = OUT / "faults-worker.log"

    def start(self):
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [PY, "manage.py", "worker", "--worker-id", "faults-worker", "--no-reload", "--interval", "0.2",
                 "--no-startup-delay"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def pair(command: str) -> str:
    return subprocess.run([str(ROOT / "bench" / "pg-pair.sh"), command], check=True, capture_output=True, text=True).stdout


def wait_until(check, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return False


# --- The cases -----------------------------------------------------------------------------------


def case_redis(ctx, seconds: float) -> bool:
    load, redis = ctx["load"], ctx["redis"]
    load.take()
    time.sleep(3)
    before, _ = load.take()
    redis.stop()
    started = time.monotonic()
    login_statuses = []
    while time.monotonic() - started < seconds:
        time.sleep(min(5, seconds))
        login_statuses.append(sign_in_status(ctx["servers"][0].port))
    during, acknowledged = load.take()
    redis.start()
    time.sleep(5)
    after, acknowledged_after = load.take()
    found = stored(acknowledged + acknowledged_after)
    import redis as redis_client

    keys = redis_client.Redis.from_url(redis.url).dbsize()
    errors = server_errors(before) + server_errors(during) + server_errors(after)
    print(f"  before: {describe(before, 3)}")
    print(f"  Redis stopped {seconds:g} s: {describe(during, seconds)}")
    print(f"  sign-in attempts while Redis was away answered: {login_statuses} (429: refused, fail closed)")
    print(f"  Redis back, 5 s: {describe(after, 5)}; {keys} keys in Redis again")
    writes = len(acknowledged) + len(acknowledged_after)
    print(f"  writes acknowledged during and after: {writes}, found: {found}")
    print(f"  server errors: {errors}")
    ok = errors == 0 and found == writes and writes > 0 and keys > 0 and set(login_statuses) == {429}
    ok = ok and during[("signed-out", 200)] > 0 and during[("signed-in", 200)] > 0
    return ok


def sign_in_status(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    csrf = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
    conn.request(
        "POST", "/accounts/login/", body=f"login=nobody&password=wrong&csrfmiddlewaretoken={csrf}",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
                 "Origin": f"http://127.0.0.1:{port}"},
    )
    status = conn.getresponse().status
    conn.close()
    return status


def case_postgres(ctx) -> bool:
    load = ctx["load"]
    load.take()
    time.sleep(3)
    before, acknowledged = load.take()
    restart_began = time.monotonic()
    pair("restart-primary")
    restarted = time.monotonic() - restart_began
    # Every server answers a signed-in page (the primary) again.
    recovered = {}
    for server in ctx["servers"]:
        def answers(port=server.port):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", f"/articles/{ctx['slug']}/", headers={"Cookie": f"sessionid={ctx['sessions'][0]}"})
            return conn.getresponse().status == 200
        wait_until(answers, 30, 0.1)
        recovered[server.port] = time.monotonic() - restart_began
    time.sleep(3)
    during, acknowledged_during = load.take()
    acknowledged += acknowledged_during
    found = stored(acknowledged)
    violations = check_tree(ctx["env"])
    errors_500 = sum(n for (_, status), n in during.items() if status == 500) + server_errors(before)
    count_503 = sum(n for (_, status), n in during.items() if status == 503)
    print(f"  before: {describe(before, 3)}")
    print(f"  primary restarted in {restarted:.1f} s; servers answering signed-in pages again after "
          f"{', '.join(f'{t:.1f} s' for t in recovered.values())} (not restarted)")
    print(f"  during and 3 s after: {describe(during, restarted + 3)}")
    print(f"  503 pages: {count_503}; 500s: {errors_500}")
    print(f"  writes acknowledged: {len(acknowledged)}, found: {found}; check_tree: {violations}")
    load.stop()
    settle(ctx)
    expected, made = announcements(ctx["root_pk"])
    print(f"  replies announced (notification made by the worker): {made} of {expected}; failed tasks: {failed_tasks()}")
    load.start()
    return made == expected and errors_500 == 0 and found == len(acknowledged) and violations.startswith("0 ") and max(recovered.values()) < 30


def case_mail(ctx, seconds: float) -> bool:
    load, mailbox = ctx["load"], ctx["mailbox"]
    settle(ctx)
    delivered_before = mailbox.notifications()
    load.take()
    mailbox.stop()
    time.sleep(seconds)
    mailbox.start()
    _, acknowledged = load.take()
    load.stop()
    settle(ctx)  # every announcement made and every email sent (or given up on)
    owed = set(notifications_owed())
    time.sleep(3)
    delivered = mailbox.notifications()
    new = {k: n for k, n in delivered.items() if k not in delivered_before}
    twice = {k: n for k, n in delivered.items() if n > 1}
    missing = owed - set(delivered)
    print(f"  mail server down {seconds:g} s with writers posting: {len(acknowledged)} replies acknowledged")
    print(f"  emails owed (notifications with an email): {len(owed)}; delivered: {len(set(delivered) & owed)}; "
          f"delivered after it came back: {len(new)}; missing: {len(missing)}; sent twice: {len(twice)}")
    expected, made = announcements(ctx["root_pk"])
    print(f"  failed tasks: {failed_tasks()}; replies announced: {made} of {expected} (since the start, every case)")
    load.start()
    return not missing and not twice and len(new) > 0 and made == expected


def case_worker(ctx) -> bool:
    load, mailbox, worker = ctx["load"], ctx["mailbox"], ctx["worker"]
    load.stop()
    settle(ctx)
    before = mailbox.notifications()
    mailbox.slow = 5.0  # the worker is then inside the send for 5 s
    writer = HttpWriter(name="victim", port=ctx["servers"][0].port, slug=ctx["slug"], session_key=ctx["sessions"][1])
    writer.open()
    writer.create(ctx["root_pk"], f"one more answer {secrets.token_hex(4)}")
    caught = wait_until(lambda: running_email_tasks() > 0, 30, 0.05)
    time.sleep(1)
    worker.kill()
    left_running = running_email_tasks()
    mailbox.slow = 0.0
    worker.start()
    owed = set(notifications_owed())
    wait_until(lambda: owed <= set(mailbox.notifications()), 60, 0.5)
    time.sleep(2)
    delivered = mailbox.notifications()
    new = {k: n for k, n in delivered.items() if k not in before}
    print(f"  worker killed with SIGKILL while sending (caught mid-send: {caught}); tasks left RUNNING: {left_running}")
    print(f"  after the restart: emails delivered for it: {sum(new.values())} ({len(new)} distinct); "
          f"tasks still RUNNING: {running_email_tasks()}; failed tasks: {failed_tasks()}")
    load.start()
    return caught and left_running == 1 and len(new) == 1 and sum(new.values()) == 1 and running_email_tasks() == 0


# --- Reading the database --------------------------------------------------------------------------


def fresh_connection() -> None:
    """This process's connection may have died with a restarted primary; open a new one."""
    from django.db import connection

    connection.close()


def stored(pks: list[int]) -> int:
    from forum.threads.models import Reply

    fresh_connection()
    return Reply.objects.filter(pk__in=pks).count()


def notifications_owed() -> list[str]:
    from forum.notifications.models import Notification

    fresh_connection()
    return [f"notification {pk}" for pk in Notification.objects.filter(recipient__email_on_reply=True).values_list("pk", flat=True)]


def announcements(root_pk: int) -> tuple[int, int]:
    """(replies to the root reply, notifications of them): each reply must be announced once."""
    from forum.notifications.models import Notification
    from forum.threads.models import Reply

    fresh_connection()
    replies = Reply.objects.filter(parent_id=root_pk).exclude(author__username="alice").count()
    return replies, Notification.objects.filter(reply__parent_id=root_pk).count()


def running_email_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING", task_path__endswith="send_notification_email").count()


def failed_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="FAILED").count()


def settle(ctx) -> None:
    """Wait until the queue is empty: what came before this case is done."""
    from django_tasks_db.models import DBTaskResult

    fresh_connection()
    wait_until(lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(), 300, 0.5)


def check_tree(env) -> str:
    result = subprocess.run([PY, "manage.py", "check_tree"], cwd=ROOT, env=env, capture_output=True, text=True)
    lines = (result.stdout + result.stderr).strip().splitlines()
    last = lines[-1] if lines else "?"
    match = re.search(r"(\d+) violations?", last)
    return f"{match.group(1)} violations" if match else last


# --- Main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="redis,postgres,mail,worker")
    parser.add_argument("--redis-seconds", type=float, default=20)
    parser.add_argument("--mail-seconds", type=float, default=60)
    args = parser.parse_args()
    cases = args.case.split(",")
    OUT.mkdir(exist_ok=True)

    urls = dict(part.split("=", 1) for part in pair("start").split())
    primary = urls["PRIMARY"].rsplit("/", 1)[0] + "/faults"
    replica = urls["REPLICA"].rsplit("/", 1)[0] + "/faults"
    import psycopg

    with psycopg.connect(urls["PRIMARY"], autocommit=True) as admin:
        admin.execute('DROP DATABASE IF EXISTS "faults" WITH (FORCE)')
        admin.execute('CREATE DATABASE "faults"')
    redis = RedisServer()
    redis.start()
    mailbox = Mailbox()
    mailbox.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URL": replica,
        "REDIS_URL": redis.url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_FLOOD_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "TASK_ATTEMPTS": "100",  # a minute of outage is retried through, not given up on
        "TASK_RETRY_BASE_SECONDS": "1",
        "TASK_RETRY_MAX_SECONDS": "5",
        "FORUM_REQUIRE_VERIFIED_EMAIL": "true",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from forum.posting.services import reply_create
    from forum.threads.services import ArticleData, article_upsert

    print(f"$ .venv/bin/python bench/faults.py {' '.join(sys.argv[1:])}".rstrip())
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, git {git}; bench.settings (production), flood limit off; "
          f"PostgreSQL primary + streaming replica (bench/pg-pair.sh), redis-server, aiosmtpd, 2 gunicorn x 2 workers, 1 worker")
    call_command("migrate", verbosity=0)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    from allauth.account.models import EmailAddress

    article = article_upsert(data=ArticleData(title="Faults", slug="faults", body="Under load."))
    people = []
    for name in ["alice", "r0", "w0", "r1", "w1"]:
        user = User.objects.create_user(username=name, email=f"{name}@example.com")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        people.append(user)
    root = reply_create(article=article, author=people[0], body="Answer me, everyone.")
    sessions = []
    for user in people[1:]:
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)

    servers = [Gunicorn(number=n, workers=2, env=env, out=OUT) for n in range(2)]
    worker = Worker(env)
    worker.start()
    load = Load(servers, article.slug, sessions, root.pk)
    ctx = {"env": env, "servers": servers, "slug": article.slug, "sessions": sessions, "root_pk": root.pk,
           "redis": redis, "mailbox": mailbox, "worker": worker, "load": load}
    results = {}
    try:
        for server in servers:
            server.wait_ready()
        load.start()
        for case in cases:
            print(f"\n## {case}")
            if case == "redis":
                results[case] = case_redis(ctx, args.redis_seconds)
            elif case == "postgres":
                results[case] = case_postgres(ctx)
            elif case == "mail":
                results[case] = case_mail(ctx, args.mail_seconds)
            elif case == "worker":
                results[case] = case_worker(ctx)
            print(f"  {case}: {'ok' if results[case] else 'FAILED'}")
    finally:
        load.stop()
        worker.stop()
        for server in servers:
            server.stop()
        mailbox.stop()
        redis.stop()
    log_errors = [
        line for server in servers for line in server.log.read_text(errors="replace").splitlines()
        if (LOGGED_STATUS.search(line) and LOGGED_STATUS.search(line).group(1) != "503") or "CRITICAL" in line
    ]
    print(f"\n5xx other than 503 and CRITICAL lines in the gunicorn logs: {len(log_errors)}")
    for line in log_errors[:10]:
        print(f"  {line}")
    failed = [case for case, ok in results.items() if not ok]
    print("RESULT:", f"FAILED: {', '.join(failed)}" if failed else f"ok: {', '.join(results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
