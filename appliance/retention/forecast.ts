import { statfsSync } from 'node:fs';
import type { ClassStats } from './types.js';
import { BYTES_PER_RECORDED_MINUTE, DEFAULT_RECORDED_MINUTES_PER_DAY } from './policies.js';

const DAY = 86_400_000;
const WINDOW_DAYS = 30;
/** How far the fill date is looked for. */
const HORIZON_DAYS = 3650;

export interface DiskFacts {
  totalBytes: number;
  freeBytes: number;
}

/** The disk holding the data dir; a port so tests pass fixed figures. */
export type DiskProbe = (dir: string) => DiskFacts;

export const statfsProbe: DiskProbe = (dir) => {
  const s = statfsSync(dir);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
};

export interface ClassForecast {
  class: string;
  policyDays: number | null;
  registered: boolean;
  items: number;
  bytes: number;
  oldest: string | null;
  /** Bytes added per day: measured over the last 30 days, or the sizing rule before there is history. */
  dailyGrowthBytes: number;
  growthSource: 'history' | 'sizing' | 'none';
  /** What this class will occupy once its policy is in steady state (one year ahead for "forever"). */
  neededBytes: number;
}

export interface StorageForecast {
  asOf: string;
  dataDir: string;
  disk: DiskFacts & { usedBytes: number; usedPercent: number };
  classes: ClassForecast[];
  dataBytes: number;
  neededBytes: number;
  /** Disk use once every class reaches what its policy keeps (free space shrinks by this much). */
  projectedUsedPercent: number;
  /** The day the disk fills at the current growth, or null if it does not within ten years. */
  fillsOn: string | null;
  level: 'ok' | 'warning' | 'critical';
  warnings: string[];
}

/** The start of the growth window for a forecast made at `asOf`. */
export const windowStart = (asOf: Date) => new Date(asOf.getTime() - WINDOW_DAYS * DAY).toISOString();

export interface ForecastInput {
  asOf: Date;
  dataDir: string;
  /** Each registered class's size and recent growth (`RetentionClass.stats(since)` with `windowStart`). */
  stats: Map<string, ClassStats>;
  classNames: string[];
  policies: Map<string, number | null>;
  recordedMinutesPerDay?: number;
  disk: DiskProbe;
}

/**
 * Storage forecast: each class grows at its last 30 days' rate (recordings: 120 KB per recorded
 * minute before there is any history) until its policy caps it at rate × days; "forever" grows
 * without a cap. Warnings at 80 % and 90 % disk use, now or once policies reach steady state.
 */
export function forecastStorage(input: ForecastInput): StorageForecast {
  const classes: ClassForecast[] = input.classNames.map((name) => {
    const s = input.stats.get(name);
    const policyDays = input.policies.get(name) ?? null;
    if (!s) return { class: name, policyDays, registered: false, items: 0, bytes: 0, oldest: null, dailyGrowthBytes: 0, growthSource: 'none', neededBytes: 0 };
    const historyDays = s.oldest ? Math.min(WINDOW_DAYS, Math.max(1, (input.asOf.getTime() - new Date(s.oldest).getTime()) / DAY)) : 0;
    let dailyGrowthBytes = historyDays > 0 ? s.recentBytes / historyDays : 0;
    let growthSource: ClassForecast['growthSource'] = s.recentItems > 0 ? 'history' : 'none';
    if (name === 'recordings' && s.recentItems === 0) {
      dailyGrowthBytes = (input.recordedMinutesPerDay ?? DEFAULT_RECORDED_MINUTES_PER_DAY) * BYTES_PER_RECORDED_MINUTE;
      growthSource = 'sizing';
    }
    const horizon = policyDays ?? 365;
    // Conservative: what is stored now stays until swept, so the need is never below it.
    const neededBytes = policyDays === null ? s.bytes + dailyGrowthBytes * horizon : Math.max(s.bytes, dailyGrowthBytes * policyDays);
    return { class: name, policyDays, registered: true, items: s.items, bytes: s.bytes, oldest: s.oldest, dailyGrowthBytes: Math.round(dailyGrowthBytes), growthSource, neededBytes: Math.round(neededBytes) };
  });

  const facts = input.disk(input.dataDir);
  const usedBytes = facts.totalBytes - facts.freeBytes;
  const usedPercent = facts.totalBytes > 0 ? (usedBytes / facts.totalBytes) * 100 : 0;
  const dataBytes = classes.reduce((a, c) => a + c.bytes, 0);
  const neededBytes = classes.reduce((a, c) => a + c.neededBytes, 0);
  const projectedUsed = usedBytes + Math.max(0, neededBytes - dataBytes);
  const projectedUsedPercent = facts.totalBytes > 0 ? (projectedUsed / facts.totalBytes) * 100 : 0;

  // A class grows until it holds rate × days (it is then swept as fast as it grows); the disk
  // fills the first day the sum of that growth exceeds the free space.
  const growthOn = (day: number) =>
    classes.reduce((sum, c) => {
      const grown = c.bytes + c.dailyGrowthBytes * day;
      const cap = c.policyDays === null ? Infinity : Math.max(c.bytes, c.dailyGrowthBytes * c.policyDays);
      return sum + Math.min(grown, cap) - c.bytes;
    }, 0);
  let fillsOn: string | null = null;
  if (growthOn(HORIZON_DAYS) >= facts.freeBytes) {
    let lo = 0;
    let hi = HORIZON_DAYS;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (growthOn(mid) >= facts.freeBytes) hi = mid;
      else lo = mid + 1;
    }
    fillsOn = new Date(input.asOf.getTime() + lo * DAY).toISOString().slice(0, 10);
  }

  const warnings: string[] = [];
  const pct = (v: number) => `${v.toFixed(1)} %`;
  const worst = Math.max(usedPercent, projectedUsedPercent);
  if (usedPercent >= 90) warnings.push(`The data disk is ${pct(usedPercent)} full. New recordings are still kept; add disk space or shorten retention.`);
  else if (usedPercent >= 80) warnings.push(`The data disk is ${pct(usedPercent)} full.`);
  if (projectedUsedPercent >= 80 && projectedUsedPercent > usedPercent + 0.05) {
    warnings.push(`With the current policies and growth the data disk will reach ${pct(projectedUsedPercent)}.`);
  }
  if (fillsOn) warnings.push(`At the current growth the data disk fills on ${fillsOn}.`);
  const level = worst >= 90 || (fillsOn !== null && new Date(fillsOn).getTime() - input.asOf.getTime() < 30 * DAY) ? 'critical' : worst >= 80 || fillsOn ? 'warning' : 'ok';
  return {
    asOf: input.asOf.toISOString(),
    dataDir: input.dataDir,
    disk: { ...facts, usedBytes, usedPercent: round1(usedPercent) },
    classes,
    dataBytes,
    neededBytes,
    projectedUsedPercent: round1(projectedUsedPercent),
    fillsOn,
    level,
    warnings,
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
