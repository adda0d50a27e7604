#!/bin/sh
# Installs the project's npm packages when they are missing or stale. The packages include
# the `node` runtime itself (Astro needs Node >= 22.12), and npm puts node_modules/.bin first
# on PATH for every script, so `npm start` and `npm test` run on it whatever the system Node is.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -x node_modules/.bin/node ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund
fi
