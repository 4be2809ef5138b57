#!/usr/bin/env bash
# First command of the Quick start: on a fresh Debian machine with Node 20, installs what the
# build needs, builds contactbox and runs the real installer in its evaluation profile.
# Extra arguments go to `contactbox install` (e.g. --port 8443, --answers FILE).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "contactbox installs a system service: run this as root (log in as root, or 'su -' first)" >&2
  exit 1
fi
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "contactbox needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# better-sqlite3 compiles from source: a C++ toolchain and python3 are needed once.
need=()
for p in g++ make python3; do command -v "$p" >/dev/null || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends build-essential python3 >/dev/null
fi

echo "Installing dependencies and building…"
npm ci --no-audit --no-fund
npm run build

exec node dist/installer/main.js install --profile evaluation --yes "$@"
