import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freeUdpRun, startRealAsterisk, waitFor, type RealAsterisk } from '../support/real-asterisk.js';
import { freePort, runCli } from '../support/cli.js';
import { https as installedHttps } from '../support/system-root.js';

const PASSWORD = 'live-apply-Pa55word!';

/**
 * A local install against a real Asterisk 22 (an existing one, its configuration in a folder of
 * its own): the installer names Asterisk's folder in the configuration and gives contactbox's
 * files a folder the service writes, so a trunk added through the installed appliance's API
 * reaches Asterisk at once, with nobody running `contactbox trunk apply`.
 */
describe('installer: a local install applies console changes to Asterisk live', function () {
  this.timeout(600_000);
  let ast: RealAsterisk;
  let prefix: string;
  let port: number;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(300_000);
    ast = await startRealAsterisk({ provision: false });
    prefix = mkdtempSync(join(tmpdir(), 'contactbox-live-'));
    port = await freePort();
    const answers = join(prefix, 'answers.json');
    const { net } = ast;
    writeFileSync(
      answers,
      JSON.stringify({
        profile: 'evaluation',
        admin: { username: 'boss', password: PASSWORD },
        telephony: { mode: 'local', asterisk: 'existing', asteriskConfigDir: ast.etcDir, sipPort: net.sip, amiPort: net.ami, httpPort: net.http, rtp: net.rtp },
      }),
    );
    // The existing Asterisk's binary, as `asterisk` on the PATH of a server that has one.
    env = { PATH: `${join(ast.tree, 'sbin')}:${process.env.PATH}` };
    const r = await runCli(['install', '--prefix', prefix, '--answers', answers, '--yes', '--port', String(port), '--json'], { env });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
  });
  after(async () => {
    if (prefix) {
      await runCli(['uninstall', '--prefix', prefix, '--purge', '--yes', '--json'], { env });
      rmSync(prefix, { recursive: true, force: true });
    }
    await ast?.stop();
  });

  it("names Asterisk's folder for the live apply and keeps contactbox's files in a folder of their own", () => {
    const config = parse(readFileSync(join(prefix, 'etc/contactbox/contactbox.yaml'), 'utf8')) as { telephony: Record<string, unknown>; softphone: Record<string, unknown> };
    const own = join(ast.etcDir, 'contactbox');
    expect(config.telephony).to.include({ mode: 'local', asteriskEtcDir: ast.etcDir, asteriskFilesDir: own });
    expect(config.softphone).to.include({ asteriskOperatorsFile: join(own, 'pjsip_operators.conf') });
    for (const name of ['pjsip', 'extensions', 'queues', 'manager']) {
      expect(existsSync(join(own, `${name}_contactbox.conf`)), name).to.equal(true);
      expect(existsSync(join(ast.etcDir, `${name}_contactbox.conf`)), name).to.equal(false);
      expect(readFileSync(join(ast.etcDir, `${name}.conf`), 'utf8')).to.include(`#tryinclude contactbox/${name}_contactbox.conf`);
    }
  });

  it('a trunk added through the installed appliance is in Asterisk when the answer comes, and leaves it when removed', async () => {
    const ca = readFileSync(join(prefix, 'etc/contactbox/tls/ca.crt'), 'utf8');
    const login = await installedHttps(port, ca, 'POST', '/api/v1/auth/login', { username: 'boss', password: PASSWORD });
    expect(login.status, login.body).to.equal(200);
    const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken };

    const state = JSON.parse((await installedHttps(port, ca, 'GET', '/api/v1/trunks/asterisk', undefined, headers)).body);
    expect(state.live, JSON.stringify(state)).to.equal(true);

    const gsm = { kind: 'gsm', name: 'office-gsm', host: '127.0.0.1', auth: 'ip', port: await freeUdpRun(2), channels: 2, dids: ['380671130001', '380671130002'], outbound: ['0'] };
    const added = await installedHttps(port, ca, 'POST', '/api/v1/trunks', gsm, headers);
    expect(added.status, added.body).to.equal(201);
    const body = JSON.parse(added.body) as { trunk: { id: number }; asterisk: { status: string; detail: string } };
    expect(body.asterisk.status, body.asterisk.detail).to.equal('applied');
    const endpoints = await ast.rx('pjsip show endpoints');
    expect(endpoints).to.include('office-gsm-ch1').and.include('office-gsm-ch2');
    expect(readFileSync(join(ast.etcDir, 'contactbox', 'pjsip_contactbox.conf'), 'utf8')).to.include('[office-gsm-ch2]');

    const removed = await installedHttps(port, ca, 'DELETE', `/api/v1/trunks/${body.trunk.id}`, undefined, headers);
    expect(removed.status, removed.body).to.equal(200);
    expect(JSON.parse(removed.body).asterisk.status).to.equal('applied');
    await waitFor(async () => !(await ast.rx('pjsip show endpoints')).includes('office-gsm-ch1'), 'the removed trunk to leave Asterisk');
    expect(ast.errors()).to.deep.equal([]);
  });
});
