#!/usr/bin/env bash
# `npm run release`: builds the release artefacts into release/ —
#   contactbox_VERSION_amd64.deb            apt install ./contactbox_VERSION_amd64.deb; contactbox install
#   contactbox-VERSION-linux-x64.tar.gz     tar xf …; ./contactbox-VERSION/contactbox install
# Both carry their own Node.js runtime and a better-sqlite3 built in a Debian 11 (bullseye) root,
# so they install on Debian 11, 12 and 13 with no compiler, no npm registry and no internet.
# Release flavour only: the build trusts the production licence key alone (scripts/mark-release.mjs).
#
# Options: --no-build   reuse dist/ as it is (it must be a current `npm run build`)
# Env:     CONTACTBOX_RELEASE_NODE  the Node.js binary to ship (default: the `node` on PATH); its
#          headers must be at <prefix>/include/node (Debian/NodeSource: /usr/include/node)
#          CONTACTBOX_RELEASE_GZIP_LEVEL  1–9 (default 6; the release matrix test uses 1: faster)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "release: unknown option $arg" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "release: run as root (it builds the native module in a chroot)" >&2; exit 1; }

level=${CONTACTBOX_RELEASE_GZIP_LEVEL:-6}
[[ "$level" =~ ^[1-9]$ ]] || { echo "release: CONTACTBOX_RELEASE_GZIP_LEVEL must be 1–9, got $level" >&2; exit 2; }
version=$(node -p "require('./package.json').version")
node_bin=$(readlink -f "${CONTACTBOX_RELEASE_NODE:-$(command -v node)}")
node_version=$("$node_bin" --version)
node_headers=$(dirname "$(dirname "$node_bin")")/include/node
headers_version=v$(awk '/^#define NODE_(MAJOR|MINOR|PATCH)_VERSION /{v = v (v ? "." : "") $3} END {print v}' "$node_headers/node_version.h" 2>/dev/null || true)
if [ "$headers_version" != "$node_version" ]; then
  echo "release: the headers of $node_bin ($node_version) are not at $node_headers (found: $headers_version); install them, or set CONTACTBOX_RELEASE_NODE" >&2
  exit 1
fi

cache=$repo/.cache
out=$repo/release
name=contactbox-$version
stage=$cache/release/$name
log=$cache/release/release.log
mkdir -p "$cache/release" "$out"
: >"$log"
step() { printf '%s … ' "$1"; }
ok() { echo "${1:-done}"; }

if [ "$build" -eq 1 ]; then
  step "building"
  npm run build >>"$log" 2>&1 || { echo "failed (see $log)"; exit 1; }
  ok
fi
[ -f dist/appliance/server.js ] || { echo "release: dist/ is missing; run without --no-build" >&2; exit 1; }

