"""One URL through the WSGI handler in this process: its queries, its Redis commands, its mean
time, Python function calls per request, and a cProfile. No server, no network: what a request
costs the app itself. Not a test: it prints figures.

    DATABASE_URL=postgres://root@127.0.0.1:5432/benchhttpperf2 SECRET_KEY=x ALLOWED_HOSTS=127.0.0.1 \\
    SECURE_SSL_REDIRECT=false REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/request_profile.py /articles/bench-1k/ [SESSION_KEY]

bench.settings (the production settings), as bench/http.sh runs them; without REDIS_URL the
local-memory cache. SESSION_KEY: `bench/seed_http.py --session` prints one (signed in as the
bench reader). Environment: N requests timed and profiled (300), LINES of the profile (40),
SORT its order (cumulative; tottime).
"""

import cProfile
import io
import logging
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

import redis.connection  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402

app = WSGIHandler()
path, session = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
N = int(os.environ.get("N", "300"))


def environ() -> dict:
    env = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "SERVER_PROTOCOL": "HTTP/1.1",
    }
    if session:
        env["HTTP_COOKIE"] = f"sessionid={session}"
    return env


def one() -> tuple:
    status = []
    body = b"".join(app(environ(), lambda s, h, *a: status.append((s, h))))
    return status[0], body


logging.disable(logging.INFO)  # the request log line, once per request
for _ in range(20):  # templates compiled, statements prepared, the page cached
    (status, headers), body = one()
print(f"{path}: {status}, {len(body)} bytes, {'signed in' if session else 'signed out'}")
queries, commands = [], []
sent = redis.connection.AbstractConnection.send_command


def count_command(self, *args, **kwargs):
    commands.append(args[0] if args else "?")
    return sent(self, *args, **kwargs)


redis.connection.AbstractConnection.send_command = count_command


def count_query(execute, sql, params, many, context):
    queries.append(sql[:120])
    return execute(sql, params, many, context)


with connection.execute_wrapper(count_query):
    one()
print(f"queries: {len(queries)} (besides the connection's health check)")
for sql in queries:
    print("   ", sql)
print(f"redis commands: {commands}")
started = time.perf_counter()
for _ in range(N):
    one()
print(f"mean {1000 * (time.perf_counter() - started) / N:.3f} ms over {N} requests")
profile = cProfile.Profile()
profile.enable()
for _ in range(N):
    one()
profile.disable()
out = io.StringIO()
stats = pstats.Stats(profile, stream=out)
print(f"function calls per request: {stats.total_calls / N:.0f}")
stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("LINES", "40")))
print(out.getvalue())
