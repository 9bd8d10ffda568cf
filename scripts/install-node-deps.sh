#!/usr/bin/env bash
# The independent implementations some tests run beside our tools (tests/node/package.json:
# s3rver, AWS's S3 client, the aws4 signer, DuckDB, hyparquet): Node.js and npm from Debian when
# the machine has no node, then `npm ci` from the lock file (nothing is done when node_modules
# already matches it). Called by scripts/quickstart.sh test, so CI and a fresh machine get them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null && command -v npm >/dev/null || ./scripts/install-packages.sh nodejs npm
dir=tests/node
stamp=$dir/node_modules/.installed-from-lock
cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && exit 0
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
cp "$dir/package-lock.json" "$stamp"
