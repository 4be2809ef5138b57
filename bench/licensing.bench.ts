import { createPrivateKey, sign, verify, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './run.js';
import { openDatabase, runMigrations } from '../appliance/core/db.js';
import { ManualClock } from '../appliance/core/clock.js';
import { fingerprintOf, type MachineFacts } from '../appliance/licensing/fingerprint.js';
import { signLicense } from '../appliance/licensing/license-file.js';
import { LicensingRepository, licensingMigrations } from '../appliance/licensing/repository.js';
import { LicensingService } from '../appliance/licensing/service.js';
import { verifyLicense } from '../appliance/licensing/verify.js';

/**
 * Licensing figures: dialog open+close events per second through the counter with its SQLite
 * persistence and hourly peak (baseline: bare single-row insert+delete in the same database),
 * and full licence verifications per second (baseline: a bare Ed25519 verify).
 */
const FACTS: MachineFacts = { machineId: 'bench', cpuModel: 'cpu', boardId: 'board', diskSerial: 'disk', primaryMac: '00:11:22:33:44:55' };
const silent = { info() {}, warn() {}, error() {} };

function perSecond(run: () => void, n: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run();
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

export default async function bench(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'contactbox-bench-licensing-'));
  try {
    const db = openDatabase(join(dir, 'bench.sqlite'));
    runMigrations(db, licensingMigrations);
    const key = createPrivateKey(readFileSync(new URL('../scripts/dev-keys/development-private.pem', import.meta.url), 'utf8'));
    const text = signLicense(
      { product: 'contactbox', formatVersion: 1, licenseId: 'B', customer: 'Bench', fingerprint: fingerprintOf(FACTS), sessions: 100_000, modules: ['telephony'], sites: 1, issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: null, updatesUntil: '2030-01-01T00:00:00.000Z' },
      key,
    );
    const licenseFile = join(dir, 'license.lic');
    writeFileSync(licenseFile, text);
    const clock = new ManualClock('2026-11-25T12:00:00Z');
    const build = { flavour: 'development' as const, releaseDate: '2026-11-01', runningFromSource: true };
    const service = new LicensingService({
      repo: new LicensingRepository(db),
      clock,
      licenseFile,
      sideFile: join(dir, 'clock.json'),
      facts: async () => FACTS,
      build,
      trusted: new Set(['development']),
      queues: () => null,
      log: silent,
    });
    await service.start();

    const N = 20_000;
    let i = 0;
    const eventsPerSec =
      2 *
      perSecond(() => {
        const id = `d${i++}`;
        service.dialogOpened({ dialogId: id, kind: 'call', operatorId: 1, at: '2026-11-25T12:00:00.000Z' });
        service.dialogClosed({ dialogId: id });
      }, N);
    const ins = db.prepare('INSERT INTO licensing_open_dialogs (dialog_id, kind, operator_id, opened_at) VALUES (?, ?, ?, ?)');
    const del = db.prepare('DELETE FROM licensing_open_dialogs WHERE dialog_id = ?');
    let j = 0;
    const rawPerSec =
      2 *
      perSecond(() => {
        const id = `r${j++}`;
        ins.run(id, 'call', 1, '2026-11-25T12:00:00.000Z');
        del.run(id);
      }, N);

    const ctx = { fingerprint: fingerprintOf(FACTS), now: clock.now(), latestSeen: null, build, trusted: new Set(['development'] as const) };
    const verifications = perSecond(() => {
      if (!verifyLicense(text, ctx).ok) throw new Error('bench licence refused');
    }, 2000);
    const pub = createPublicKey(key);
    const msg = Buffer.from(text.split('\n')[1]!);
    const sig = sign(null, msg, key);
    const rawVerify = perSecond(() => verify(null, msg, pub, sig), 2000);
    db.close();
    return [
      {
        name: 'dialog events counted and persisted',
        value: eventsPerSec,
        unit: 'events/s',
        baseline: { name: 'bare SQLite insert/delete', value: rawPerSec },
        // A 200-operator centre produces a few dialog events per second.
        target: { min: 5_000, minRatio: 0.3 },
      },
      { name: 'licence verifications', value: verifications, unit: 'verifications/s', baseline: { name: 'bare Ed25519 verify', value: rawVerify }, target: { min: 500 } },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
