#!/usr/bin/env bash
# Requests/s and p50/p99 latency of the forum's pages under gunicorn, loaded by wrk over loopback.
# Not a test: it prints figures, and the command that made them.
#
#   bench/http.sh                      # after `make install`; needs wrk (apt-get install wrk)
#                                      # and redis-server (apt-get install redis-server)
#   DURATION=15 CONNECTIONS=4 bench/http.sh
#
# The server is what `make serve` runs (production settings, gunicorn, --no-control-socket) with
# 2 workers, on PostgreSQL (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/bench5http),
# under bench.settings: the production settings plus /bench/trivial/, a view that returns "ok"
# through the same middleware, the ceiling the pages are compared with. The database gets
# migrate + load_seeds + a 1,000- and a 10,000-reply thread (bench/seed_http.py), each only once.
# In one run the server is started twice: with Redis as the cache (REDIS_URL, a redis-server of
# the run's own, as docs/deploy.md deploys it) and with the local-memory cache. Each time, the
# trivial view, the seed article and the 1,000-reply thread are loaded signed out and signed in
# (a session of bench-reader, who has no replies there), each URL for DURATION seconds (default
# 10) by wrk with CONNECTIONS connections (default 4, two per worker). Compare only ratios
# within one run: other work on the machine moves every figure, the ceiling's too.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${BENCH_DATABASE_URL:-postgres://root@127.0.0.1:5432/bench5http}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-4}
WORKERS=${WORKERS:-2}
PY=.venv/bin/python
OUT=bench/out
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "bench/http.sh needs wrk: apt-get install -y wrk" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "bench/http.sh needs redis-server: apt-get install -y redis-server" >&2; exit 1; }
[ -x "$PY" ] || { echo "bench/http.sh needs the virtualenv: make install" >&2; exit 1; }
case "$DURATION$CONNECTIONS$WORKERS" in *[!0-9]*) echo "DURATION, CONNECTIONS and WORKERS are whole numbers" >&2; exit 1;; esac
[ "$DURATION" -le 60 ] || { echo "DURATION is at most 60 seconds per URL" >&2; exit 1; }

# Free loopback ports, unless PORT says which.
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${PORT:-$(free_port)}
REDIS_PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

