import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../../appliance/licensing/fingerprint.js';
import { installPaths } from '../../installer/paths.js';
import { REPO, facts, factsFile, license, runTs, type Run } from './helpers.js';

/** The whole offline flow through the real entry points: `npx tsx installer/main.ts license …` and scripts/issue-license. */
describe('licensing: request → issue → activate through the CLI', function () {
  this.timeout(120_000);
  let dir: string;
  let prefix: string;
  const onA = { CONTACTBOX_FACTS_FILE: factsFile('server-a') };
  const cli = (args: string[], env: NodeJS.ProcessEnv = onA) => runTs('installer/main.ts', ['license', ...args, '--prefix', prefix, '--json'], env);
  /** The vendor's tool, run as an executable. */
  const spawnIssue = (args: string[]): Promise<Run> =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(`${REPO}scripts/issue-license`, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: <T>() => JSON.parse(stdout) as T }));
    });
  const errorCode = (r: Run) => (r.json() as { error: { code: string } }).error.code;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'contactbox-license-cli-'));
    prefix = join(dir, 'root');
    mkdirSync(prefix);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('request prints a code carrying the fingerprint; the vendor issues from it; activate installs it; show reports it', async () => {
    const req = await cli(['request']);
    expect(req.code, req.stderr).to.equal(0);
    const { code, fingerprint } = req.json<{ code: string; fingerprint: string }>();
    expect(fingerprint).to.equal(fingerprintOf(facts('server-a')));
    expect(code).to.match(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);

    const out = join(dir, 'acme.lic');
    const issued = await spawnIssue(['--request', code, '--sessions', '5', '--modules', 'telephony,chat', '--sites', '2', '--customer', 'ACME Ltd', '--expires', '2099-12-31', '--out', out]);
    expect(issued.code, issued.stderr).to.equal(0);
    expect(issued.json()).to.include({ fingerprint, sessions: 5, sites: 2, expiresAt: '2099-12-31T23:59:59.999Z' });

    const act = await cli(['activate', out]);
    expect(act.code, act.stderr + act.stdout).to.equal(0);
    expect(act.json()).to.include({ status: 'licensed', sessions: 5, customer: 'ACME Ltd' });
    expect(readFileSync(installPaths(prefix).licenseFile, 'utf8')).to.equal(readFileSync(out, 'utf8'));

    const show = await cli(['show']);
    expect(show.code).to.equal(0);
    const shown = show.json<Record<string, unknown>>();
    expect(shown).to.include({ status: 'licensed', customer: 'ACME Ltd', sessions: 5, sites: 2, expires: '2099-12-31T23:59:59.999Z', fingerprintMatch: true, inUse: 0, peak: 0 });
    expect(shown.modules).to.deep.equal(['telephony', 'chat']);
    expect(shown.id).to.match(/^CB-\d{8}-[0-9A-F]{8}$/);
    for (const key of ['status', 'id', 'customer', 'sessions', 'modules', 'sites', 'expires', 'updatesUntil', 'fingerprintMatch', 'inUse', 'peak']) {
      expect(shown).to.have.property(key);
    }

    // The same licence on the server after a NIC swap still shows as matching.
    const nic = await cli(['show'], { CONTACTBOX_FACTS_FILE: factsFile('server-a-new-nic') });
    expect(nic.json()).to.include({ status: 'licensed', fingerprintMatch: true });
  });

  it('refuses each bad licence with its own reason code and leaves the installed licence untouched', async () => {
    const installed = readFileSync(installPaths(prefix).licenseFile, 'utf8');
    const good = license({ sessions: 3 });
    const file = (name: string, text: string) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: [string, string][] = [
      ['flipped byte', good.replace('"sessions":3', '"sessions":4')],
      ['another server', license({ fingerprint: fingerprintOf(facts('server-b')) })],
      ['another key', license({}, stranger)],
      ['expired', license({ issuedAt: iso(now - 90 * 86_400_000), expiresAt: iso(now - 86_400_000) })],
      ['future-dated', license({ issuedAt: iso(now + 40 * 86_400_000) })],
      ['malformed', 'contactbox-license 1\n{not json}\ned25519 xyz\n'],
      ['too old for this version', license({ updatesUntil: '2025-01-01T00:00:00.000Z' })],
    ];
    const results = await Promise.all(cases.map(([, text], i) => cli(['activate', file(`bad-${i}.lic`, text)])));
    const codes = Object.fromEntries(cases.map(([name], i) => [name, [results[i]!.code, errorCode(results[i]!)]]));
    expect(codes).to.deep.equal({
      'flipped byte': [1, 'LICENSE_BAD_SIGNATURE'],
      'another server': [1, 'LICENSE_WRONG_SERVER'],
      'another key': [1, 'LICENSE_BAD_SIGNATURE'],
      expired: [1, 'LICENSE_EXPIRED'],
      'future-dated': [1, 'LICENSE_NOT_YET_VALID'],
      malformed: [1, 'LICENSE_MALFORMED'],
      'too old for this version': [1, 'LICENSE_WRONG_PRODUCT'],
    });
    expect(readFileSync(installPaths(prefix).licenseFile, 'utf8')).to.equal(installed);

    // A licence meant for server A, tried on a VM cloned from it.
    const clone = await cli(['activate', file('good.lic', good)], { CONTACTBOX_FACTS_FILE: factsFile('server-a-clone') });
    expect(errorCode(clone)).to.equal('LICENSE_WRONG_SERVER');
  });

  it('refuses a licence when the clock was turned back past its expiry (LICENSE_CLOCK_ROLLBACK)', async () => {
    const now = Date.now();
    const paths = installPaths(prefix);
    // The installation has already seen a time 60 days ahead; the licence ran out 30 days ahead.
    writeFileSync(join(paths.dataDir, 'license-clock.json'), JSON.stringify({ firstSeen: new Date(now - 86_400_000).toISOString(), latestSeen: new Date(now + 60 * 86_400_000).toISOString() }));
    const f = join(dir, 'rollback.lic');
    writeFileSync(f, license({ issuedAt: new Date(now - 86_400_000).toISOString(), expiresAt: new Date(now + 30 * 86_400_000).toISOString() }));
    const r = await cli(['activate', f]);
    expect(r.code).to.equal(1);
    expect(errorCode(r)).to.equal('LICENSE_CLOCK_ROLLBACK');
    expect((r.json() as { error: { message: string } }).error.message).to.match(/behind the latest time this server has seen/);
  });

  it('issue-license refuses a request code with one mistyped character, and bad limits, with exit 2 and a clear message', async () => {
    const req = (await cli(['request'])).json<{ code: string }>();
    const typo = req.code.slice(0, 7) + (req.code[7] === 'A' ? 'B' : 'A') + req.code.slice(8);
    const out = join(dir, 'never.lic');
    const bad = await spawnIssue(['--request', typo, '--sessions', '2', '--modules', 'telephony', '--sites', '1', '--out', out]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('typing mistake');
    const badModule = await spawnIssue(['--request', req.code, '--sessions', '2', '--modules', 'telephony,fax', '--sites', '1', '--out', out]);
    expect([badModule.code, badModule.stderr]).to.satisfy(([c, e]: [number, string]) => c === 2 && e.includes('unknown module(s) fax'));
    const badSessions = await spawnIssue(['--request', req.code, '--sessions', '0', '--modules', 'telephony', '--sites', '1', '--out', out]);
    expect(badSessions.code).to.equal(2);
    expect(badSessions.stderr).to.contain('--sessions must be between 1 and 100000');
  });
});
