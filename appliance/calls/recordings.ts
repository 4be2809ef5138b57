import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { ResolvedTelephonyConfig } from '../telephony/config.js';
import type { TelephonyService } from '../telephony/plugin.js';
import type { CallsRepository } from './repository.js';
import type { Transcoder } from './transcoder.js';

export type { Transcoder } from './transcoder.js';

/** Where MixMonitor's file is read from: the local spool, or a remote Asterisk over ARI. */
export interface RecordingSource {
  readonly kind: 'local' | 'ari';
  read(asteriskPath: string): Promise<Buffer | null>;
  /** Removes Asterisk's file once it is stored here (or holds no audio): a move, not a copy. */
  remove(asteriskPath: string): Promise<void>;
}

/** ARI serves files of its recording spool only; MixMonitor must write there in hybrid mode. */
const ARI_SPOOL = '/var/spool/asterisk/recording/';

export function recordingSourceFor(config: ResolvedTelephonyConfig | null, ari: TelephonyService['ari']): RecordingSource {
  if (config?.mode === 'remote' && ari) {
    const stored = (path: string) => (path.startsWith(ARI_SPOOL) ? path.slice(ARI_SPOOL.length) : posix.basename(path)).replace(/\.[^./]+$/, '');
    return {
      kind: 'ari',
      read: (path) => ari.storedRecording(stored(path)),
      remove: (path) => ari.deleteStoredRecording(stored(path)),
    };
  }
  const local = (path: string) => (config?.recordingsSpool ? join(config.recordingsSpool, basename(path)) : path);
  return {
    kind: 'local',
    async remove(path) {
      rmSync(local(path), { force: true });
    },
    async read(path) {
      const file = local(path);
      try {
        return await readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}

/** A WAV of header only (44 bytes; option `b` on a never-bridged call) holds no audio. */
export function holdsAudio(bytes: Buffer): boolean {
  return bytes.length > 60;
}

function inputFormatOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  if (ext === 'gsm') return 'gsm';
  if (ext === 'mp3') return 'mp3';
  return 'wav'; // wav and wav49 (.WAV) are both RIFF
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * After a call ends: fetch each MixMonitor file, convert it, and store it under
 * `<data>/recordings/YYYY/MM/DD/` — written to a temp name, fsynced, renamed, the directory
 * fsynced, and only then the DB row. Work runs one file at a time so a burst of hang-ups does
 * not start dozens of encoders.
 */
export class RecordingPipeline {
  private chain: Promise<void> = Promise.resolve();
  /** Outcome per Asterisk file, for status and tests. */
  readonly outcomes: Array<{ callId: number; file: string; result: 'stored' | 'empty' | 'missing' | 'failed'; detail?: string }> = [];

  constructor(
    private readonly deps: {
      repo: CallsRepository;
      dataDir: string;
      source: RecordingSource;
      transcoder: Transcoder;
      now: () => Date;
      log: FastifyBaseLogger;
    },
  ) {}

  enqueue(callId: number, files: readonly string[]): void {
    for (const file of files) {
      this.chain = this.chain.then(() =>
        this.process(callId, file).catch((err: Error) => {
          this.outcomes.push({ callId, file, result: 'failed', detail: err.message });
          this.deps.log.error({ err, callId, file }, 'recording could not be stored');
        }),
      );
    }
  }

  /** Resolves when every queued recording is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async process(callId: number, file: string): Promise<void> {
    const bytes = await this.deps.source.read(file);
    if (!bytes) {
      this.outcomes.push({ callId, file, result: 'missing' });
      this.deps.log.warn({ callId, file }, 'recording file not found');
      return;
    }
    if (!holdsAudio(bytes)) {
      await this.deps.source.remove(file);
      this.outcomes.push({ callId, file, result: 'empty' });
      return;
    }
    const call = this.deps.repo.get(callId);
    const day = new Date(call?.startedAt ?? this.deps.now());
    const rel = posix.join(
      'recordings',
      String(day.getUTCFullYear()),
      String(day.getUTCMonth() + 1).padStart(2, '0'),
      String(day.getUTCDate()).padStart(2, '0'),
      `call-${callId}-${basename(file).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.${this.deps.transcoder.format}`,
    );
    const final = join(this.deps.dataDir, rel);
    const dir = join(final, '..');
    mkdirSync(dir, { recursive: true });
    const temp = `${final}.part`;
    try {
      const { durationSec } = await this.deps.transcoder.transcode(bytes, inputFormatOf(file), temp);
      fsyncFile(temp);
      renameSync(temp, final);
      fsyncFile(dir);
      const size = statSync(final).size;
      this.deps.repo.addRecording({
        callId,
        path: rel,
        format: this.deps.transcoder.format,
        bytes: size,
        durationSec: Math.round(durationSec * 100) / 100,
        source: this.deps.source.kind,
        createdAt: this.deps.now().toISOString(),
      });
      // Stored and referenced: Asterisk's copy goes, so nothing escapes retention or the disk forecast.
      await this.deps.source.remove(file);
      this.outcomes.push({ callId, file, result: 'stored' });
    } finally {
      rmSync(temp, { force: true });
    }
  }
}
