import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSourceCli } from '../../support/cli.js';
import type { Db } from '../../../appliance/core/db.js';
import { generateRealData } from './real-data.js';
import { generateAudit, DAY, preparedInstallation } from './fixtures.js';

// These tests read many nested fields of the JSON output; `any` keeps them readable.
const cli = async (...args: string[]) => {
  const r = await runSourceCli(args, { timeoutMs: 300_000 });
  return { ...r, json: () => r.json<any>() };
};

describe('contactbox retention show|set|run|verify on an installation under --prefix', function () {
  this.timeout(180_000);
  let prefix: string;
  let dataDir: string;
  let db: Db;
  const p = () => ['--prefix', prefix];

  let installation: ReturnType<typeof preparedInstallation>;
  before(() => {
    installation = preparedInstallation('retention-cli2');
    ({ prefix, dataDir, db } = installation);
  });
  after(() => installation?.remove());

  it('says what is wrong when there is no installation', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'contactbox-retention-none-'));
    const r = await cli('retention', 'show', '--json', '--prefix', empty);
    rmSync(empty, { recursive: true, force: true });
    expect(r.code).to.equal(1);
    expect(r.json().error.code).to.equal('NOT_INSTALLED');
  });

  it('sets policies (asking for --yes before one that deletes data), runs dry and for real with equal counts, and verifies files', async () => {
    const now = new Date();
    const data = generateRealData(db, dataDir, now, { calls: 600, mails: 450 }, 21);
    const ats = generateAudit(db, now, 300, 4);

    const shown = await cli('retention', 'show', '--json', ...p());
    expect(shown.code, shown.stderr).to.equal(0);
    const days = Object.fromEntries(shown.json().policies.map((x: { class: string; days: number | null }) => [x.class, x.days]));
    expect(days).to.deep.equal({ recordings: 365, mail: null, chats: null, calls: null, audit: null });
    expect(shown.json().forecast.classes.find((c: { class: string }) => c.class === 'recordings').items).to.equal(600);

    const refused = await cli('retention', 'set', 'mail', '300', '--json', ...p());
    expect(refused.code).to.equal(1);
    expect(refused.json().error.code).to.equal('CONFIRMATION_NEEDED');
    expect(refused.json().error.message).to.match(/deletes \d+ item/);
    expect(db.prepare("SELECT days FROM retention_policies WHERE class = 'mail'").get()).to.deep.equal({ days: null });
    for (const [cls, d] of [['mail', '300'], ['recordings', '90'], ['calls', '500'], ['audit', '200'], ['chats', '30']]) {
      const r = await cli('retention', 'set', cls!, d!, '--yes', '--json', ...p());
      expect(r.code, `${cls}: ${r.stdout}${r.stderr}`).to.equal(0);
      expect(r.json().saved).to.equal(true);
    }
    const bad = await cli('retention', 'set', 'faxes', '30', '--json', ...p());
    expect(bad.code).to.equal(2);
    expect(bad.json().error.code).to.equal('RETENTION_UNKNOWN_CLASS');
    const conflict = await cli('retention', 'set', 'calls', '30', '--yes', '--json', ...p());
    expect(conflict.json().error.code).to.equal('RETENTION_POLICY_CONFLICT');
    expect((await cli('retention', 'run', '--dry-run', '--as-of', '2026-13-01', '--json', ...p())).code).to.equal(2);
    const future = await cli('retention', 'run', '--as-of', new Date(now.getTime() + 5 * DAY).toISOString().slice(0, 10), '--json', ...p());
    expect(future.code).to.equal(2);
    expect(future.json().error.code).to.equal('RETENTION_AS_OF_IN_FUTURE');

    const asOf = new Date(now.getTime() - 3 * DAY).toISOString().slice(0, 10);
    const dry = await cli('retention', 'run', '--dry-run', '--as-of', asOf, '--json', ...p());
    expect(dry.code, dry.stderr).to.equal(0);
    const d = dry.json();
    expect(d.asOf).to.equal(`${asOf}T00:00:00.000Z`);
    const cut = (n: number) => new Date(new Date(d.asOf).getTime() - n * DAY).toISOString();
    const expected = {
      recordings: data.recordings.filter((r) => r.createdAt < cut(90)).length,
      mail: data.mail.filter((m) => m.receivedAt < cut(300)).length,
      calls: data.calls.filter((c) => c.startedAt < cut(500)).length,
      audit: ats.filter((a) => a < cut(200)).length,
    };
    const dryItems = Object.fromEntries(d.classes.map((c: { class: string; items: number }) => [c.class, c.items]));
    expect(dryItems).to.deep.equal({ ...expected, chats: 0 });
    expect(d.classes.find((c: { class: string }) => c.class === 'chats')).to.deep.equal({ class: 'chats', policyDays: 30, items: 0, bytes: 0, registered: true });
    for (const c of d.classes) expect(Object.keys(c)).to.include.members(['class', 'policyDays', 'items', 'bytes']);

    const real = await cli('retention', 'run', '--as-of', asOf, '--json', ...p());
    expect(real.code, real.stderr).to.equal(0);
    expect(real.json().classes).to.deep.equal(d.classes);
    expect((db.prepare('SELECT count(*) AS n FROM mail_messages').get() as { n: number }).n).to.equal(data.mail.length - expected.mail);
    expect((db.prepare("SELECT count(*) AS n FROM mail_tombstones WHERE reason = 'retention'").get() as { n: number }).n).to.equal(expected.mail);
    for (const m of data.mail.filter((x) => x.receivedAt < cut(300))) for (const f of m.files) expect(existsSync(join(dataDir, f)), f).to.equal(false);

    const human = await cli('retention', 'show', ...p());
    expect(human.stdout).to.match(/recordings\s+90 days/);
    expect(human.stdout).to.match(/chats\s+30 days\s+0\b/);

    // An orphan file and a row whose file is gone.
    const orphan = join(dataDir, 'recordings/1999/01/01/lost.opus');
    mkdirSync(join(dataDir, 'recordings/1999/01/01'), { recursive: true });
    writeFileSync(orphan, 'lost');
    utimesSync(orphan, new Date('2020-01-01'), new Date('2020-01-01'));
    const kept = data.recordings.find((r) => r.createdAt >= cut(90))!;
    rmSync(join(dataDir, kept.path));
    const v = await cli('retention', 'verify', '--json', ...p());
    expect(v.code).to.equal(1);
    expect(v.json().orphanFiles.sample).to.deep.equal(['recordings/1999/01/01/lost.opus']);
    expect(v.json().missingFiles.sample).to.deep.equal([{ class: 'recordings', path: kept.path }]);
    const repaired = await cli('retention', 'verify', '--repair', '--json', ...p());
    expect(repaired.json().quarantined).to.equal(1);
    expect(existsSync(orphan)).to.equal(false);
    expect(existsSync(join(repaired.json().quarantineDir, 'recordings/1999/01/01/lost.opus'))).to.equal(true);
  });
});
