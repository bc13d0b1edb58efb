#!/usr/bin/env bash
# The end-to-end suite: installs the Letta server into a cached venv if missing, starts it
# with its database, Redis and a fake LLM on 127.0.0.1, runs the suite, and stops everything
# it started, also when a test fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
"$here/server/install.sh"
# Build first, so the server does not sit idle while the suite compiles.
cargo test -p workspace-tests --features e2e --test e2e --no-run --quiet
trap '"$here/server/stop.sh"' EXIT
"$here/server/start.sh"
LETTA_E2E_URL="http://127.0.0.1:${LETTA_PORT:-8283}" \
  cargo test -p workspace-tests --features e2e --test e2e -- --nocapture
