#!/usr/bin/env bash
# `make bench`: every benchmark side by side in one run, on loopback only.
#
#   1. a fresh PostgreSQL database jetu_bench: migrate, initial content, demo v2, v3…v10
#   2. collectstatic (into a temp dir), the policy page's HTML as a static file, bare pages
#   3. gunicorn ×2 (2 workers each, production settings + bench switches): app page cache
#      off (JETU_PAGE_CACHE=0) and on; nginx (config generated from deploy/nginx.conf)
#   4. wrk: policy page uncached / app-cached / nginx vs. static file (WhiteNoise, nginx) vs.
#      bare Wagtail page; compare v1↔v2                                  → results/http.json
#   5. publication of v11 (material) refreshes nginx's cache via PURGE   → results/purge.json
#   6. 100,000 customers, 1,000,000 acceptances; consent history, per-version counts
#                                                                        → results/ledger.json
#   7. CSV export of the whole ledger over HTTP (and with a sync worker) → results/export*.json
#   8. 250 concurrent acceptance POSTs, the ledger vs. the same POST with a plain insert (a
#      third gunicorn, JETU_BENCH_PLAIN_ACCEPTANCE=1), ×5 rounds; verify_consent_ledger
#                                                                  → results/concurrency.json
#   9. the transparency log: seal everything, proofs, verify       → results/merkle.json
#  10. the table, with PASS/FAIL per goal                              → results/summary.json
#
# JETU_BENCH_STEPS="concurrency merkle" (any of: http purge ledger export concurrency diff
# merkle) runs only those steps, after the database, servers and data they need.
#
# Needs PostgreSQL on 127.0.0.1:5432 (started with pg_ctlcluster if it is down); uses Redis
# on 127.0.0.1:6379 (db 9, keys prefixed per run) when it answers. Installs wrk and nginx from
# Debian if missing, nothing else. Everything it starts is stopped on exit, jetu_bench is
# dropped (JETU_BENCH_KEEP=1 keeps the database and the temp dir for a look). ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
GUNICORN=$ROOT/.venv/bin/gunicorn
START=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$*" "$(($(date +%s) - START))"; }
STEPS=${JETU_BENCH_STEPS:-http purge ledger export concurrency diff merkle}
want() { local s; for s in "$@"; do [[ " $STEPS " == *" $s "* ]] && return 0; done; return 1; }

step "Tools"
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL is not answering; starting it."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

DB=${JETU_BENCH_DB:-jetu_bench}  # another name lets two benches share the server
WORK=$(mktemp -d /tmp/jetu-bench.XXXXXX)
chmod 755 "$WORK"  # nginx's workers (nobody) read the static files and the cache from here
mkdir -p "$WORK/static" "$WORK/nginx/temp" "$WORK/mail"
PREFIX="jetu-bench-$$"
PIDFILES=()

export PYTHONPATH="$ROOT/bench:$ROOT"
export DJANGO_SETTINGS_MODULE=benchsite.settings
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export JETU_BENCH_STATIC_ROOT="$WORK/static" JETU_BENCH_CACHE_PREFIX="$PREFIX"
export DJANGO_EMAIL_FILE_PATH="$WORK/mail" DJANGO_LOG_LEVEL=WARNING
# The consent log's signing key (production settings refuse to start without one).
"$PY" manage.py consent_log_keygen "$WORK/consent-log-key.pem" >/dev/null
export CONSENT_LOG_SIGNING_KEY_FILE="$WORK/consent-log-key.pem"
if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && "$PY" -c 'import redis' 2>/dev/null; then
  export REDIS_URL=redis://127.0.0.1:6379/9
  echo "Cache: Redis db 9, key prefix $PREFIX"
else
  unset REDIS_URL
  echo "Cache: in-process (no Redis, or no redis package) — the PURGE check is skipped."
fi