step "native modules in a Debian 11 root"
roots=$cache/roots
sqlite_version=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
native=$cache/release/native/better-sqlite3-$sqlite_version-node-$node_version.node
if [ ! -f "$native" ]; then
  if [ ! -e "$roots/bullseye-build.done" ]; then
    bash scripts/debian-root.sh bullseye "$roots/bullseye"
    rm -rf "$roots/bullseye-build"
    cp -a "$roots/bullseye" "$roots/bullseye-build"
    touch "$roots/bullseye-build.done"
  fi
  bash scripts/debian-root.sh bullseye "$roots/bullseye-build" g++ make python3
  work=$roots/bullseye-build/build
  rm -rf "$work"
  mkdir -p "$work/nodedir/include" "$work/node/bin"
  cp -a "$node_headers" "$work/nodedir/include/node"
  cp "$node_bin" "$work/node/bin/node"
  cp -a node_modules/better-sqlite3 "$work/better-sqlite3"
  rm -rf "$work/better-sqlite3/build"
  # npm's own node-gyp (with the modules npm hoists for it), pointed at local headers: it never downloads.
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [ -f "$npm_dir/node_modules/node-gyp/bin/node-gyp.js" ] || { echo "release: no node-gyp in $npm_dir" >&2; exit 1; }
  cp -a "$npm_dir" "$work/npm"
  in_root() { chroot "$roots/bullseye-build" /usr/bin/env -i PATH=/build/node/bin:/usr/bin:/bin HOME=/build JOBS=2 sh -c "$1"; }
  mountpoint -q "$roots/bullseye-build/proc" || mount -t proc proc "$roots/bullseye-build/proc"
  trap 'umount "$roots/bullseye-build/proc" 2>/dev/null || true' EXIT
  if ! in_root 'cd /build/better-sqlite3 && node /build/npm/node_modules/node-gyp/bin/node-gyp.js rebuild --release --nodedir=/build/nodedir' >>"$log" 2>&1; then
    echo "failed (see $log)"
    exit 1
  fi
  in_root "node -e \"new (require('/build/better-sqlite3'))(':memory:', { nativeBinding: '/build/better-sqlite3/build/Release/better_sqlite3.node' }).prepare('select 1').get()\"" \
    || { echo "release: the module built in the bullseye root does not load there" >&2; exit 1; }
  umount "$roots/bullseye-build/proc"
  trap - EXIT
  mkdir -p "$(dirname "$native")"
  cp "$work/better-sqlite3/build/Release/better_sqlite3.node" "$native.tmp"
  mv "$native.tmp" "$native"
  rm -rf "$work"
fi
ok "better-sqlite3 $sqlite_version for Node $node_version, built on Debian 11"

step "staging $name"
rm -rf "$stage"
mkdir -p "$stage/node_modules" "$stage/runtime/bin"
cp -a dist package.json package-lock.json README.md LICENSE.txt asterisk-templates systemd "$stage/"
for mod in $(node --input-type=module -e "import('$repo/dist/installer/ports/package.js').then((m) => console.log(m.runtimeModules('$repo').join('\n')))"); do
  [ -e "$mod" ] || continue # an optional dependency for another platform (fsevents)
  mkdir -p "$stage/$(dirname "$mod")"
  # Copies, not hard links: the staged files are pruned and their modes set below.
  cp -a "$mod" "$stage/$mod"
done
# The SQLite driver: the module built above, without its sources and the host's build.
rm -rf "$stage/node_modules/better-sqlite3/"{build,deps,src}
mkdir -p "$stage/node_modules/better-sqlite3/build/Release"
cp "$native" "$stage/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
cp "$node_bin" "$stage/runtime/bin/node"
# Only what runs ships: the modules' tests, examples, docs, editor and VCS files go, modes are
# what the files are (scripts 755, everything else 644), and the binaries lose their symbols.
find "$stage/node_modules" -depth -type d -regextype posix-extended \
  -regex '.*/node_modules/(@[^/]+/)?[^/]+/(test|tests|__tests__|example|examples|benchmark|benchmarks|integration|docs|\.github|coverage)' \
  -exec rm -rf {} +
find "$stage/node_modules" -type d -path '*/pm2/lib/templates/sample-apps' -prune -exec rm -rf {} +
find "$stage/node_modules" -type f \( -name '.eslintrc*' -o -name 'eslint.config.*' -o -name '.npmignore' -o -name '.git*' \
  -o -name '.editorconfig' -o -name '.travis.yml' -o -name '.prettierrc*' -o -name '*.md' -o -name '*.markdown' -o -name '*.html' \
  -o -name 'bun.lockb' -o -name 'yarn.lock' -o -name '*.coffee' -o -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) \
  ! -name '*.d.ts' -delete
find "$stage/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
find "$stage/node_modules" -depth -type d -empty -delete
node -e '
  const fs = require("node:fs"), path = require("node:path");
  const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) {
      const fd = fs.openSync(p, "r"), head = Buffer.alloc(2), n = fs.readSync(fd, head, 0, 2, 0); fs.closeSync(fd);
      fs.chmodSync(p, n === 2 && head.toString() === "#!" ? 0o755 : 0o644);
    } } };
  for (const dir of process.argv.slice(1)) walk(dir);' "$stage/node_modules" "$stage/dist"
