import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../appliance/core/clock.js';
import { installPaths } from '../../installer/paths.js';
import { connectAmi } from '../../installer/ports/ami.js';
import { filesFromHost } from '../../installer/ports/asterisk.js';
import { realHost } from '../../installer/ports/host.js';
import { provisionAsterisk, ProvisioningError, type ProvisioningPorts } from '../../installer/provisioning/provision.js';
import { ensureInclude, hasInclude } from '../../installer/provisioning/plan.js';
import { FakeAsterisk } from './fake-asterisk.js';
import { sampleModel } from './fixtures.js';

const ADMIN_PJSIP = `; my own desk phone, configured by hand
[global]
type = global
user_agent = OfficePBX

[deskphone]
type = endpoint
context = internal
`;
const ADMIN_EXTENSIONS = `[general]
static = yes

[internal]
exten => 700,1,Playback(hello-world)
`;

describe('provisioning: install into a prefix, reload through AMI, verify, roll back', () => {
  let prefix: string;
  let etc: string;
  let fake: FakeAsterisk;
  let clock: ManualClock;
  let seed: number;

  const ports = (over: Partial<ProvisioningPorts> = {}): ProvisioningPorts => ({
    files: filesFromHost(realHost()),
    asteriskEtcDir: etc,
    ami: connectAmi,
    asterisk: { cli: (c) => fake.cli(c) },
    clock,
    random: (n) => Buffer.alloc(n, ++seed),
    ...over,
  });
  const model = () => sampleModel({ ami: { username: 'contactbox', secret: null, port: fake.port } });

  beforeEach(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'cb-prov-'));
    etc = installPaths(prefix).asteriskEtcDir;
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'pjsip.conf'), ADMIN_PJSIP);
    writeFileSync(join(etc, 'extensions.conf'), ADMIN_EXTENSIONS);
    writeFileSync(join(etc, 'manager.conf'), '[general]\nenabled = no\n');
    fake = new FakeAsterisk(etc);
    await fake.start();
    clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
    seed = 0;
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('first install: writes our files, adds each include once, keeps the admin lines, loads the AMI user, reloads and verifies', async () => {
    const result = await provisionAsterisk(model(), ports());
    expect(result.verification.status).to.equal('verified');
    expect(result.verification.endpoints).to.include.members(['op101', 'op102', 'uplink', 'goip-ch1', 'goip-ch4', 'fxgw-port1', 'fxgw-port2']);
    expect(result.amiCredentials).to.deep.include({ host: '127.0.0.1', port: fake.port, username: 'contactbox' });
    expect(result.amiCredentials.secret).to.have.length(32);
    expect(result.ariCredentials.url).to.equal('http://127.0.0.1:8088');
    expect(result.dialplan).to.deep.equal({ outboundContext: 'cb-operators', dialPrefix: '', recordingsSpool: '/var/spool/asterisk/recording' });
    expect(result.ariCredentials.password).to.not.equal(result.amiCredentials.secret);
    expect(fake.cliCommands).to.deep.equal(['manager reload']);
    expect(fake.reloads).to.deep.equal(['res_pjsip.so', 'pbx_config.so', 'app_queue.so', 'res_ari.so', 'http', 'res_rtp_asterisk.so', 'manager']);

    const pjsip = readFileSync(join(etc, 'pjsip.conf'), 'utf8');
    expect(pjsip.startsWith(ADMIN_PJSIP)).to.equal(true);
    expect(pjsip.match(/#tryinclude pjsip_contactbox\.conf/g)).to.have.length(1);
    expect(readFileSync(join(etc, 'extensions.conf'), 'utf8').startsWith(ADMIN_EXTENSIONS)).to.equal(true);
    // http.conf did not exist: created with a [general] for our [general](+).
    expect(readFileSync(join(etc, 'http.conf'), 'utf8')).to.match(/^\[general\]\n; contactbox.*\n#tryinclude http_contactbox\.conf\n$/);
    expect(readFileSync(join(etc, 'manager_contactbox.conf'), 'utf8')).to.include(`secret = ${result.amiCredentials.secret}`);
    expect(result.files.filter((f) => f.action === 'create').map((f) => f.path.split('/').pop())).to.include.members(['pjsip_contactbox.conf', 'http.conf']);
    // The previous versions of the files it changed are kept.
    const backups = readdirSync(result.backupDir!);
    expect(backups).to.include.members(['pjsip.conf', 'extensions.conf', 'manager.conf']);
    expect(readFileSync(join(result.backupDir!, 'pjsip.conf'), 'utf8')).to.equal(ADMIN_PJSIP);
  });

  it('is idempotent: a second run with the same credentials changes no byte and reloads nothing', async () => {
    const first = await provisionAsterisk(model(), ports());
    const snapshot = Object.fromEntries(readdirSync(etc).filter((f) => f.endsWith('.conf')).map((f) => [f, readFileSync(join(etc, f), 'utf8')]));
    fake.reloads = [];
    clock.advance(60_000);
    const again = sampleModel({
      ami: { username: 'contactbox', secret: first.amiCredentials.secret, port: fake.port },
      ari: { username: 'contactbox', password: first.ariCredentials.password, app: 'contactbox' },
    });
    const second = await provisionAsterisk(again, ports());
    expect(second.files.every((f) => f.action === 'unchanged')).to.equal(true);
    expect(second.backupDir).to.equal(null);
    expect(second.reloaded).to.deep.equal([]);
    expect(second.verification.status).to.equal('verified');
    for (const [f, text] of Object.entries(snapshot)) expect(readFileSync(join(etc, f), 'utf8'), f).to.equal(text);
  });

  it('an admin edit to a main file after install survives the next provisioning', async () => {
    const first = await provisionAsterisk(model(), ports());
    const pjsipPath = join(etc, 'pjsip.conf');
    writeFileSync(pjsipPath, `${readFileSync(pjsipPath, 'utf8')}\n[another-phone]\ntype = endpoint\n`);
    const m = model();
    m.ami.secret = first.amiCredentials.secret;
    m.ari.password = first.ariCredentials.password;
    m.operators.push({ endpoint: 'op103', extension: '103', name: 'New Operator', secret: 'Op103-Browser-Pass', queues: ['support'] });
    const second = await provisionAsterisk(m, ports());
    expect(second.verification.endpoints).to.include('op103');
    const text = readFileSync(pjsipPath, 'utf8');
    expect(text).to.include('[another-phone]');
    expect(text.match(/#tryinclude pjsip_contactbox\.conf/g)).to.have.length(1);
    expect(second.reloaded).to.deep.equal(['res_pjsip.so', 'pbx_config.so', 'app_queue.so']);
  });

  it('rolls back to the previous files when a reload fails', async () => {
    const first = await provisionAsterisk(model(), ports());
    const before = Object.fromEntries(readdirSync(etc).filter((f) => f.endsWith('.conf')).map((f) => [f, readFileSync(join(etc, f), 'utf8')]));
    fake.failReload.add('pbx_config.so');
    const m = model();
    m.ami.secret = first.amiCredentials.secret;
    m.ari.password = first.ariCredentials.password;
    m.operators.push({ endpoint: 'op104', extension: '104', name: 'Op 104', secret: 'Op104-Browser-Pass', queues: [] });
    const err = await provisionAsterisk(m, ports()).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(ProvisioningError);
    expect((err as ProvisioningError).message).to.match(/refused to reload pbx_config\.so.*previous Asterisk files were restored/);
    expect((err as ProvisioningError).rolledBack).to.equal(true);
    const after = Object.fromEntries(readdirSync(etc).filter((f) => f.endsWith('.conf')).map((f) => [f, readFileSync(join(etc, f), 'utf8')]));
    expect(after).to.deep.equal(before);
    // Asterisk was reloaded with the restored files too.
    expect(fake.endpoints).to.not.include('op104');
  });

  it('rolls back when Asterisk does not list the new endpoints after the reload; a fresh install leaves no file of ours behind', async () => {
    fake.ignorePjsipChanges = true;
    const err = await provisionAsterisk(model(), ports()).then(() => null, (e: unknown) => e);
    expect((err as Error).message).to.match(/did not load the endpoints .*op101/);
    expect(readFileSync(join(etc, 'pjsip.conf'), 'utf8')).to.equal(ADMIN_PJSIP);
    expect(readFileSync(join(etc, 'extensions.conf'), 'utf8')).to.equal(ADMIN_EXTENSIONS);
    expect(existsSync(join(etc, 'pjsip_contactbox.conf'))).to.equal(false);
    expect(existsSync(join(etc, 'http.conf'))).to.equal(false);
  });

  it('Asterisk not running: "required" rolls back, "if-running" leaves the files for its next start', async () => {
    await fake.stop();
    const err = await provisionAsterisk(model(), ports()).then(() => null, (e: unknown) => e);
    expect((err as Error).message).to.match(/cannot reach Asterisk's manager interface/);
    expect(existsSync(join(etc, 'pjsip_contactbox.conf'))).to.equal(false);
    const ok = await provisionAsterisk(model(), ports(), { reload: 'if-running' });
    expect(ok.verification).to.deep.include({ status: 'skipped' });
    expect(existsSync(join(etc, 'pjsip_contactbox.conf'))).to.equal(true);
  });

  it('a failed write (no permission) leaves every file as it was', async () => {
    const real = filesFromHost(realHost());
    let writes = 0;
    const failing = {
      ...real,
      writeAtomic(path: string, content: string, mode?: number) {
        // The backup copies and the first two files go through, then the disk says no.
        if (!path.includes('contactbox-backup') && ++writes > 2) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
        real.writeAtomic(path, content, mode);
      },
    };
    const err = (await provisionAsterisk(model(), ports({ files: failing })).catch((e: unknown) => e)) as ProvisioningError;
    expect(err).to.be.instanceOf(ProvisioningError);
    expect(err.message).to.match(/cannot write .*EACCES.*\(run as root\); nothing was changed/);
    expect(readFileSync(join(etc, 'pjsip.conf'), 'utf8')).to.equal(ADMIN_PJSIP);
    expect(existsSync(join(etc, 'pjsip_contactbox.conf'))).to.equal(false);
    expect(existsSync(join(etc, 'extensions_contactbox.conf'))).to.equal(false);
    expect(fake.reloads).to.deep.equal([]);
  });

  it('remote mode writes a bundle for the remote Asterisk and touches nothing in /etc/asterisk', async () => {
    const bundleDir = join(prefix, 'etc/contactbox/asterisk-remote');
    const m = model();
    m.mode = 'remote';
    m.asteriskAddress = '10.0.0.5';
    m.applianceAddress = '10.0.0.9';
    const r = await provisionAsterisk(m, ports({ bundleDir }));
    expect(r.amiCredentials.host).to.equal('10.0.0.5');
    expect(readFileSync(join(bundleDir, 'manager_contactbox.conf'), 'utf8')).to.include('permit = 10.0.0.9/255.255.255.255');
    expect(readFileSync(join(etc, 'pjsip.conf'), 'utf8')).to.equal(ADMIN_PJSIP);
    expect(fake.reloads).to.deep.equal([]);
  });

  it('include lines: recognised in any spelling, added once, [general] only when missing', () => {
    expect(hasInclude('#include "pjsip_contactbox.conf"\n', 'pjsip_contactbox.conf')).to.equal(true);
    expect(hasInclude('  #tryinclude /etc/asterisk/pjsip_contactbox.conf ; ours\n', 'pjsip_contactbox.conf')).to.equal(true);
    expect(hasInclude(';#tryinclude pjsip_contactbox.conf\n', 'pjsip_contactbox.conf')).to.equal(false);
    const once = ensureInclude('[general]\nenabled=yes', 'rtp_contactbox.conf', true);
    expect(once).to.equal('[general]\nenabled=yes\n\n; contactbox\'s settings (rewritten by contactbox; add your own outside that file)\n#tryinclude rtp_contactbox.conf\n');
    expect(ensureInclude(once, 'rtp_contactbox.conf', true)).to.equal(once);
    // Our files in a folder of their own: the line names it, and an earlier line is pointed there.
    expect(ensureInclude('[general]\n', 'contactbox/rtp_contactbox.conf', true)).to.match(/^#tryinclude contactbox\/rtp_contactbox\.conf$/m);
    expect(ensureInclude('a=1\n#tryinclude pjsip_contactbox.conf\nb=2\n', 'contactbox/pjsip_contactbox.conf', false)).to.equal('a=1\n#tryinclude contactbox/pjsip_contactbox.conf\nb=2\n');
  });
});
