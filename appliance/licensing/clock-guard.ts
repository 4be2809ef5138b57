import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/**
 * The first and the latest time this installation has seen. Kept twice — in the database
 * (licensing_state) and in a side file next to it — and merged (earliest first, latest
 * latest), so that restoring an old database or deleting the side file alone does not
 * restart the evaluation or hide a clock turned back.
 */
export interface ClockMarks {
  firstSeen: Date | null;
  latestSeen: Date | null;
}

export const SIDE_FILE_NAME = 'license-clock.json';

export function sideFilePath(dataDir: string): string {
  return join(dataDir, SIDE_FILE_NAME);
}

const parseTime = (v: unknown): Date | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t);
};

export function readSideFile(file: string): ClockMarks {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { firstSeen: parseTime(raw.firstSeen), latestSeen: parseTime(raw.latestSeen) };
  } catch {
    return { firstSeen: null, latestSeen: null };
  }
}

export function writeSideFile(file: string, marks: ClockMarks): void {
  writeFileAtomic(file, `${JSON.stringify({ firstSeen: marks.firstSeen?.toISOString() ?? null, latestSeen: marks.latestSeen?.toISOString() ?? null })}\n`);
}

export function marksFromValues(firstSeen: string | null, latestSeen: string | null): ClockMarks {
  return { firstSeen: parseTime(firstSeen), latestSeen: parseTime(latestSeen) };
}

const pick = (a: Date | null, b: Date | null, f: (x: number, y: number) => number) =>
  a && b ? new Date(f(a.getTime(), b.getTime())) : (a ?? b);

export function mergeMarks(...all: ClockMarks[]): ClockMarks {
  return all.reduce<ClockMarks>(
    (acc, m) => ({ firstSeen: pick(acc.firstSeen, m.firstSeen, Math.min), latestSeen: pick(acc.latestSeen, m.latestSeen, Math.max) }),
    { firstSeen: null, latestSeen: null },
  );
}

/** The marks after seeing `now`: the first time is set once, the latest only moves forward. */
export function advanceMarks(marks: ClockMarks, now: Date): ClockMarks {
  return {
    firstSeen: marks.firstSeen ?? now,
    latestSeen: marks.latestSeen && marks.latestSeen.getTime() >= now.getTime() ? marks.latestSeen : now,
  };
}
