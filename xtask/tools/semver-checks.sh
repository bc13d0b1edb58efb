#!/usr/bin/env bash
# Installs cargo-semver-checks (pinned below) from the Rust package registry into a cache outside
# the checkout, on first use, and prints the path of its binary. Idempotent: a build whose stamp
# matches this script is reused.
#   LETTA_TOOLS_HOME  cache root (default ~/.cache/letta-codegen/tools)
# 0.51 reads the rustdoc JSON of this toolchain (rustc 1.95); `--locked` builds it with the
# dependency versions it was released with.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="0.51.0"
root="${LETTA_TOOLS_HOME:-${HOME:-/tmp}/.cache/letta-codegen/tools}"
dest="$root/cargo-semver-checks-$version"
stamp_want="$(sha256sum "$here/semver-checks.sh" | cut -c1-16)"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp_want" ] && [ -x "$dest/bin/cargo-semver-checks" ]; then
  echo "$dest/bin/cargo-semver-checks"
  exit 0
fi
mkdir -p "$root"
rm -rf "$dest"
# Its own target directory, removed afterwards: only the binary is kept.
build="$(mktemp -d "$root/.build.XXXXXX")"
trap 'rm -rf "$build"' EXIT
CARGO_TARGET_DIR="$build" cargo install --quiet --locked --version "$version" --root "$dest" cargo-semver-checks >&2
echo "$stamp_want" >"$dest/.stamp"
echo "installed cargo-semver-checks $version in $dest" >&2
echo "$dest/bin/cargo-semver-checks"
