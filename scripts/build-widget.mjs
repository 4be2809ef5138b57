#!/usr/bin/env node
// Builds the website chat widget (appliance/chat/widget) into dist/widget: launcher.js, the only
// script a customer's page loads with the snippet, and panel.js, loaded on first open. Both are
// self-contained IIFEs (no third-party requests). Run by `npm run build`; prints the launcher's
// gzipped size, which must stay within 25 KB.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../appliance/chat/widget/', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/widget/', import.meta.url));
const LAUNCHER_LIMIT = 25 * 1024;

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const checked = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.json`], { stdio: 'inherit' });
if (checked.status !== 0) {
  console.error('widget build failed: type errors in appliance/chat/widget');
  process.exit(1);
}
await build({
  entryPoints: { launcher: `${root}launcher.ts`, panel: `${root}panel.ts` },
  outdir,
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2019',
  legalComments: 'none',
  logLevel: 'warning',
});
const launcher = readFileSync(`${outdir}launcher.js`);
const panel = readFileSync(`${outdir}panel.js`);
const size = (b) => gzipSync(b, { level: 9 }).length;
if (!process.env.CONTACTBOX_UI_BUILD_QUIET) {
  console.log(`widget: launcher ${size(launcher)} B gzipped (limit ${LAUNCHER_LIMIT}), panel ${size(panel)} B gzipped`);
}
if (size(launcher) > LAUNCHER_LIMIT) {
  console.error(`widget build failed: the launcher is ${size(launcher)} B gzipped, over ${LAUNCHER_LIMIT}`);
  process.exit(1);
}
