#!/usr/bin/env bash
# Usage: scripts/debian-root.sh SUITE DIR [PACKAGE...]
# Makes DIR a minimal Debian SUITE root (debootstrap --variant=minbase from the Debian archive),
# once: a finished DIR is reused (DIR.done marks it). With PACKAGEs, installs them inside it.
# Used by `npm run release` (a bullseye root with a compiler builds the native modules, so they
# load on Debian 11 and later) and by the release matrix test (fresh roots to install into).
set -euo pipefail
suite=$1
dir=$2
shift 2
mirror=${CONTACTBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ ! -e "$dir.done" ]; then
  if ! command -v debootstrap >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$(dirname "$dir")"
  if ! debootstrap --variant=minbase "$suite" "$dir.tmp" "$mirror" >"$dir.log" 2>&1; then
    echo "debootstrap $suite failed (log: $dir.log):" >&2
    tail -n 15 "$dir.log" >&2
    exit 1
  fi
  mv "$dir.tmp" "$dir"
  touch "$dir.done"
fi

if [ $# -gt 0 ]; then
  missing=()
  for p in "$@"; do
    chroot "$dir" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
    trap 'umount "$dir/proc" 2>/dev/null || true' EXIT
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    chroot "$dir" apt-get update -qq >>"$dir.log" 2>&1
    DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$dir.log" 2>&1 \
      || { echo "apt-get install ${missing[*]} in the $suite root failed (log: $dir.log)" >&2; tail -n 15 "$dir.log" >&2; exit 1; }
    chroot "$dir" apt-get clean
  fi
fi
