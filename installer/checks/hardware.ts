import type { DiskFacts, MemoryFacts } from '../ports/system-facts.js';
import { gb, gib, unreadable } from './format.js';
import { disk as diskReq, ram as ramReq } from './requirements.js';
import type { CheckInput, Outcome, Rule } from './types.js';

export function evaluateRam(facts: MemoryFacts): Outcome {
  const total = facts.memTotalBytes;
  const ok = total >= ramReq.minBytes;
  return {
    status: ok ? 'pass' : 'fail',
    measured: { totalBytes: total, totalGiB: Math.round((total / 1024 ** 3) * 100) / 100, source: '/proc/meminfo MemTotal' },
    required: { nominal: ramReq.nominal, minBytes: ramReq.minBytes },
    display: { measured: gib(total), required: `${ramReq.nominal} (≥ ${gib(ramReq.minBytes)})` },
    message:
      `MemTotal ${gib(total)}; ${ramReq.nominal} required, counted as ≥ ${gib(ramReq.minBytes)} because firmware and the kernel keep part of an 8 GiB machine's memory. ` +
      (ok ? 'Enough.' : `Short by ${gib(ramReq.minBytes - total)}: add memory (8 GB or more).`),
  };
}

/** Space the data directory needs: recordings, plus headroom for the database, mail and backups, never below the floor. */
export function diskNeed(input: Pick<CheckInput, 'recordedMinutesPerDay' | 'retentionDays'>) {
  const recordings = diskReq.bytesPerMinute * input.recordedMinutesPerDay * input.retentionDays;
  const headroom = recordings * diskReq.headroomFraction + diskReq.headroomFixedBytes;
  const computed = recordings + headroom;
  return { recordings, headroom, computed, needed: Math.max(computed, diskReq.minBytes) };
}

export function evaluateDisk(facts: DiskFacts, input: CheckInput): Outcome {
  const need = diskNeed(input);
  const ok = facts.freeBytes >= need.needed;
  const arithmetic =
    `${input.recordedMinutesPerDay} min/day × ${input.retentionDays} days × 120 KB = ${gb(need.recordings)} of recordings; ` +
    `+ ${diskReq.headroomFraction * 100}% (${gb(need.recordings * diskReq.headroomFraction)}) + ${gb(diskReq.headroomFixedBytes)} for the database, mail and backups = ${gb(need.computed)}` +
    (need.computed < diskReq.minBytes ? `, raised to the ${gb(diskReq.minBytes)} minimum` : '') + '.';
  const where = facts.existingPath === facts.requestedPath ? facts.existingPath : `${facts.existingPath} (the volume that will hold ${facts.requestedPath})`;
  return {
    status: ok ? 'pass' : 'fail',
    measured: { path: facts.requestedPath, volumePath: facts.existingPath, freeBytes: facts.freeBytes, totalBytes: facts.totalBytes },
    required: { bytes: need.needed, recordingsBytes: need.recordings, headroomBytes: need.headroom, minBytes: diskReq.minBytes },
    display: { measured: `${gb(facts.freeBytes)} free`, required: gb(need.needed) },
    message: `${arithmetic} Free on ${where}: ${gb(facts.freeBytes)}. ` +
      (ok ? 'Enough.' : `Short by ${gb(need.needed - facts.freeBytes)}: free space, use a larger volume (--data-dir), or lower retention.`),
  };
}

export const ramRule: Rule = {
  id: 'ram',
  hardware: true,
  evaluate: (f) => (f.memory.ok ? evaluateRam(f.memory.value) : unreadable('memory', f.memory.error)),
};

export const diskRule: Rule = {
  id: 'disk',
  hardware: true,
  evaluate: (f, input) => (f.disk.ok ? evaluateDisk(f.disk.value, input) : unreadable('disk', f.disk.error)),
};
