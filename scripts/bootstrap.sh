#!/bin/sh
# Installs the project's npm packages when they are missing or stale. The packages include
# the `node` runtime itself (Astro needs Node >= 22.12), and npm puts node_modules/.bin first
# on PATH for every script, so every npm script runs on it whatever the system Node is: each
# one starts with this script, so any README command works first, in any order.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -x node_modules/.bin/node ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: installing npm packages (npm ci, about a minute)…" >&2
  log=$(mktemp)
  status=0
  npm ci --no-audit --no-fund >"$log" 2>&1 || status=$?
  # npm checks every package's "engines" against the Node that runs npm itself (the system's,
  # perhaps 20); the project then runs on the Node 24 it installs, so those warnings do not apply.
  grep -v 'npm warn EBADENGINE' "$log" >&2 || true
  rm -f "$log"
  if [ "$status" -ne 0 ]; then
    echo "bootstrap: npm ci failed (exit $status); run it by hand to see why: npm ci" >&2
    exit "$status"
  fi
fi
