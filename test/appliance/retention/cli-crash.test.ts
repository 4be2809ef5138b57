import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runSourceCli } from '../../support/cli.js';
import { openDatabase, type Db } from '../../../appliance/core/db.js';
import { systemClock } from '../../../appliance/core/clock.js';
import { createRetention } from '../../../appliance/retention/setup.js';
import { generateRecordings } from './real-data.js';
import { DAY, preparedInstallation } from './fixtures.js';

const cli = (args: string[]) => runSourceCli(args, { timeoutMs: 300_000 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('contactbox retention run: kill -9 half-way through 100,000 items, then a re-run', function () {
  this.timeout(600_000);
  let prefix: string;
  let dataDir: string;
  let db: Db;

  let installation: ReturnType<typeof preparedInstallation>;
  before(() => {
    installation = preparedInstallation('retention-cli');
    ({ prefix, dataDir, db } = installation);
  });
  after(() => installation?.remove());

  it('ends in the same state as an uninterrupted run: every expired recording gone (file and row), every other intact; the dry run counted it', async () => {
    const now = new Date();
    // 104,000 recordings over two years, kept 28 days: about 100,000 expire.
    const recordings = generateRecordings(db, dataDir, now, 104_000);
    const { service } = createRetention({ db, clock: systemClock, dataDir, audit: null });
    service.setPolicy('recordings', 28, { source: 'cli', actorId: null });
    const asOf = new Date(now.getTime() - 60_000).toISOString();
    const cutoff = new Date(new Date(asOf).getTime() - 28 * DAY).toISOString();
    const expired = recordings.filter((r) => r.createdAt < cutoff);
    expect(expired.length).to.be.within(99_000, 101_000);

    const dry = await cli(['retention', 'run', '--dry-run', '--as-of', asOf, '--json', '--prefix', prefix]);
    expect(dry.code, dry.stderr).to.equal(0);
    const dryReport = JSON.parse(dry.stdout) as { asOf: string; classes: { class: string; policyDays: number | null; items: number; bytes: number }[] };
    expect(dryReport.asOf).to.equal(asOf);
    const dryRec = dryReport.classes.find((c) => c.class === 'recordings')!;
    expect(dryRec).to.deep.include({ policyDays: 28, items: expired.length, bytes: expired.reduce((a, r) => a + r.bytes, 0) });

    // The real run, killed with SIGKILL once a fifth is gone and a batch is marked mid-deletion.
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'installer/main.ts'), 'retention', 'run', '--as-of', asOf, '--batch-size', '300', '--json', '--prefix', prefix], { cwd: REPO_ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const watch = openDatabase(join(dataDir, 'contactbox.sqlite'), { readonly: true });
    const left = watch.prepare('SELECT count(*) AS n FROM recordings');
    const marked = watch.prepare('SELECT count(*) AS n FROM retention_pending');
    let killedWithMarks = false;
    try {
      for (let i = 0; i < 6000; i++) {
        const remaining = (left.get() as { n: number }).n;
        if (remaining <= recordings.length - expired.length / 5) {
          const pending = (marked.get() as { n: number }).n;
          if (pending > 0 || i % 50 === 0) {
            child.kill('SIGKILL');
            killedWithMarks = pending > 0;
            break;
          }
        }
        await sleep(5);
      }
    } finally {
      watch.close();
    }
    const code = await exited;
    if (process.env.RETENTION_TEST_VERBOSE) process.stderr.write(`killed with marked items: ${killedWithMarks}\n`);
    expect(code, 'the run was killed before it finished').to.equal(null);
    const afterKill = (db.prepare('SELECT count(*) AS n FROM recordings').get() as { n: number }).n;
    expect(afterKill).to.be.above(recordings.length - expired.length);
    expect(db.prepare("SELECT status FROM retention_journal WHERE class = 'recordings' ORDER BY id DESC LIMIT 1").get()).to.deep.equal({ status: 'running' });

    const rerun = await cli(['retention', 'run', '--as-of', asOf, '--json', '--prefix', prefix]);
    expect(rerun.code, rerun.stderr).to.equal(0);
    const report = JSON.parse(rerun.stdout) as { resumed: { items: number }; classes: { class: string; items: number }[] };
    if (killedWithMarks) expect(report.resumed.items).to.be.above(0);

    // Same final state as an uninterrupted run: exactly the expired ones are gone.
    const rows = new Set((db.prepare('SELECT id FROM recordings').all() as { id: number }[]).map((r) => r.id));
    const expiredIds = new Set(expired.map((r) => r.id));
    let wrong = 0;
    for (const r of recordings) {
      const shouldExist = !expiredIds.has(r.id);
      if (rows.has(r.id) !== shouldExist || existsSync(join(dataDir, r.path)) !== shouldExist) wrong++;
    }
    expect(wrong).to.equal(0);
    expect(rows.size).to.equal(recordings.length - expired.length);
    expect(db.prepare('SELECT count(*) AS n FROM retention_pending').get()).to.deep.equal({ n: 0 });
    // The journal counts every item once across the killed run and the re-run.
    const journal = db.prepare("SELECT status, items FROM retention_journal WHERE class = 'recordings' AND as_of = ? ORDER BY id").all(asOf) as { status: string; items: number }[];
    expect(journal.map((j) => j.status)).to.deep.equal(['interrupted', 'finished']);
    expect(journal.reduce((a, j) => a + j.items, 0)).to.equal(expired.length);

    const verify = await cli(['retention', 'verify', '--json', '--prefix', prefix]);
    const v = JSON.parse(verify.stdout) as { orphanFiles: { count: number }; missingFiles: { count: number }; rowsChecked: number };
    expect(v.orphanFiles.count).to.equal(0);
    expect(v.missingFiles.count).to.equal(0);
    expect(v.rowsChecked).to.equal(recordings.length - expired.length);
    expect(verify.code).to.equal(0);
  });
});
