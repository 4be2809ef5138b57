#!/usr/bin/env node
// Turns a compiled tree (default dist/) into a release build: rewrites
// appliance/licensing/build-info.js so that the build trusts only the production licence key
// and knows its release date. Run by `npm run build:release`; fails loudly if the constants are
// not where it expects them, so a release can never ship with development trust by accident.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? 'dist');
const releaseDate = process.env.CONTACTBOX_RELEASE_DATE ?? new Date().toISOString().slice(0, 10);
if (!/^\d{4}-\d{2}-\d{2}$/.test(releaseDate)) {
  console.error(`mark-release: CONTACTBOX_RELEASE_DATE must be YYYY-MM-DD, got ${releaseDate}`);
  process.exit(2);
}
const file = join(dist, 'appliance/licensing/build-info.js');
let text;
try {
  text = readFileSync(file, 'utf8');
} catch (err) {
  console.error(`mark-release: cannot read ${file} (${err.code ?? err.message}); run the build first`);
  process.exit(1);
}
const flavour = /export const BUILD_FLAVOUR = '(development|release)';/;
const date = /export const BUILD_RELEASE_DATE = '\d{4}-\d{2}-\d{2}';/;
if (!flavour.test(text) || !date.test(text)) {
  console.error(`mark-release: ${file} does not declare BUILD_FLAVOUR and BUILD_RELEASE_DATE as expected`);
  process.exit(1);
}
text = text.replace(flavour, "export const BUILD_FLAVOUR = 'release';").replace(date, `export const BUILD_RELEASE_DATE = '${releaseDate}';`);
writeFileSync(file, text);
const { buildInfo, developmentTrustEnabled } = await import(pathToFileURL(file).href);
const info = buildInfo();
if (info.flavour !== 'release' || developmentTrustEnabled(info, { CONTACTBOX_DEV_LICENSE_KEYS: '1' })) {
  console.error('mark-release: the rewritten build still trusts development keys');
  process.exit(1);
}
console.log(`mark-release: ${file} → release build of ${releaseDate}; development licence keys are not trusted`);
