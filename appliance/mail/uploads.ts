import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';
import { writeFileDurably } from './parse/durable-file.js';

/** What the composer attaches: the file's name, type and size, and the id the message refers to. */
export interface Upload {
  id: string;
  name: string;
  contentType: string;
  bytes: number;
}

export interface UploadLimits {
  /** One file at most. */
  maxBytes: number;
  /** All attachments of one message together. */
  maxTotalBytes: number;
  /** File name extensions refused (programs and scripts a customer's mail filter would drop anyway). */
  blockedExtensions: readonly string[];
}

export const defaultUploadLimits: UploadLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  blockedExtensions: ['exe', 'com', 'bat', 'cmd', 'scr', 'pif', 'msi', 'msp', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ps1', 'jar', 'lnk', 'hta', 'cpl', 'reg', 'dll'],
};

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Files not sent within a day are removed. */
const KEEP_MS = 24 * 3600 * 1000;

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Files attached in the composer before the message is sent: each user's own folder under
 * `uploads/mail/<userId>/` (outside the mail store, so retention never mistakes them for its
 * orphans), the bytes and a small description beside them. Sending reads them into the message;
 * the sent message is then parsed and its attachments stored content-addressed like incoming
 * mail's, and the upload is removed. Uploads never sent are removed after a day.
 */
export class MailUploads {
  constructor(
    private readonly dataDir: string,
    readonly limits: UploadLimits,
  ) {}

  private dir(userId: number): string {
    return join(this.dataDir, 'uploads', 'mail', String(userId));
  }

  async add(userId: number, rawName: string, contentType: string, bytes: Buffer): Promise<Upload> {
    const name = cleanName(rawName);
    if (!name) throw new AppError('MAIL_UPLOAD_INVALID', { detail: 'the file has no name' });
    if (bytes.length === 0) throw new AppError('MAIL_UPLOAD_INVALID', { detail: 'the file is empty' });
    if (bytes.length > this.limits.maxBytes) throw new AppError('MAIL_UPLOAD_TOO_LARGE', { limit: formatBytes(this.limits.maxBytes) });
    const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
    if (this.limits.blockedExtensions.includes(ext)) throw new AppError('MAIL_UPLOAD_TYPE_REFUSED', { name });
    const type = /^[\w.+-]+\/[\w.+-]+$/.test(contentType) ? contentType.toLowerCase() : 'application/octet-stream';
    await this.sweep(userId).catch(() => undefined);
    const upload: Upload = { id: randomUUID(), name, contentType: type, bytes: bytes.length };
    const dir = this.dir(userId);
    await mkdir(dir, { recursive: true });
    writeFileDurably(dir, upload.id, bytes);
    await writeFile(join(dir, `${upload.id}.json`), JSON.stringify(upload));
    return upload;
  }

  /** The files of the user's own uploads, in order; a missing one is a coded error. */
  async take(userId: number, ids: readonly string[]): Promise<Array<Upload & { content: Buffer }>> {
    const out: Array<Upload & { content: Buffer }> = [];
    let total = 0;
    for (const id of ids) {
      if (!ID.test(id)) throw new AppError('MAIL_UPLOAD_NOT_FOUND', { id });
      const dir = this.dir(userId);
      const meta = await readFile(join(dir, `${id}.json`), 'utf8').then((t) => JSON.parse(t) as Upload, () => null);
      const content = meta ? await readFile(join(dir, id)).catch(() => null) : null;
      if (!meta || !content) throw new AppError('MAIL_UPLOAD_NOT_FOUND', { id });
      total += content.length;
      if (total > this.limits.maxTotalBytes) throw new AppError('MAIL_ATTACHMENTS_TOO_LARGE', { limit: formatBytes(this.limits.maxTotalBytes) });
      out.push({ ...meta, content });
    }
    return out;
  }

  /** Removes uploads (after the message carrying them was stored, or when the user takes one off). */
  async remove(userId: number, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (!ID.test(id)) continue;
      await rm(join(this.dir(userId), id), { force: true });
      await rm(join(this.dir(userId), `${id}.json`), { force: true });
    }
  }

  private async sweep(userId: number): Promise<void> {
    const dir = this.dir(userId);
    // File times are the file system's real clock, not the app's.
    const cutoff = Date.now() - KEEP_MS;
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      const s = await stat(join(dir, entry)).catch(() => null);
      if (s && s.mtimeMs < cutoff) await rm(join(dir, entry), { force: true });
    }
  }
}

/** A file name as the customer will see it: no path, no control characters, at most 200 characters. */
function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
}
