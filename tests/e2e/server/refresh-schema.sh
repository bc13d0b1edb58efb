#!/usr/bin/env bash
# Rewrites schema/ from the spec the real server serves at /openapi.json (the conversation
# operations and the schemas they reach), then regenerates generated/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
"$here/install.sh"
trap '"$here/stop.sh"' EXIT
"$here/start.sh"
spec="$(mktemp)"
curl -sf "http://127.0.0.1:${LETTA_PORT:-8283}/openapi.json" -o "$spec"
cargo xtask schema --from "$spec"
cargo xtask codegen
rm -f "$spec"
