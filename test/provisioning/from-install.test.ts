import { expect } from 'chai';
import { openDatabase, runMigrations, type Db } from '../../appliance/core/db.js';
import { coreMigrations } from '../../appliance/core/migrations.js';
import { usersMigrations } from '../../appliance/users/migrations.js';
import { softphoneMigrations } from '../../appliance/softphone/migrations.js';
import { trunksMigrations } from '../../appliance/trunks/migrations.js';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { defaultBase, loadProvisioningModel, saveProvisioningBase, teamQueueName } from '../../installer/provisioning/from-install.js';
import { renderAsterisk } from '../../installer/provisioning/render.js';
import { readTemplates } from '../../installer/provisioning/templates.js';

describe('provisioning: the model of an installed appliance (database + config)', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
    runMigrations(db, [...coreMigrations, ...usersMigrations, ...softphoneMigrations, ...trunksMigrations]);
    const now = '2026-11-25T10:00:00.000Z';
    const user = db.prepare("INSERT INTO users (username, password_hash, display_name, role, created_at, updated_at) VALUES (?, 'x', ?, ?, ?, ?)");
    user.run('olena', 'Olena Koval', 'operator', now, now);
    user.run('petro', 'Petro Shevchenko', 'supervisor', now, now);
    user.run('gone', 'Gone User', 'operator', now, now);
    db.prepare("UPDATE users SET active = 0 WHERE username = 'gone'").run();
    const phone = db.prepare('INSERT INTO softphone_phones (user_id, sip_user, sip_password, created_at) VALUES (?, ?, ?, ?)');
    for (const id of [1, 2, 3]) phone.run(id, `cb-op-${id}`, `Phone-Secret-${id}xyzAB`, now);
    db.prepare("INSERT INTO teams (name, created_at, updated_at) VALUES ('Sales', ?, ?)").run(now, now);
    db.prepare('INSERT INTO team_members (team_id, user_id) VALUES (1, 2)').run();
    const gsm = parseTrunk({ kind: 'gsm', name: 'goip', host: '192.0.2.20', channels: 2, secret: 'Gsm-Lines-Secret-7', dids: '380671110001', inboundTarget: 'team:sales' }, [], trunkKinds);
    new TrunkRepository(db).insert(gsm, new Date(now));
  });
  afterEach(() => db.close());

  it('operators come from the issued softphones of active users, queues from roles and teams, credentials from the config', () => {
    saveProvisioningBase(db, { ...defaultBase(), rtp: { start: 12000, end: 12999 }, applianceAddress: '127.0.0.1' }, new Date());
    const config = { telephony: { mode: 'local', ami: { host: '127.0.0.1', port: 5038, username: 'contactbox', secret: 'Kept-Ami-Secret-1' }, ari: { url: 'http://127.0.0.1:8088', username: 'contactbox', password: 'Kept-Ari-Secret-1', app: 'contactbox' } } };
    const m = loadProvisioningModel(db, config);
    expect(m.operators).to.deep.equal([
      { endpoint: 'cb-op-1', extension: '1001', name: 'Olena Koval', secret: 'Phone-Secret-1xyzAB', queues: ['support'] },
      { endpoint: 'cb-op-2', extension: '1002', name: 'Petro Shevchenko', secret: 'Phone-Secret-2xyzAB', queues: ['team-sales'] },
    ]);
    expect(m.rtp).to.deep.equal({ start: 12000, end: 12999 });
    expect(m.ami.secret).to.equal('Kept-Ami-Secret-1');
    expect(m.ari.password).to.equal('Kept-Ari-Secret-1');
    expect(m.trunks.map((t) => t.name)).to.deep.equal(['goip']);
    const files = renderAsterisk(m, { amiSecret: m.ami.secret!, ariPassword: m.ari.password! }, readTemplates(), trunkKinds);
    const queues = files.find((f) => f.name === 'queues_contactbox.conf')!.content;
    expect(queues).to.include('[team-sales]');
    expect(queues).to.include('member => PJSIP/cb-op-2,0,Petro Shevchenko,PJSIP/cb-op-2');
    const dialplan = files.find((f) => f.name === 'extensions_contactbox.conf')!.content;
    expect(dialplan).to.include('Queue(team-sales,,,,300)');
    expect(dialplan).to.include('exten => 1001,1,NoOp(Internal call to operator 1001)');
    expect(files.find((f) => f.name === 'pjsip_contactbox.conf')!.content).to.not.include('cb-op-3');
  });

  it("a local install's softphone.asteriskOperatorsFile moves the operators into the included file the appliance keeps current", () => {
    const file = '/etc/asterisk/contactbox/pjsip_operators.conf';
    const local = loadProvisioningModel(db, { telephony: { mode: 'local' }, softphone: { asteriskOperatorsFile: file } });
    expect(local.operatorsFile).to.equal(file);
    const pjsip = renderAsterisk(local, { amiSecret: 's', ariPassword: 'p' }, readTemplates(), trunkKinds).find((f) => f.name === 'pjsip_contactbox.conf')!.content;
    expect(pjsip).to.include(`#tryinclude ${file}`);
    expect(pjsip).to.not.include('[cb-op-1]');
    expect(loadProvisioningModel(db, { telephony: { mode: 'remote' }, softphone: { asteriskOperatorsFile: file } }).operatorsFile).to.equal(null);
    expect(loadProvisioningModel(db, { telephony: { mode: 'local' } }).operatorsFile).to.equal(null);
  });

  it('without a telephony section or saved base it falls back to defaults', () => {
    const m = loadProvisioningModel(db, {});
    expect(m.ami.secret).to.equal(null);
    expect(m.rtp).to.deep.equal({ start: 10000, end: 20000 });
    expect(teamQueueName({ id: 9, name: 'Продажі' })).to.equal('team-9');
    expect(teamQueueName({ id: 2, name: 'Account Management' })).to.equal('team-account-management');
  });
});
