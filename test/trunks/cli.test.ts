import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { ManualClock } from '../../appliance/core/clock.js';
import { openDatabase, runMigrations } from '../../appliance/core/db.js';
import { coreMigrations } from '../../appliance/core/migrations.js';
import { installPaths } from '../../installer/paths.js';
import { connectAmi } from '../../installer/ports/ami.js';
import { filesFromHost } from '../../installer/ports/asterisk.js';
import { realHost } from '../../installer/ports/host.js';
import { defaultModel } from '../../installer/provisioning/model.js';
import { provisionAsterisk } from '../../installer/provisioning/provision.js';
import { FakeAsterisk } from '../provisioning/fake-asterisk.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real CLI (`installer/main.ts` through tsx) in a child process, as an admin would. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'installer/main.ts', ...args], { cwd: repo, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      let json: unknown = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = { unparsed: stdout };
      }
      resolve({ code: code ?? -1, json, stderr });
    });
  });
}

const SIP_ARGS = ['--kind', 'sip', '--name', 'uplink', '--host', 'sip.uplink.example', '--username', 'acme380441234567', '--dids', '380441234567,0800301234,1551', '--route', '0', '--route', '+:0'];
const GSM_ARGS = ['--kind', 'gsm', '--name', 'goip', '--host', '192.0.2.20', '--channels', '4', '--dids', '380671110001,380671110002', '--route', '0', '--priority', '5'];

