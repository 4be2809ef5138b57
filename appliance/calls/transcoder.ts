import { spawn } from 'node:child_process';

/** Turns a recording into the stored, browser-playable format. */
export interface Transcoder {
  /** Output format, e.g. `ogg` (Ogg Opus) — also the file extension and the served type. */
  readonly format: string;
  readonly mimeType: string;
  transcode(input: Buffer, inputFormat: string, outputFile: string): Promise<{ durationSec: number }>;
}

/**
 * ffmpeg (Debian package `ffmpeg`) in a child process, so the event loop never does the work:
 * mono Opus at 12 kbit/s in Ogg, tuned for speech. That is ~90 KB per recorded minute, under
 * the 120 KB/min budget with room for the container, and Chrome plays it natively.
 */
export class FfmpegTranscoder implements Transcoder {
  readonly format = 'ogg';
  readonly mimeType = 'audio/ogg';

  constructor(private readonly binary = 'ffmpeg', private readonly bitrate = '12k') {}

  transcode(input: Buffer, inputFormat: string, outputFile: string): Promise<{ durationSec: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        this.binary,
        ['-hide_banner', '-nostats', '-f', inputFormat, '-i', 'pipe:0', '-vn', '-ac', '1', '-c:a', 'libopus', '-b:a', this.bitrate, '-application', 'voip', '-f', 'ogg', '-y', outputFile],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-8000);
      });
      child.on('error', (err) => reject(new Error(`cannot run ${this.binary}: ${err.message}`)));
      child.stdin.on('error', () => {
        /* ffmpeg may close stdin early on bad input; its exit code tells */
      });
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`${this.binary} failed (${code}): ${stderr.split('\n').slice(-3).join(' ').trim()}`));
        const times = [...stderr.matchAll(/time=(\d+):(\d\d):(\d\d(?:\.\d+)?)/g)];
        const last = times.at(-1);
        const durationSec = last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : 0;
        resolve({ durationSec });
      });
      child.stdin.end(input);
    });
  }
}
