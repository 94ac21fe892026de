#!/usr/bin/env bash
# Requests/s and p50/p99 latency of three pages under gunicorn, loaded by wrk over loopback.
# Not a test: it prints figures, and the command that made them.
#
#   bench/http.sh                      # after `make install`; needs wrk (apt-get install wrk)
#   DURATION=15 CONNECTIONS=4 bench/http.sh
#
# The server is what `make serve` runs (production settings, gunicorn, --no-control-socket) with
# 2 workers, on PostgreSQL (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/bench5http),
# under bench.settings: the production settings plus /bench/trivial/, a view that returns "ok"
# through the same middleware, the ceiling the pages are compared with. The database gets
# migrate + load_seeds + a 10,000-reply thread (bench/seed_http.py), each only once.
# Every URL is loaded for DURATION seconds (default 12) by wrk with CONNECTIONS connections
# (default 4, two per worker). Target: the seed page reaches >= 50% of the trivial view's req/s.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${BENCH_DATABASE_URL:-postgres://root@127.0.0.1:5432/bench5http}
DURATION=${DURATION:-12}
CONNECTIONS=${CONNECTIONS:-4}
WORKERS=${WORKERS:-2}
PY=.venv/bin/python
OUT=bench/out
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "bench/http.sh needs wrk: apt-get install -y wrk" >&2; exit 1; }
[ -x "$PY" ] || { echo "bench/http.sh needs the virtualenv: make install" >&2; exit 1; }
case "$DURATION$CONNECTIONS$WORKERS" in *[!0-9]*) echo "DURATION, CONNECTIONS and WORKERS are whole numbers" >&2; exit 1;; esac
[ "$DURATION" -le 60 ] || { echo "DURATION is at most 60 seconds per URL" >&2; exit 1; }

# A free loopback port, unless PORT says which.
PORT=${PORT:-$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
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

LOG="$OUT/http-gunicorn.log"
# As `make serve` starts it, with the benchmark's worker count.
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --no-control-socket >"$LOG" 2>&1 &
SERVER=$!
stop() { kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT

for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { echo "gunicorn exited; see $LOG" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "$BASE/healthz" || { echo "gunicorn did not answer on $BASE; see $LOG" >&2; exit 1; }

declare -A URLS=(
  [trivial]="/bench/trivial/"
  [seed]="/articles/$SEED_SLUG/"
  [10k]="/articles/bench-10k/"
)
ORDER=(trivial seed 10k)

for name in "${ORDER[@]}"; do
  url="$BASE${URLS[$name]}"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  [ "$status" = 200 ] || { echo "$url answered $status, not 200; see $LOG" >&2; exit 1; }
  # Each worker compiles and caches the templates on its first requests: warm both.
  for _ in $(seq 1 10); do curl -s -o /dev/null "$url"; done
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$url" >"$OUT/http-$name.txt"
done

stop
trap - EXIT
ERRORS=$(grep -cE ' ERROR |\[ERROR\]|\[CRITICAL\]|Traceback' "$LOG" || true)

echo
echo "\$ DURATION=$DURATION CONNECTIONS=$CONNECTIONS WORKERS=$WORKERS BENCH_DATABASE_URL=$DATABASE_URL bench/http.sh"
echo "# $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), PostgreSQL $(psql "$DATABASE_URL" -Atc 'show server_version' | cut -d' ' -f1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), git $(git rev-parse --short HEAD); load average $LOAD before the run"
echo "# gunicorn $WORKERS sync workers, bench.settings (production + /bench/trivial/), wrk -t2 -c$CONNECTIONS -d${DURATION}s, wrk and server on the same 2 cores"
$PY - "$OUT" "$SEED_REPLIES" "$ERRORS" "${ORDER[@]}" <<'EOF'
import re
import sys

out, seed_replies, errors, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
labels = {"trivial": "trivial view (ceiling)", "seed": f"seed article, {seed_replies} replies", "10k": "10k-reply thread, page 1"}
rps = {}
print(f"{'page':<30} {'req/s':>8} {'p50':>9} {'p99':>9} {'requests':>9} {'non-2xx':>8} {'socket errors':>13}")
for name in names:
    text = open(f"{out}/http-{name}.txt").read()
    rps[name] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)
    total = re.search(r"(\d+) requests in", text).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: (.*)", text)
    print(f"{labels[name]:<30} {rps[name]:>8.1f} {p50:>9} {p99:>9} {total:>9} {non2xx.group(1) if non2xx else 0:>8} "
          f"{sockets.group(1) if sockets else 'none':>13}")
ratio = rps["seed"] / rps["trivial"]
verdict = "met" if ratio >= 0.5 else f"MISSED: {0.5 / ratio:.1f}x short of 50%"
print(f"seed / trivial req/s: {ratio:.1%} (target >= 50%: {verdict})")
print(f"10k page 1 / trivial req/s: {rps['10k'] / rps['trivial']:.1%}")
print(f"server errors in the gunicorn log: {errors}")
EOF
