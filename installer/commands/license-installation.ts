import { existsSync } from 'node:fs';
import { openDatabase } from '../../appliance/core/db.js';
import { buildInfo, type BuildInfo } from '../../appliance/licensing/build-info.js';
import { marksFromValues, mergeMarks, readSideFile, sideFilePath, writeSideFile, type ClockMarks } from '../../appliance/licensing/clock-guard.js';
import { trustedKeyIds } from '../../appliance/licensing/keys.js';
import { hourOf } from '../../appliance/licensing/repository.js';
import { resolveState, type LicenseState } from '../../appliance/licensing/state.js';
import { clockRolledBack, verifyLicense, type Verification } from '../../appliance/licensing/verify.js';
import type { InstallPaths } from '../paths.js';

/**
 * What the CLI knows about an installation's licence without the appliance: the clock marks
 * (database, read-only — the appliance is the database's one writer — and the side file), the
 * open dialogs and peak the appliance recorded, and the verdict on a licence text.
 */
export interface Installation {
  marks: ClockMarks;
  inUse: number;
  peak: number;
}

const PEAK_WINDOW_MS = 30 * 86_400_000;

export function readInstallation(paths: InstallPaths, now: Date): Installation {
  const side = readSideFile(sideFilePath(paths.dataDir));
  if (!existsSync(paths.databaseFile)) return { marks: side, inUse: 0, peak: 0 };
  const db = openDatabase(paths.databaseFile, { readonly: true });
  try {
    const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='licensing_state'").get();
    if (!hasTables) return { marks: side, inUse: 0, peak: 0 };
    const state = (key: string) => (db.prepare('SELECT value FROM licensing_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
    const inUse = (db.prepare('SELECT COUNT(*) AS n FROM licensing_open_dialogs').get() as { n: number }).n;
    const since = hourOf(new Date(now.getTime() - PEAK_WINDOW_MS));
    const peak = (db.prepare('SELECT MAX(peak) AS p FROM licensing_usage_hourly WHERE hour >= ?').get(since) as { p: number | null }).p ?? 0;
    return { marks: mergeMarks(marksFromValues(state('first_seen'), state('latest_seen')), side), inUse, peak: Math.max(peak, inUse) };
  } finally {
    db.close();
  }
}

/** The CLI moves only the side file's latest time forward; the evaluation start is the appliance's to set. */
export function recordSeen(paths: InstallPaths, marks: ClockMarks, now: Date): void {
  if (marks.latestSeen && marks.latestSeen.getTime() >= now.getTime()) return;
  writeSideFile(sideFilePath(paths.dataDir), { firstSeen: marks.firstSeen, latestSeen: now });
}

export interface Judged {
  verification: Verification | null;
  state: LicenseState;
}

export function judge(text: string | null, ctx: { fingerprint: string; now: Date; marks: ClockMarks; env: NodeJS.ProcessEnv; build?: BuildInfo }): Judged {
  const build = ctx.build ?? buildInfo();
  const verification =
    text === null
      ? null
      : verifyLicense(text, { fingerprint: ctx.fingerprint, now: ctx.now, latestSeen: ctx.marks.latestSeen, build, trusted: trustedKeyIds(build, ctx.env) });
  const judgedAt = new Date(Math.max(ctx.now.getTime(), ctx.marks.latestSeen?.getTime() ?? 0));
  const state = resolveState({ verification, firstSeen: ctx.marks.firstSeen, now: judgedAt, clockRolledBack: clockRolledBack(ctx.now, ctx.marks.latestSeen) });
  return { verification, state };
}