strip --strip-unneeded "$stage/runtime/bin/node" "$stage/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
"$stage/runtime/bin/node" --version >/dev/null || { echo "release: the stripped runtime does not start" >&2; exit 1; }
for f in LICENSE copyright; do
  [ -f "/usr/share/doc/nodejs/$f" ] && cp "/usr/share/doc/nodejs/$f" "$stage/runtime/NODE-$f"
done
node scripts/mark-release.mjs "$stage/dist" >>"$log" 2>&1 || { echo "failed: mark-release (see $log)"; exit 1; }
# Nothing of the development key's private half may ship.
if grep -rlI -e 'PRIVATE KEY' "$stage/dist" "$stage/package.json" >/dev/null 2>&1; then
  echo "release: a private key is inside the staged build" >&2
  exit 1
fi
cat >"$stage/release.json" <<JSON
{ "version": "$version", "flavour": "release", "node": "$node_version", "nativeModulesBuiltOn": "Debian 11 (bullseye)" }
JSON
cat >"$stage/contactbox" <<'SH'
#!/bin/sh
# The contactbox command of this release, on the Node.js runtime it carries.
here=$(dirname "$(readlink -f "$0")")
exec "$here/runtime/bin/node" "$here/dist/installer/main.js" "$@"
SH
chmod 755 "$stage/contactbox"
ok "$(du -sh "$stage" | cut -f1)"

step "tarball"
tarball=$out/$name-linux-x64.tar.gz
tar -C "$cache/release" --owner=0 --group=0 -cf - "$name" | gzip "-$level" >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
ok "$tarball"

step "Debian package"
deb_version=$(sed -n '1s/^contactbox (\([^)]*\)).*/\1/p' debian/changelog)
[ "${deb_version%-*}" = "$version" ] || { echo "release: debian/changelog is at $deb_version, package.json at $version" >&2; exit 1; }
pkg=$cache/release/deb
rm -rf "$pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib" "$pkg/usr/bin" "$pkg/usr/share/doc/contactbox"
cp -al "$stage" "$pkg/usr/lib/contactbox"
rm "$pkg/usr/lib/contactbox/contactbox"
cat >"$pkg/usr/bin/contactbox" <<'SH'
#!/bin/sh
# The contactbox command of the installed package, on the Node.js runtime it carries.
exec /usr/lib/contactbox/runtime/bin/node /usr/lib/contactbox/dist/installer/main.js "$@"
SH
chmod 755 "$pkg/usr/bin/contactbox"
cp debian/copyright "$pkg/usr/share/doc/contactbox/copyright"
mkdir -p "$pkg/usr/share/lintian/overrides" "$pkg/usr/share/man/man1"
install -m 644 debian/lintian-overrides "$pkg/usr/share/lintian/overrides/contactbox"
gzip -9n <debian/contactbox.1 >"$pkg/usr/share/man/man1/contactbox.1.gz"
gzip -9n <debian/changelog >"$pkg/usr/share/doc/contactbox/changelog.Debian.gz"
for script in postinst prerm postrm; do
  install -m 755 "debian/$script" "$pkg/DEBIAN/$script"
done
installed_kb=$(du -sk --apparent-size "$pkg" | cut -f1)
sed -e "s/@VERSION@/$deb_version/" -e "s/@SIZE@/$installed_kb/" debian/control.binary >"$pkg/DEBIAN/control"
deb=$out/contactbox_${version}_amd64.deb
dpkg-deb --root-owner-group -Zgzip "-z$level" --build "$pkg" "$deb.tmp" >>"$log" 2>&1 || { echo "failed (see $log)"; exit 1; }
mv "$deb.tmp" "$deb"
ok "$deb ($(du -h "$deb" | cut -f1))"