cleanup() {
  local rc=$?
  set +e
  [ -f "$WORK/nginx/nginx.pid" ] && "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -s stop 2>/dev/null
  for pidfile in "${PIDFILES[@]}"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 1
  if [ "${JETU_BENCH_KEEP:-0}" = 1 ]; then
    echo "Kept: database $DB, $WORK"
  else
    dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB" 2>/dev/null
    if [ -n "${REDIS_URL:-}" ]; then
      redis-cli -h 127.0.0.1 -n 9 --scan --pattern "$PREFIX:*" | xargs -r -n 500 redis-cli -h 127.0.0.1 -n 9 del >/dev/null
    fi
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() {  # port path — bounded: 60 s
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null -H 'Host: localhost' "http://127.0.0.1:$1$2" && return 0
    sleep 0.5
  done
  echo "Nothing answers on port $1"; return 1
}

start_gunicorn() {  # name port [env assignments…] — gthread: see deploy/README.md
  local name=$1 port=$2; shift 2
  env "$@" "$GUNICORN" jetu_cms.wsgi --bind "127.0.0.1:$port" --workers 2 \
    --worker-class gthread --threads 4 --timeout 30 \
    --pid "$WORK/$name.pid" --error-logfile "$WORK/$name.log" 2>>"$WORK/$name.log" &
  PIDFILES+=("$WORK/$name.pid")
  wait_http "$port" /healthz
}

step "Database $DB: migrate, initial content, versions 1–10"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
"$PY" manage.py migrate --noinput -v 0
if "$PY" manage.py load_initial_data --help | grep -q -- --demo-amendment; then
  "$PY" manage.py load_initial_data --demo-amendment
else
  "$PY" manage.py load_initial_data
  "$PY" bench/content.py demo
fi
"$PY" bench/content.py versions 10

step "Static files, the policy page as a static file, bare Wagtail pages"
"$PY" manage.py collectstatic --noinput -v 0
JETU_PAGE_CACHE=0 "$PY" bench/content.py snapshot "$WORK/static/bench/policy.html"
chmod -R a+rX "$WORK/static"

step "Servers"
PORT_U=$(free_port); PORT_C=$(free_port); PORT_N=$(free_port); PORT_P=$(free_port)
PORT_A=$(free_port)
start_gunicorn uncached "$PORT_U" JETU_PAGE_CACHE=0
start_gunicorn cached "$PORT_C"
# The acceptance baseline: the same app with the ledger write replaced by a plain insert.
start_gunicorn plain "$PORT_A" JETU_BENCH_PLAIN_ACCEPTANCE=1
"$PY" bench/nginx_conf.py "$WORK/nginx" "$PORT_N" "$PORT_P" "$PORT_C" "$WORK/static" > "$WORK/nginx/nginx.conf"
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
PIDFILES+=("$WORK/nginx/nginx.pid")
wait_http "$PORT_N" /healthz
# Front-cache purges after a publication are Wagtail tasks: a worker runs them, as in production.
"$PY" manage.py db_worker --no-reload -v 0 > "$WORK/worker.log" 2>&1 &
echo $! > "$WORK/worker.pid"
PIDFILES+=("$WORK/worker.pid")
echo "gunicorn uncached :$PORT_U, cached :$PORT_C, plain-insert :$PORT_A; nginx :$PORT_N (PURGE :$PORT_P); a task worker"
export JB_UNCACHED=$PORT_U JB_CACHED=$PORT_C JB_NGINX=$PORT_N JB_PURGE=$PORT_P JB_PLAIN=$PORT_A
export JB_CACHED_PID="$WORK/cached.pid" JB_PLAIN_PID="$WORK/plain.pid"
export JB_PIDFILES="$WORK/uncached.pid:$WORK/cached.pid:$WORK/nginx/nginx.pid"
if [ -z "${JETU_BENCH_STEPS:-}" ]; then
  rm -f bench/results/{http,purge,ledger,ledger-generate,export,export_sync,concurrency,verify,summary}.json
fi

if want http; then
step "HTTP: policy page, static file, bare Wagtail page, compare v1↔v2 (wrk)"
"$PY" bench/http_bench.py
fi

step "Publication of v11 refreshes nginx's cache (PURGE)"
if [ -n "${REDIS_URL:-}" ] && want purge; then
  "$PY" bench/purge_check.py 11 || echo "PURGE check failed (see results/purge.json)"
else
  "$PY" bench/content.py versions 11 material
fi

if want ledger export concurrency merkle; then
step "Ledger: 100,000 customers, 1,000,000 acceptances"
"$PY" bench/ledger.py generate
want ledger && "$PY" bench/ledger.py measure
fi

if want export; then
step "CSV export of the whole ledger over HTTP"
"$PY" bench/export_http.py export "$PORT_C" "$WORK/cached.pid"
# The same export from a sync worker (README's gunicorn command) with a short timeout:
# shows why production needs gthread workers (deploy/README.md).
PORT_S=$(free_port)
"$GUNICORN" jetu_cms.wsgi --bind "127.0.0.1:$PORT_S" --workers 1 --timeout 10 \
  --pid "$WORK/sync.pid" --error-logfile "$WORK/sync.log" 2>>"$WORK/sync.log" &
PIDFILES+=("$WORK/sync.pid")
wait_http "$PORT_S" /healthz
"$PY" bench/export_http.py export_sync "$PORT_S" "$WORK/sync.pid"
kill "$(cat "$WORK/sync.pid")"
fi

if want concurrency; then
step "250 concurrent acceptance POSTs: the ledger vs. a plain insert (×5 rounds), then verify_consent_ledger"
"$PY" bench/concurrency.py || echo "Concurrency check failed (see results/concurrency.json)"
rows=$(psql -h 127.0.0.1 -U postgres -tAc 'SELECT count(*) FROM shop_acceptance' "$DB")
t0=$(date +%s%N)
set +e
"$PY" manage.py verify_consent_ledger
rc=$?
set -e
"$PY" bench/report.py verify "$rc" "$((($(date +%s%N) - t0) / 1000000))" "$rows"
fi

if want diff; then
step "diff_versions (bench/bench_diff.py)"
"$PY" bench/bench_diff.py --runs 30
fi

if want merkle; then
step "Transparency log: seal every acceptance, proofs at 1,000,000 leaves, verify all (bench/bench_merkle.py)"
"$PY" bench/bench_merkle.py
fi

step "Results"
"$PY" bench/report.py
echo
echo "Written: bench/results/{http,purge,ledger,ledger-generate,export,export_sync,concurrency,verify,summary,diff}.json"
echo "Total: $(($(date +%s) - START)) s"
