#!/usr/bin/env bash
# Installs the Prism mock server (npm @stoplight/prism-cli, pinned below) into a cache outside the
# checkout, on first use, and prints the path of its command. Idempotent: an install whose stamp
# matches this script is reused.
#   LETTA_TOOLS_HOME  cache root (default ~/.cache/letta-codegen/tools)
# 5.14.2 is the last release that runs on Node 20 (5.16 needs Node 24).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="5.14.2"
root="${LETTA_TOOLS_HOME:-${HOME:-/tmp}/.cache/letta-codegen/tools}"
dest="$root/prism-$version"
stamp_want="$(sha256sum "$here/prism.sh" | cut -c1-16)"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp_want" ] && [ -x "$dest/node_modules/.bin/prism" ]; then
  echo "$dest/node_modules/.bin/prism"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to install @stoplight/prism-cli@$version" >&2; exit 1; }
mkdir -p "$root"
rm -rf "$dest"
mkdir -p "$dest"
(cd "$dest" && npm install --silent --no-audit --no-fund --no-save "@stoplight/prism-cli@$version" >&2)
"$dest/node_modules/.bin/prism" --version >/dev/null
echo "$stamp_want" >"$dest/.stamp"
echo "installed prism $version in $dest" >&2
echo "$dest/node_modules/.bin/prism"
