#!/usr/bin/env bash
# PostgreSQL stops under load and comes back; the app must answer with its
# own 503/500 pages meanwhile (never a traceback), recover without a gunicorn restart
# (CONN_HEALTH_CHECKS), and leave no half-written row. Writes bench/results/faults.json.
#
#   bash bench/fault_pg_restart.sh          (~2 minutes; stops PostgreSQL for ~10 s!)
#
# Uses a database of its own (jetu_fault, dropped at the end; JETU_FAULT_KEEP=1 keeps it) and
# gunicorn as in production (2 workers, gthread, production settings via benchsite.settings).
# PostgreSQL is started again on exit whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
CLUSTER=$(ls /etc/postgresql | head -n 1)
PG_CTL=(pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main)
DB=jetu_fault
WORK=$(mktemp -d /tmp/jetu-fault.XXXXXX)
PREFIX="jetu-fault-$$"

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  "${PG_CTL[@]}" start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

export PYTHONPATH="$ROOT/bench:$ROOT"
export DJANGO_SETTINGS_MODULE=benchsite.settings
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export JETU_BENCH_STATIC_ROOT="$WORK/static" JETU_BENCH_CACHE_PREFIX="$PREFIX"
export DJANGO_EMAIL_FILE_PATH="$WORK/mail" DJANGO_LOG_LEVEL=WARNING
export CONSENT_LOG_SIGNING_KEY_FILE="$WORK/consent-log-key.pem"
# JETU_FAULT_CACHE=database runs without Redis (the database cache); results then go to
# bench/results/faults-no-redis.json instead of faults.json.
unset REDIS_URL
if [ "${JETU_FAULT_CACHE:-redis}" = redis ] && redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG \
   && "$PY" -c 'import redis' 2>/dev/null; then
  export REDIS_URL=redis://127.0.0.1:6379/9
fi
RESULT=bench/results/$([ -n "${REDIS_URL:-}" ] && echo faults.json || echo faults-no-redis.json)

cleanup() {
  local rc=$?
  set +e
  # Always bring PostgreSQL back, whatever happened.
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "Starting PostgreSQL again."
    "${PG_CTL[@]}" start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  [ -f "$WORK/gunicorn.pid" ] && kill "$(cat "$WORK/gunicorn.pid")" 2>/dev/null
  sleep 1
  if [ "${JETU_FAULT_KEEP:-0}" = 1 ]; then
    echo "Kept: database $DB, $WORK"
  else
    dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB"
    [ -n "${REDIS_URL:-}" ] && redis-cli -h 127.0.0.1 -n 9 --scan --pattern "$PREFIX:*" \
      | xargs -r -n 500 redis-cli -h 127.0.0.1 -n 9 del >/dev/null
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "=== Database $DB"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
"$PY" manage.py consent_log_keygen "$CONSENT_LOG_SIGNING_KEY_FILE" >/dev/null
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py createcachetable
"$PY" manage.py load_initial_data >/dev/null
"$PY" manage.py collectstatic --noinput -v 0

echo "=== gunicorn (2 workers, gthread), production settings"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ROOT/.venv/bin/gunicorn" jetu_cms.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
  --worker-class gthread --threads 4 --timeout 30 \
  --pid "$WORK/gunicorn.pid" --error-logfile "$WORK/gunicorn.log" 2>>"$WORK/gunicorn.log" &
for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.5; done
MASTER=$(cat "$WORK/gunicorn.pid")
WORKERS_BEFORE=$(cat "/proc/$MASTER/task/$MASTER/children")

echo "=== Load, PostgreSQL stop (~10 s), start, recovery"
set +e
JF_PORT=$PORT JF_CLUSTER=$CLUSTER "$PY" bench/fault_pg_restart.py
rc=$?
set -e
WORKERS_AFTER=$(cat "/proc/$MASTER/task/$MASTER/children")
echo "gunicorn master $MASTER: workers before $WORKERS_BEFORE, after $WORKERS_AFTER" \
  "($([ "$WORKERS_BEFORE" = "$WORKERS_AFTER" ] && echo 'same processes: no worker died or was restarted' || echo 'CHANGED'))"
echo "gunicorn log: $(grep -c 'Database unavailable' "$WORK/gunicorn.log") 'Database unavailable' lines," \
  "$(grep -c 'Traceback' "$WORK/gunicorn.log") tracebacks, $(grep -c 'WORKER TIMEOUT' "$WORK/gunicorn.log") worker timeouts"
"$PY" - "$WORKERS_BEFORE" "$WORKERS_AFTER" "$WORK/gunicorn.log" "$RESULT" <<'EOF'
import json, sys
from pathlib import Path
path = Path(sys.argv[4])
data = json.loads(path.read_text())
log = Path(sys.argv[3]).read_text()
data["gunicorn"] = {
    "workers_before": sys.argv[1].split(),
    "workers_after": sys.argv[2].split(),
    "same_workers": sys.argv[1] == sys.argv[2],
    "log_database_unavailable_lines": log.count("Database unavailable"),
    "log_tracebacks": log.count("Traceback"),
    "log_worker_timeouts": log.count("WORKER TIMEOUT"),
}
data["checks"]["gunicorn_not_restarted"] = data["gunicorn"]["same_workers"]
data["pass"] = all(data["checks"].values())
path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
print(path.name + ":", "PASS" if data["pass"] else "FAIL")
EOF
exit "$rc"
