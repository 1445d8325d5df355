#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server over SQLite) for the MongoDB store tests, into
# e2e/peers/ferretdb/bin/ferretdb. Skips when that binary is already this version.
#
# Why not `go install …/cmd/ferretdb@v1.24.2`: the module download lacks the generated
# build/version/version.txt, and such a binary panics at start ("Invalid build/version/version.txt
# file content"). So: take the module source from the Go module proxy, write version.txt, build.
set -euo pipefail
VERSION=v1.24.2
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/bin/ferretdb"

# The version is read whole by sed, never piped into `head` or `grep -q`: under pipefail a reader
# that stops early kills ferretdb with SIGPIPE and the pipeline fails with 141 (a CI run died so).
built_version() { "$OUT" --version 2>/dev/null | sed -n '1p' || true; }
if [ -x "$OUT" ] && [ "$(built_version)" = "version: $VERSION" ]; then
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "build.sh: Go is needed to build FerretDB $VERSION" >&2; exit 1; }

# The module cache is read-only: build from a writable copy, outside any git work tree so the Go
# toolchain stamps no VCS data of ours into the binary.
module_dir="$(cd /tmp && go mod download -json "github.com/FerretDB/FerretDB@$VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -d "$module_dir" ] || { echo "build.sh: go mod download gave no source directory" >&2; exit 1; }
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" && rm -rf "$work"' EXIT
cp -R "$module_dir" "$work/src"
chmod -R u+w "$work/src"
echo "$VERSION" > "$work/src/build/version/version.txt"

mkdir -p "$HERE/bin"
(cd "$work/src" && GOFLAGS=-buildvcs=false go build -trimpath -o "$OUT.tmp" ./cmd/ferretdb)
mv "$OUT.tmp" "$OUT"
built_version
