import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Db } from '../../../appliance/core/db.js';
import { DAY, rng } from './fixtures.js';

/** Generated rows of the calls and mail capabilities' real tables, with their files. */
export interface RealData {
  calls: { id: number; startedAt: string; contactId: number }[];
  recordings: { id: number; callId: number; createdAt: string; path: string; bytes: number }[];
  mail: { id: number; threadId: number; receivedAt: string; contactId: number; files: string[]; bytes: number }[];
}

function writeFiles(dataDir: string, files: { path: string; bytes: number }[]): void {
  const dirs = new Set<string>();
  for (const f of files) {
    const abs = join(dataDir, f.path);
    const dir = dirname(abs);
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    writeFileSync(abs, Buffer.alloc(f.bytes, 7));
  }
}

/**
 * `calls` calls spread over the two years before `now`, each with one recording made a minute
 * after the call started (file under recordings/YYYY/MM/DD/), and `mails` messages with a raw
 * file and, for every third, an attachment (files under mail/), bound to contacts.
 */
export function generateRealData(db: Db, dataDir: string, now: Date, counts: { calls: number; mails: number; contacts?: number; span?: number }, seed = 5): RealData {
  const random = rng(seed);
  const contacts = counts.contacts ?? 40;
  const span = counts.span ?? 730;
  const out: RealData = { calls: [], recordings: [], mail: [] };
  const files: { path: string; bytes: number }[] = [];
  const insertCall = db.prepare(
    "INSERT INTO calls (linked_id, direction, from_number, to_number, contact_id, started_at, legs, updated_at) VALUES (?, 'inbound', '+380671234567', '100', ?, ?, '[]', ?)",
  );
  const insertRecording = db.prepare("INSERT INTO recordings (call_id, path, format, bytes, duration_sec, source, created_at) VALUES (?, ?, 'opus', ?, 60, 'test', ?)");
  const insertThread = db.prepare('INSERT INTO mail_threads (subject_key, last_message_at) VALUES (?, ?)');
  const insertMessage = db.prepare(
    `INSERT INTO mail_messages (message_id, content_hash, thread_id, direction, subject, from_json, to_json, cc_json, received_at, raw_path, raw_bytes, created_at)
     VALUES (?, ?, ?, 'in', 'Hello', '[]', '[]', '[]', ?, ?, ?, ?)`,
  );
  const insertAttachment = db.prepare("INSERT INTO mail_attachments (message_id, name, content_type, bytes, path, sha256) VALUES (?, 'a.pdf', 'application/pdf', ?, ?, ?)");
  const insertLink = db.prepare("INSERT INTO mail_message_contacts (message_id, contact_id, role) VALUES (?, ?, 'from')");
  db.transaction(() => {
    for (let i = 0; i < counts.calls; i++) {
      const started = now.getTime() - Math.floor(random() * span * DAY) - 120_000;
      const startedAt = new Date(started).toISOString();
      const contactId = 1 + Math.floor(random() * contacts);
      const callId = Number(insertCall.run(`linked-${seed}-${i}`, contactId, startedAt, startedAt).lastInsertRowid);
      out.calls.push({ id: callId, startedAt, contactId });
      const createdAt = new Date(started + 60_000).toISOString();
      const path = `recordings/${createdAt.slice(0, 10).replace(/-/g, '/')}/${callId}.opus`;
      const bytes = 16 + Math.floor(random() * 48);
      const id = Number(insertRecording.run(callId, path, bytes, createdAt).lastInsertRowid);
      out.recordings.push({ id, callId, createdAt, path, bytes });
      files.push({ path, bytes });
    }
    let threadId = 0;
    for (let i = 0; i < counts.mails; i++) {
      const receivedAt = new Date(now.getTime() - Math.floor(random() * span * DAY)).toISOString();
      if (i % 3 === 0) threadId = Number(insertThread.run(`subject ${i}`, receivedAt).lastInsertRowid);
      const contactId = 1 + Math.floor(random() * contacts);
      const raw = `mail/raw/${receivedAt.slice(0, 7)}/${seed}-${i}.eml`;
      const rawBytes = 20 + Math.floor(random() * 40);
      const id = Number(insertMessage.run(`<m${seed}-${i}@test>`, `h${i}`, threadId, receivedAt, raw, rawBytes, receivedAt).lastInsertRowid);
      insertLink.run(id, contactId);
      const msgFiles = [raw];
      files.push({ path: raw, bytes: rawBytes });
      let bytes = rawBytes;
      if (i % 3 === 1) {
        const att = `mail/attachments/${seed}-${i}.bin`;
        insertAttachment.run(id, 30, att, `sha-${i}`);
        files.push({ path: att, bytes: 30 });
        msgFiles.push(att);
        bytes += 30;
      }
      out.mail.push({ id, threadId, receivedAt, contactId, files: msgFiles, bytes });
    }
  })();
  writeFiles(dataDir, files);
  return out;
}

/** Only calls with recordings, fast, for the 100,000-item crash test and the bench. */
export function generateRecordings(db: Db, dataDir: string, now: Date, count: number, span = 730, seed = 9): RealData['recordings'] {
  return generateRealData(db, dataDir, now, { calls: count, mails: 0, span }, seed).recordings;
}
