import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';
import { buildApp, type AppDeps } from '../../appliance/app.js';
import { defaultConfig, type Config } from '../../appliance/config.js';
import { openDatabase, type Db } from '../../appliance/core/db.js';
import { systemClock } from '../../appliance/core/clock.js';
import { insertUser } from '../../appliance/core/auth/plugin.js';
import type { Role } from '../../appliance/core/auth/sessions.js';
import { createCa, createServerCert } from '../../installer/install/tls.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const uiSourceDir = join(repoRoot, 'appliance/ui');
export const uiBuildDir = join(repoRoot, 'dist/ui');
export const screenshotDir = join(repoRoot, 'test-output/screenshots');

/** Flags this machine's Chromium needs: no sandbox as root, and no calls home on a closed network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Fake microphone and camera, granted without a prompt, for WebRTC tests. */
export const FAKE_MEDIA_FLAGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the UI with the project's build script when dist/ui is missing or older than its sources. */
export function ensureUiBuilt(): string {
  const index = join(uiBuildDir, 'index.html');
  if (!existsSync(index) || statSync(index).mtimeMs < newestMtime(uiSourceDir)) {
    execFileSync(process.execPath, [join(repoRoot, 'scripts/build-ui.mjs')], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CONTACTBOX_UI_BUILD_QUIET: '1' },
    });
  }
  return uiBuildDir;
}

export async function launchChromium(options: { fakeMedia?: boolean; extraArgs?: string[]; launch?: LaunchOptions } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.fakeMedia ? FAKE_MEDIA_FLAGS : []), ...(options.extraArgs ?? [])],
    ...options.launch,
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}

/** Signs a user in through the login page and waits for the workspace. */
export async function signIn(page: Page, server: Pick<BrowserServer, 'url'>, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/workspace$/);
}

export interface BrowserServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  config: Config;
  createUser(role: Role, username: string, password: string, extra?: { displayName?: string; language?: string }): Promise<number>;
  close(): Promise<void>;
}

/**
 * A real appliance on 127.0.0.1 (random port) serving the built UI, on a temp database, with the
 * real clock (a browser's session lives in real time).
 */
export async function startBrowserServer(
  options: Partial<Omit<AppDeps, 'config' | 'db' | 'https'>> & { config?: Partial<Config>; https?: boolean } = {},
): Promise<BrowserServer> {
  const uiDir = ensureUiBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'contactbox-browser-'));
  const { https: useHttps, ...rest } = options;
  let config = defaultConfig(dataDir, options.config ?? {});
  let tls: { key: Buffer; cert: Buffer } | null = null;
  if (useHttps) {
    // As the installer does it: a local CA and a server certificate for the server's names.
    const now = new Date();
    const ca = createCa('Test', now);
    const server = createServerCert(ca, ['localhost', '127.0.0.1'], now);
    const files = { cert: join(dataDir, 'server.crt'), key: join(dataDir, 'server.key'), ca: join(dataDir, 'ca.crt') };
    writeFileSync(files.cert, server.cert);
    writeFileSync(files.key, server.key);
    writeFileSync(files.ca, ca.cert);
    config = { ...config, server: { ...config.server, tls: files } };
    tls = { key: Buffer.from(server.key), cert: Buffer.from(server.cert) };
  }
  const db = openDatabase(join(dataDir, 'contactbox.sqlite'));
  const app = await buildApp({ clock: systemClock, ...rest, uiDir, config, db, https: tls });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    db,
    config,
    url: `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${port}`,
    createUser: (role, username, password, extra = {}) =>
      insertUser({ db, clock: systemClock }, { username, password, role, displayName: extra.displayName ?? username, language: extra.language ?? null }),
    async close() {
      await app.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
