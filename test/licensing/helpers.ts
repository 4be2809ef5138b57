import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fingerprintOf, type MachineFacts } from '../../appliance/licensing/fingerprint.js';
import { signLicense, type LicensePayload } from '../../appliance/licensing/license-file.js';
import type { BuildInfo } from '../../appliance/licensing/build-info.js';
import { runNode as runNodeProcess, type CliRun } from '../support/cli.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const FACTS_DIR = `${REPO}test/fixtures/licensing/`;
export const factsFile = (name: 'server-a' | 'server-a-new-nic' | 'server-a-clone' | 'server-b') => `${FACTS_DIR}${name}.json`;
export const facts = (name: Parameters<typeof factsFile>[0]): MachineFacts => JSON.parse(readFileSync(factsFile(name), 'utf8')) as MachineFacts;

export const devKey = (): KeyObject => createPrivateKey(readFileSync(`${REPO}scripts/dev-keys/development-private.pem`, 'utf8'));
export const strangerKey = (): KeyObject => generateKeyPairSync('ed25519').privateKey;

export const DEV_BUILD: BuildInfo = { flavour: 'development', releaseDate: '2026-11-01', runningFromSource: true };
export const RELEASE_BUILD: BuildInfo = { flavour: 'release', releaseDate: '2026-11-01', runningFromSource: false };

export function payload(overrides: Partial<LicensePayload> = {}): LicensePayload {
  return {
    product: 'contactbox',
    formatVersion: 1,
    licenseId: 'CB-TEST-0001',
    customer: 'Test Customer LLC',
    fingerprint: fingerprintOf(facts('server-a')),
    sessions: 2,
    modules: ['telephony', 'mail', 'chat', 'reports'],
    sites: 1,
    issuedAt: '2026-11-20T10:00:00.000Z',
    expiresAt: null,
    updatesUntil: '2027-11-20T10:00:00.000Z',
    ...overrides,
  };
}

export const license = (overrides: Partial<LicensePayload> = {}, key: KeyObject = devKey()) => signLicense(payload(overrides), key);

export type Run = CliRun;

/** Runs a TypeScript entry point of this repository through tsx (as `npx tsx FILE` would). */
export function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runNode(['--import', 'tsx', `${REPO}${entry}`, ...args], env);
}

/** `node ARGS…` in this repository (or `cwd`), with extra environment variables. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO): Promise<Run> {
  return runNodeProcess(args, { env, cwd, timeoutMs: 60_000 });
}

/** Waits until `check` returns true (polling), or fails with `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
