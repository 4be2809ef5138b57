import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import type { TrunkDefinition } from '../../appliance/trunks/model.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { deprovisionAsterisk } from '../../installer/provisioning/deprovision.js';
import { defaultQueue, type ProvisioningModel } from '../../installer/provisioning/model.js';
import { provisionAsterisk, ProvisioningError } from '../../installer/provisioning/provision.js';
import { connectAmi } from '../../installer/ports/ami.js';
import { defaultAsteriskModel, DIDS, startRealAsterisk, type AsteriskNet, type RealAsterisk } from '../support/real-asterisk.js';

/**
 * Next to an administrator's own Asterisk configuration: a UDP transport, a desk phone, a queue
 * called `support`, an RTP range and an AMI user of theirs. Provisioning names every collision
 * and writes nothing; with the collisions avoided it loads every object (checked in Asterisk
 * itself, not only the endpoint list); uninstalling takes our users, endpoints, queues and
 * include lines away and leaves the administrator's configuration as it was, and working.
 */
describe('real Asterisk: next to an existing configuration', function () {
  this.timeout(120_000);
  let ast: RealAsterisk;
  const ADMIN_AMI = { username: 'pbxadmin', secret: 'Admin-Ami-Secret-1' };
  const admin = (net: AsteriskNet) => ({
    'pjsip.conf': [
      '[transport-udp]', 'type = transport', 'protocol = udp', `bind = 127.0.0.1:${net.phonePorts[2]}`, '',
      '[deskphone-9]', 'type = endpoint', 'transport = transport-udp', 'context = default', 'disallow = all', 'allow = ulaw', 'aors = deskphone-9', '',
      '[deskphone-9]', 'type = aor', 'max_contacts = 1', '',
    ].join('\n'),
    'queues.conf': '[support]\nstrategy = linear\n',
    'rtp.conf': 'rtpstart = 30000\nrtpend = 30100\n',
    'manager.conf': `port = ${net.ami}\n\n[${ADMIN_AMI.username}]\nsecret = ${ADMIN_AMI.secret}\npermit = 127.0.0.1/255.255.255.255\nread = system\nwrite = system\n`,
  });
  const trunk = (net: AsteriskNet): TrunkDefinition =>
    parseTrunk({ kind: 'gsm', name: 'goip', host: net.host, auth: 'ip', port: net.gsmPort, channels: 1, dids: [DIDS.gsm1], outbound: ['380'], inboundTarget: 'queue:cb-support' }, [], trunkKinds);

  before(async function () {
    this.timeout(180_000);
    ast = await startRealAsterisk({ admin, provision: false });
  });
  after(async () => ast?.stop());

  const file = (name: string) => (existsSync(join(ast.etcDir, name)) ? readFileSync(join(ast.etcDir, name), 'utf8') : null);

  it('names each collision (transport address, queue name, RTP range) and writes nothing', async () => {
    const before = { pjsip: file('pjsip.conf'), queues: file('queues.conf') };
    const model: ProvisioningModel = { ...defaultAsteriskModel(ast.net, ast.dir), sip: { ...ast.model.sip, udpPort: ast.net.phonePorts[2]! } };
    const err = await provisionAsterisk(model, ast.provisionPorts, { reload: 'required' }).then(() => null, (e: Error) => e);
    expect(err).to.be.instanceOf(ProvisioningError);
    const message = err!.message;
    expect(message).to.match(/pjsip\.conf: transport \[transport-udp\] already binds udp 127\.0\.0\.1:\d+/);
    expect(message).to.match(/queues\.conf: queue \[support\] is already defined/);
    expect(message).to.match(/rtp\.conf: \[general\] sets rtpstart = 30000, where contactbox needs rtpstart = \d+/);
    expect(message).to.include('nothing was changed');
    expect(file('pjsip_contactbox.conf')).to.equal(null);
    expect({ pjsip: file('pjsip.conf'), queues: file('queues.conf') }).to.deep.equal(before);
  });

  it('with the collisions avoided, Asterisk loads every object of ours beside the administrator\'s; uninstall leaves only theirs', async () => {
    const base = defaultAsteriskModel(ast.net, ast.dir);
    const model: ProvisioningModel = {
      ...base,
      rtp: { start: 30000, end: 30100 },
      queues: [defaultQueue('cb-support')],
      operators: base.operators.map((o) => ({ ...o, queues: o.queues.length ? ['cb-support'] : [] })),
      trunks: [trunk(ast.net)],
    };
    const result = await provisionAsterisk(model, ast.provisionPorts, { reload: 'required' });
    expect(result.verification.status).to.equal('verified');
    expect(result.verification.detail).to.match(/transports and 1 queues/);
    const transports = await ast.rx('pjsip show transports');
    expect(transports).to.include('transport-udp').and.to.include('cb-transport-udp');
    expect(await ast.rx('pjsip show endpoint goip-ch1')).to.match(/Transport:\s+cb-transport-udp/);
    expect(await ast.rx('queue show cb-support')).to.include('PJSIP/phone1');
    expect(await ast.rx('queue show support')).to.match(/'linear' strategy/);
    expect(await ast.rx('pjsip show endpoints')).to.include('deskphone-9').and.to.include('goip-ch1');
    expect(ast.errors(), "Asterisk's log").to.deep.equal([]);

    const out = await deprovisionAsterisk({
      files: ast.provisionPorts.files,
      asteriskEtcDir: ast.etcDir,
      operatorsFile: null,
      asterisk: ast.provisionPorts.asterisk,
      ami: connectAmi,
      amiCredentials: result.amiCredentials,
    });
    expect(out.notReloaded).to.equal(null);
    expect(out.reloaded).to.include('manager');
    for (const name of ['pjsip', 'extensions', 'queues', 'manager', 'ari', 'http', 'rtp']) {
      expect(file(`${name}_contactbox.conf`), `${name}_contactbox.conf`).to.equal(null);
      expect(file(`${name}.conf`) ?? '', `${name}.conf`).to.not.include('contactbox');
    }
    const endpoints = await ast.rx('pjsip show endpoints');
    expect(endpoints).to.include('deskphone-9');
    expect(endpoints).to.not.include('goip-ch1').and.to.not.include('phone1');
    expect(await ast.rx('pjsip show transports')).to.not.include('cb-transport-udp');
    expect(await ast.rx('manager show users')).to.include(ADMIN_AMI.username).and.to.not.match(/^contactbox$/m);
    const refused = await connectAmi(result.amiCredentials).then(() => 'logged in', (e: Error) => e.message);
    expect(refused, "contactbox's AMI user after uninstall").to.match(/Authentication failed|refused/i);
    const theirs = await connectAmi({ host: '127.0.0.1', port: ast.net.ami, ...ADMIN_AMI });
    await theirs.close();
    expect(await ast.rx('dialplan show cb-operators').catch((e: Error) => e.message)).to.match(/no such context|failed/i);
    expect(await ast.rx('queue show support')).to.match(/'linear' strategy/);
  });
});