describe('contactbox trunk add|list|remove|test (CLI against an installed prefix and a fake Asterisk)', function () {
  this.timeout(60_000);
  let prefix: string;
  let fake: FakeAsterisk;
  const p = () => installPaths(prefix);
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => cli([...args, '--prefix', prefix, '--json'], env);
  const trunkCount = () => {
    const db = openDatabase(p().databaseFile, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM trunks').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  before(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'cb-trunk-cli-'));
    mkdirSync(p().asteriskEtcDir, { recursive: true });
    writeFileSync(join(p().asteriskEtcDir, 'pjsip.conf'), '[deskphone]\ntype = endpoint\n');
    fake = new FakeAsterisk(p().asteriskEtcDir);
    await fake.start();
    // What install did before: the AMI/ARI users provisioned, the credentials in the config.
    const provisioned = await provisionAsterisk(defaultModel({ ami: { username: 'contactbox', secret: null, port: fake.port } }), {
      files: filesFromHost(realHost()),
      asteriskEtcDir: p().asteriskEtcDir,
      ami: connectAmi,
      asterisk: { cli: (c) => fake.cli(c) },
      clock: new ManualClock(new Date('2026-11-25T10:00:00Z')),
      random: (n) => Buffer.alloc(n, 7),
    });
    mkdirSync(p().etcDir, { recursive: true });
    writeFileSync(p().configFile, stringify({ telephony: { mode: 'local', ami: provisioned.amiCredentials, ari: provisioned.ariCredentials } }));
    const db = openDatabase(p().databaseFile);
    runMigrations(db, coreMigrations);
    db.close();
  });
  after(async () => {
    await fake.stop();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('adds a SIP provider: stored, rendered, reloaded through AMI and verified', async () => {
    const r = await run(['trunk', 'add', ...SIP_ARGS], { CONTACTBOX_TRUNK_SECRET: 'Provider-Secret-42' });
    expect(r.code, r.stderr + JSON.stringify(r.json)).to.equal(0);
    expect(r.json.trunk).to.deep.include({ name: 'uplink', kind: 'sip', endpoints: ['uplink'] });
    expect(r.json.asterisk.status).to.equal('applied');
    expect(r.json.asterisk.reloaded).to.include.members(['res_pjsip.so', 'pbx_config.so']);
    expect(JSON.stringify(r.json)).to.not.include('Provider-Secret-42');
    expect(fake.endpoints).to.include('uplink');
    expect(readFileSync(join(p().asteriskEtcDir, 'pjsip_contactbox.conf'), 'utf8')).to.include('password = Provider-Secret-42');
    expect(readFileSync(join(p().asteriskEtcDir, 'pjsip.conf'), 'utf8')).to.match(/^\[deskphone\]\ntype = endpoint\n/);
  });

  it('adds a 4-channel GSM gateway; list shows both with their endpoints and routes', async () => {
    const r = await run(['trunk', 'add', ...GSM_ARGS, '--secret', 'Gsm-Lines-Secret-7']);
    expect(r.code, JSON.stringify(r.json)).to.equal(0);
    expect(fake.endpoints).to.include.members(['goip-ch1', 'goip-ch2', 'goip-ch3', 'goip-ch4']);
    const list = await run(['trunk', 'list']);
    expect(list.code).to.equal(0);
    expect(list.json.items.map((t: { name: string }) => t.name)).to.deep.equal(['goip', 'uplink']);
    expect(list.json.items[0].outbound).to.deep.equal([{ prefix: '0', strip: 0, prepend: '', priority: 5 }]);
    const dialplan = readFileSync(join(p().asteriskEtcDir, 'extensions_contactbox.conf'), 'utf8');
    expect(dialplan).to.include('; route 0: goip → uplink');
  });

  it('refuses bad input with exit 2 and an error naming the field; nothing is stored', async () => {
    const cases: [string[], string, RegExp][] = [
      [['--kind', 'gsm', '--name', 'gw2', '--host', '192.0.2.21', '--channels', '0', '--secret', 'Gsm-Lines-Secret-7'], 'TRUNK_INVALID', /^channels: must be between 1 and 64, got 0/],
      [['--kind', 'sip', '--name', 'weak', '--host', 'sip.x.example', '--username', 'u1', '--secret', 'short'], 'TRUNK_INVALID', /^secret: is too weak/],
      [['--kind', 'sip', '--name', 'badhost', '--host', 'sip_provider!', '--auth', 'ip'], 'TRUNK_INVALID', /^host: "sip_provider!" is not a host name/],
      [['--kind', 'sip', '--name', 'dup', '--host', 'sip.y.example', '--auth', 'ip', '--dids', '0800301234'], 'TRUNK_DUPLICATE_DID', /^dids\.0: DID 0800301234 already belongs to trunk "uplink"/],
      [['--kind', 'sip', '--name', 'badroute', '--host', 'sip.y.example', '--auth', 'ip', '--route', '9a'], 'TRUNK_INVALID', /^outbound\.0: "9a" is not a dial prefix/],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(['trunk', 'add', ...args]);
      expect(r.code, JSON.stringify(r.json)).to.equal(2);
      expect(r.json.error.code).to.equal(code);
      expect(r.json.error.message).to.match(message);
    }
    const unknownKind = await run(['trunk', 'add', '--kind', 'isdn', '--name', 'x1']);
    expect(unknownKind.code).to.equal(2);
    expect(unknownKind.json.error.message).to.match(/isdn/);
    expect(trunkCount()).to.equal(2);
  });

  it('undoes the add when Asterisk refuses the reload, and restores the files', async () => {
    const before = readFileSync(join(p().asteriskEtcDir, 'pjsip_contactbox.conf'), 'utf8');
    fake.failReload.add('res_pjsip.so');
    try {
      const r = await run(['trunk', 'add', '--kind', 'analog', '--name', 'fxgw', '--host', '192.0.2.30', '--auth', 'ip', '--ports', '2', '--port-types', 'fxo,fxs', '--extensions', ',301', '--dids', '380442220000']);
      expect(r.code, JSON.stringify(r.json)).to.equal(1);
      expect(r.json.error.code).to.equal('ASTERISK_REJECTED');
      expect(r.json.error.message).to.match(/refused to reload res_pjsip\.so.*restored/);
    } finally {
      fake.failReload.clear();
    }
    expect(trunkCount()).to.equal(2);
    expect(readFileSync(join(p().asteriskEtcDir, 'pjsip_contactbox.conf'), 'utf8')).to.equal(before);
    const again = await run(['trunk', 'add', '--kind', 'analog', '--name', 'fxgw', '--host', '192.0.2.30', '--auth', 'ip', '--ports', '2', '--port-types', 'fxo,fxs', '--extensions', ',301', '--dids', '380442220000']);
    expect(again.code, JSON.stringify(again.json)).to.equal(0);
    expect(again.json.trunk.endpoints).to.deep.equal(['fxgw-port1', 'fxgw-port2']);
  });

  it('test reports each line: exit 1 while a SIM is not registered, 0 when all are reachable', async () => {
    for (const ep of ['goip-ch1', 'goip-ch2', 'goip-ch3']) fake.deviceStates.set(ep, 'Not in use');
    const partly = await run(['trunk', 'test', 'goip']);
    expect(partly.code).to.equal(1);
    expect(partly.json.endpoints.map((e: { status: string }) => e.status)).to.deep.equal(['ok', 'ok', 'ok', 'unreachable']);
    fake.deviceStates.set('goip-ch4', 'In use');
    const all = await run(['trunk', 'test', 'goip']);
    expect(all.code).to.equal(0);
    expect(all.json.ok).to.equal(true);
  });

  it('removes a trunk: gone from the database, the files and Asterisk', async () => {
    const r = await run(['trunk', 'remove', 'goip']);
    expect(r.code, JSON.stringify(r.json)).to.equal(0);
    expect(fake.endpoints).to.not.include('goip-ch1');
    expect(readFileSync(join(p().asteriskEtcDir, 'pjsip_contactbox.conf'), 'utf8')).to.not.include('goip');
    const missing = await run(['trunk', 'remove', 'goip']);
    expect(missing.code).to.equal(2);
    expect(missing.json.error.code).to.equal('TRUNK_NOT_FOUND');
  });
});