export DATABASE_URL DJANGO_SETTINGS_MODULE=bench.settings
export SECRET_KEY=${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false

echo "# preparing $DATABASE_URL"
# The machine may be shared: a busy one inflates every figure, the ceiling's as well.
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
$PY manage.py collectstatic --noinput -v 0
$PY manage.py migrate --noinput -v 0
$PY manage.py load_seeds
$PY bench/seed_http.py
# The seed article with the discussion (the op-ed's 54 comments), by its replies rather than by name.
SEED_SLUG=$(psql "$DATABASE_URL" -Atc "select a.slug from forum_article a join forum_reply r on r.article_id = a.id where a.slug not like 'bench-%' group by a.slug order by count(*) desc limit 1")
SEED_REPLIES=$(psql "$DATABASE_URL" -Atc "select count(*) from forum_reply r join forum_article a on a.id = r.article_id where a.slug = '$SEED_SLUG'")
SESSION=$($PY bench/seed_http.py --session)

SERVER=""
REDIS=""
stop_server() { if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; fi; SERVER=""; }
stop() { stop_server; if [ -n "$REDIS" ]; then kill -TERM "$REDIS" 2>/dev/null && wait "$REDIS" 2>/dev/null || true; fi; REDIS=""; }
trap stop EXIT
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$OUT/http-redis.log" 2>&1 &
REDIS=$!

declare -A URLS=(
  [trivial]="/bench/trivial/"
  [seed]="/articles/$SEED_SLUG/"
  [1k]="/articles/bench-1k/"
)
PAGES=(trivial seed 1k)
ERRORS=0

for cache in redis locmem; do
  LOG="$OUT/http-gunicorn-$cache.log"
  # As `make serve` starts it, with the benchmark's worker count; without REDIS_URL: local memory.
  if [ "$cache" = redis ]; then
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" \
      --workers "$WORKERS" --no-control-socket >"$LOG" 2>&1 &
  else
    env -u REDIS_URL .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
      --no-control-socket >"$LOG" 2>&1 &
  fi
  SERVER=$!
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { echo "gunicorn exited; see $LOG" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS -o /dev/null "$BASE/healthz" || { echo "gunicorn did not answer on $BASE; see $LOG" >&2; exit 1; }
  for name in "${PAGES[@]}"; do
    for who in out in; do
      url="$BASE${URLS[$name]}"
      cookie=()
      [ "$who" = in ] && cookie=(-H "Cookie: sessionid=$SESSION")
      page="$OUT/http-$cache-$name-$who.html"
      status=$(curl -s -o "$page" -w '%{http_code}' "${cookie[@]}" "$url")
      [ "$status" = 200 ] || { echo "$url answered $status, not 200; see $LOG" >&2; exit 1; }
      if [ "$who" = in ] && [ "$name" != trivial ]; then
        grep -q 'class="signed-in-as"' "$page" || { echo "$url: the session is not signed in" >&2; exit 1; }
      fi
      # Each worker compiles and caches the templates on its first requests: warm both.
      for _ in $(seq 1 10); do curl -s -o /dev/null "${cookie[@]}" "$url"; done
      wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "${cookie[@]}" "$url" >"$OUT/http-$cache-$name-$who.txt"
    done
  done
  stop_server
  ERRORS=$((ERRORS + $(grep -cE ' ERROR |\[ERROR\]|\[CRITICAL\]|Traceback' "$LOG" || true)))
done

stop
trap - EXIT
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "\$ DURATION=$DURATION CONNECTIONS=$CONNECTIONS WORKERS=$WORKERS BENCH_DATABASE_URL=$DATABASE_URL bench/http.sh"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), PostgreSQL $(psql "$DATABASE_URL" -Atc 'show server_version' | cut -d' ' -f1), $(redis-server --version | cut -d' ' -f1-3), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), git $(git rev-parse --short HEAD)"
echo "# load average $LOAD before the run, $LOAD_AFTER after it"
echo "# gunicorn $WORKERS sync workers, bench.settings (production + /bench/trivial/), wrk -t2 -c$CONNECTIONS -d${DURATION}s, wrk and server on the same $(nproc) cores"
$PY - "$OUT" "$SEED_REPLIES" "$ERRORS" <<'EOF'
import re
import sys

out, seed_replies, errors = sys.argv[1], sys.argv[2], int(sys.argv[3])
labels = {"trivial": "trivial view", "seed": f"seed article, {seed_replies} replies", "1k": "1,000-reply thread, page 1"}
targets = {("seed", "in"): 0.30, ("1k", "in"): 0.15}
rps = {}
print(f"{'cache':<7} {'page':<28} {'reader':<11} {'req/s':>8} {'% trivial':>9} {'p50':>9} {'p99':>9} {'requests':>9} {'non-2xx':>8} {'socket errors':>13}")
for cache in ("redis", "locmem"):
    for name in labels:
        for who in ("out", "in"):
            text = open(f"{out}/http-{cache}-{name}-{who}.txt").read()
            rps[cache, name, who] = value = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
            p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)
            p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)
            total = re.search(r"(\d+) requests in", text).group(1)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
            sockets = re.search(r"Socket errors: (.*)", text)
            share = value / rps[cache, "trivial", "out"]
            print(f"{cache:<7} {labels[name]:<28} {'signed ' + who:<11} {value:>8.1f} {share:>9.1%} {p50:>9} {p99:>9} "
                  f"{total:>9} {non2xx.group(1) if non2xx else 0:>8} {sockets.group(1) if sockets else 'none':>13}")
print("(% trivial: of the same cache's trivial view, signed out)")
for (name, who), target in targets.items():
    share = rps["redis", name, who] / rps["redis", "trivial", "out"]
    verdict = "met" if share >= target else f"MISSED by {target / share:.1f}x"
    print(f"Redis, {labels[name]}, signed {who}: {share:.1%} of the trivial view (target >= {target:.0%}: {verdict})")
for name in ("seed", "1k"):
    ratio = rps["redis", name, "out"] / rps["locmem", name, "out"]
    verdict = "met" if ratio >= 0.9 else "MISSED"
    print(f"{labels[name]}, signed out: Redis at {ratio:.1%} of local memory (target >= 90%: {verdict})")
print(f"server errors in the gunicorn logs: {errors}")
EOF
