import { expect } from 'chai';
import { ManualClock } from '../../appliance/core/clock.js';
import { openDatabase, runMigrations } from '../../appliance/core/db.js';
import { coreMigrations } from '../../appliance/core/migrations.js';
import { TrunkFieldError } from '../../appliance/trunks/model.js';
import { trunksMigrations } from '../../appliance/trunks/migrations.js';
import { addTrunksFromAnswers, AnswersError, asteriskChoice, baseFromAnswers, checkTelephonyAnswers } from '../../installer/provisioning/answers.js';
import { TRUNK_INPUTS } from './fixtures.js';

describe('provisioning: the answers file\'s telephony and trunks sections', () => {
  it('checks telephony with errors naming the field, and picks the Asterisk source', () => {
    expect(asteriskChoice(checkTelephonyAnswers({ mode: 'local' }))).to.deep.equal({ source: 'auto' });
    expect(asteriskChoice(checkTelephonyAnswers({ mode: 'local', asterisk: 'debs', asteriskDebs: '/root/debs' }))).to.deep.equal({ source: 'debs', dir: '/root/debs' });
    expect(() => checkTelephonyAnswers({ mode: 'local', asterisk: 'debs' })).to.throw(AnswersError, /^telephony\.asteriskDebs: is required/);
    expect(() => checkTelephonyAnswers({ mode: 'remote', ami: { host: '10.0.0.5', port: 5038, username: 'cb', secret: 's' } })).to.throw(/^telephony\.ari: is required/);
    expect(() => checkTelephonyAnswers({ mode: 'local', rtp: { start: 20000, end: 10000 } })).to.throw(/^telephony\.rtp: start/);
    expect(() => checkTelephonyAnswers({ mode: 'local', sipPort: 70000 })).to.throw(/telephony\.sipPort/);
    expect(() => checkTelephonyAnswers({ mode: 'local', queues: [{ name: 'Sales Team' }] })).to.throw(/telephony\.queues\.0\.name/);
    const remote = checkTelephonyAnswers({
      mode: 'remote',
      applianceAddress: '10.0.0.9',
      ami: { host: '10.0.0.5', port: 5038, username: 'cb', secret: 'Remote-Ami-1' },
      ari: { url: 'http://10.0.0.5:8088', username: 'cb', password: 'Remote-Ari-1', app: 'contactbox' },
    });
    expect(asteriskChoice(remote)).to.deep.equal({ source: 'remote' });
    const base = baseFromAnswers(remote);
    expect(base).to.deep.include({ applianceAddress: '10.0.0.9', asteriskAddress: '10.0.0.5' });
  });

  it('network and queue answers become the saved provisioning base', () => {
    const base = baseFromAnswers(checkTelephonyAnswers({ mode: 'local', externalAddress: '203.0.113.7', localNets: ['192.168.0.0/16'], rtp: { start: 12000, end: 12999 }, queues: [{ name: 'support', strategy: 'leastrecent', maxWaitSec: 600 }] }));
    expect(base.sip).to.deep.include({ externalAddress: '203.0.113.7', localNets: ['192.168.0.0/16'] });
    expect(base.rtp).to.deep.equal({ start: 12000, end: 12999 });
    expect(base.queues).to.deep.equal([{ name: 'support', strategy: 'leastrecent', ringTimeoutSec: 15, retrySec: 2, wrapupSec: 0, maxWaitSec: 600 }]);
  });

  it('stores the trunks once (a second install keeps them), all or nothing, naming trunks.N.field', () => {
    const db = openDatabase(':memory:');
    runMigrations(db, [...coreMigrations, ...trunksMigrations]);
    const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
    expect(addTrunksFromAnswers(db, TRUNK_INPUTS, clock)).to.deep.equal({ added: ['uplink', 'goip', 'fxgw'], kept: [] });
    expect(addTrunksFromAnswers(db, TRUNK_INPUTS, clock)).to.deep.equal({ added: [], kept: ['uplink', 'goip', 'fxgw'] });
    const bad = [{ kind: 'sip', name: 'second', host: 'sip.two.example', auth: 'ip', dids: ['380449990000'] }, { kind: 'gsm', name: 'gw2', host: '192.0.2.50', channels: 0, secret: 'Gsm-Lines-Secret-7' }];
    expect(() => addTrunksFromAnswers(db, bad, clock)).to.throw(TrunkFieldError, /^trunks\.1\.channels: must be between 1 and 64/);
    expect((db.prepare('SELECT name FROM trunks ORDER BY name').all() as { name: string }[]).map((r) => r.name)).to.deep.equal(['fxgw', 'goip', 'uplink']);
    db.close();
  });
});
