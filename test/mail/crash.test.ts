import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { generateCorpus, makeMessage, type Corpus } from './support/corpus.js';
import { client, count, mailboxBody, openMailApp, tempDataDir } from './support/mail-app.js';

const child = fileURLToPath(new URL('./support/sync-child.ts', import.meta.url));

describe('mail sync survives crashes and server changes (real Dovecot)', function () {
  this.timeout(240_000);
  let dovecot: Dovecot;
  let corpus: Corpus;

  before(async () => {
    dovecot = await startDovecot();
    corpus = generateCorpus(1000);
    await dovecot.append('Bulk', corpus.raws);
  });
  after(async () => dovecot?.stop());

  it('a sync process SIGKILLed mid-way resumes on restart with no loss and no duplicate', async () => {
    const data = tempDataDir();
    try {
      let m = await openMailApp(data.dir);
      const admin = await client(m, 'admin');
      const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'crash@corp.test', { folders: ['Bulk'] }))).json().id as number;
      await m.close();

      const proc = spawn(process.execPath, ['--import', 'tsx', child, data.dir, String(id), '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      const reader = new Database(join(data.dir, 'contactbox.sqlite'), { readonly: true, fileMustExist: true });
      reader.pragma('busy_timeout = 5000');
      let seen = 0;
      const deadline = Date.now() + 120_000;
      while (seen < 300 && Date.now() < deadline && proc.exitCode === null) {
        await new Promise((r) => setTimeout(r, 20));
        try {
          seen = count(reader, 'SELECT COUNT(*) AS n FROM mail_sightings');
        } catch {
          seen = 0; // tables not there yet
        }
      }
      proc.kill('SIGKILL');
      await exited;
      expect(output, output).not.to.include('done');
      const atKill = count(reader, 'SELECT COUNT(*) AS n FROM mail_sightings');
      if (atKill === 0) throw new Error(`the sync process did not get going: ${output}`);
      const cursor = count(reader, "SELECT last_uid AS n FROM mail_folders WHERE path = 'Bulk'");
      reader.close();
      expect(atKill).to.be.within(300, 999);
      // The cursor moved exactly with the committed messages.
      expect(cursor).to.equal(atKill);

      m = await openMailApp(data.dir);
      const report = await m.app.mail.syncNow(id);
      expect(report.fetched).to.equal(1000 - atKill);
      expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(corpus.uniqueMessages);
      expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_sightings')).to.equal(1000);
      expect(count(m.db, 'SELECT COUNT(*) AS n FROM (SELECT uid FROM mail_sightings GROUP BY folder_id, uid HAVING COUNT(*) > 1)')).to.equal(0);
      const rows = m.db.prepare('SELECT raw_path AS p, raw_bytes AS b FROM mail_messages UNION ALL SELECT path, bytes FROM mail_attachments').all() as { p: string; b: number }[];
      for (const r of rows) expect(statSync(join(data.dir, r.p)).size).to.equal(r.b);
      // Temporary files the killed process left behind are swept after the restart.
      await new Promise((r) => setTimeout(r, 500));
      const tmp = readdirSync(join(data.dir, 'mail'), { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
      expect(tmp).to.deep.equal([]);
      await m.close();
    } finally {
      data.remove();
    }
  });

  it('a UIDVALIDITY change (folder deleted and recreated) re-syncs without duplicates; deleted mail stays deleted', async () => {
    const first = Array.from({ length: 30 }, (_, i) => Buffer.from(makeMessage(7000 + i, i % 8)));
    const before = await dovecot.append('Projects', first);
    const data = tempDataDir();
    const m = await openMailApp(data.dir);
    try {
      const admin = await client(m, 'admin');
      const id = (await admin.request('POST', '/api/v1/mailboxes', mailboxBody(dovecot, 'projects@corp.test', { folders: ['Projects'] }))).json().id as number;
      await m.app.mail.syncNow(id);
      expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(30);

      // Deleted in contactbox (as retention would): files and rows go, a tombstone stays.
      const victim = m.db.prepare("SELECT id, raw_path FROM mail_messages WHERE message_id = 'msg-7003@client.test'").get() as { id: number; raw_path: string };
      const result = m.app.mail.deleteMessages([victim.id], 'test');
      expect(result.deleted).to.equal(1);
      expect(() => statSync(join(data.dir, victim.raw_path))).to.throw();

      const c = await dovecot.client();
      await c.mailboxDelete('Projects');
      await c.mailboxCreate('Projects');
      await c.logout();
      const extra = Array.from({ length: 5 }, (_, i) => Buffer.from(makeMessage(7100 + i, 7)));
      const after = await dovecot.append('Projects', [...first, ...extra]);
      expect(after).not.to.equal(before);

      const report = await m.app.mail.syncNow(id);
      expect(report.fetched).to.equal(35);
      expect(report.tombstoned).to.equal(1);
      expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_messages')).to.equal(34);
      expect(count(m.db, 'SELECT COUNT(*) AS n FROM mail_sightings')).to.equal(34);
      expect(count(m.db, "SELECT COUNT(*) AS n FROM mail_messages WHERE message_id = 'msg-7003@client.test'")).to.equal(0);
      expect(m.db.prepare("SELECT uidvalidity FROM mail_folders WHERE path = 'Projects'").get()).to.deep.equal({ uidvalidity: String(after) });
    } finally {
      await m.close();
      data.remove();
    }
  });
});
