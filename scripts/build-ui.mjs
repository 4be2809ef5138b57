#!/usr/bin/env node
// Builds the browser UI (appliance/ui, a Vite project) into dist/ui, which the appliance serves
// as static files. Run by `npm run build` after the server code is compiled.
import { build } from 'vite';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../appliance/ui/', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/ui/', import.meta.url));

// Vite strips types without checking them; the UI's own tsconfig (DOM, bundler resolution) is checked here.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const checked = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.json`], { stdio: 'inherit' });
if (checked.status !== 0) {
  console.error('UI build failed: type errors in appliance/ui');
  process.exitCode = 1;
} else {
  await viteBuild();
}

async function viteBuild() {
  try {
    await build({
      root,
      base: '/',
      logLevel: process.env.CONTACTBOX_UI_BUILD_QUIET ? 'warn' : 'info',
      configFile: false,
      // Preact components are written in TSX; esbuild turns JSX into preact's jsx() calls.
      esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        // The softphone library is large and only needed once the workspace opens.
        chunkSizeWarningLimit: 800,
      },
    });
  } catch (err) {
    console.error(`UI build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
