#!/usr/bin/env bash
# Installs valgrind (pinned below: the Debian package, for cachegrind's instruction counts) into a
# cache outside the checkout, on first use, and prints the path of a launcher that runs it from
# there. Idempotent: an install whose stamp matches this script is reused. Needs the Debian
# package registry (apt-get download; no root, nothing installed system-wide).
#   LETTA_TOOLS_HOME  cache root (default ~/.cache/letta-codegen/tools)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="1:3.19.0-1"
root="${LETTA_TOOLS_HOME:-${HOME:-/tmp}/.cache/letta-codegen/tools}"
dest="$root/valgrind-${version#*:}"
stamp_want="$(sha256sum "$here/valgrind.sh" | cut -c1-16)"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp_want" ] && [ -x "$dest/valgrind" ]; then
  echo "$dest/valgrind"
  exit 0
fi
mkdir -p "$root"
rm -rf "$dest"
work="$(mktemp -d "$root/.valgrind.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "valgrind=$version" >&2)
mkdir -p "$dest"
dpkg-deb -x "$work"/valgrind_*.deb "$dest/package"
# Debian's `valgrind` is a wrapper around `valgrind.bin`; run the binary with its tools beside it.
cat >"$dest/valgrind" <<LAUNCH
#!/bin/sh
VALGRIND_LIB="$dest/package/usr/libexec/valgrind" exec "$dest/package/usr/bin/valgrind.bin" "\$@"
LAUNCH
chmod +x "$dest/valgrind"
"$dest/valgrind" --version >&2
echo "$stamp_want" >"$dest/.stamp"
echo "installed valgrind $version in $dest" >&2
echo "$dest/valgrind"
