#!/usr/bin/env bash
# Sets everything up and runs the whole test suite. Used by `.ci/run`.
# Installs missing Debian packages (listed in scripts/test-packages.txt), the npm dependencies,
# builds, runs mocha, and ends with a line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -v '^\s*#' scripts/test-packages.txt | awk 'NF{print $1}')
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null || { echo "apt-get update failed"; exit 1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install ${missing[*]} failed"; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || { echo "npm ci failed"; exit 1; }
fi
npm run build || { echo "build failed"; exit 1; }

# The suite runs as two concurrent mocha runners (scripts/run-tests.mjs); arguments, if any, go to
# one plain mocha run instead. Either way the output ends with "N passed, N failed".
if [ $# -eq 0 ]; then
  exec node scripts/run-tests.mjs
fi
mkdir -p test-output
log=test-output/mocha.log
npx mocha --reporter spec "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -Eo '^\s*[0-9]+ passing' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Eo '^\s*[0-9]+ failing' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
passed=${passed:-0}; failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
