import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { AmiStandin } from '../support/asterisk-standin/index.js';
import { waitFor } from './helpers.js';

describe('calls: operators are known by the softphones the appliance issued', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  const endpointsOf = (userId: number) =>
    (t.db.prepare('SELECT endpoint FROM user_endpoints WHERE user_id = ? ORDER BY endpoint').all(userId) as { endpoint: string }[]).map((r) => r.endpoint);

  it('links a new operator to PJSIP/cb-op-<id> and unlinks a deactivated one, keeping endpoints an admin set', async () => {
    const admin = await t.userClient('admin');
    const created = await admin.request('POST', '/api/v1/users', { username: 'olena', password: 'Sunflower-field-42', displayName: 'Olena', role: 'operator' });
    expect(created.statusCode, created.body).to.equal(201);
    const id = created.json().id as number;
    expect(endpointsOf(id)).to.deep.equal([`PJSIP/cb-op-${id}`]);

    const linked = await admin.request('PUT', `/api/v1/telephony/endpoints/${id}`, { endpoint: 'PJSIP/op101' });
    expect(linked.statusCode, linked.body).to.be.oneOf([200, 204]);
    t.app.phones.issue(id);
    expect(endpointsOf(id)).to.include('PJSIP/op101');

    const off = await admin.request('POST', `/api/v1/users/${id}/deactivate`, {});
    expect(off.statusCode, off.body).to.equal(200);
    expect(endpointsOf(id)).to.not.include(`PJSIP/cb-op-${id}`);
  });
});

describe("offboarding: a deactivated user's calls are hung up in Asterisk", () => {
  it('hangs up the channels of their softphone and of the desk phone an admin linked, and no one else’s', async () => {
    const standin = new AmiStandin();
    const port = await standin.start();
    const t = await buildTestApp({ config: { telephony: { mode: 'local', ami: { host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret' } } } });
    try {
      await waitFor(() => t.app.telephony.port!.status() === 'connected', 5000, 'AMI login');
      const admin = await t.userClient('admin');
      const leaving = await t.userClient('operator', 'leaving');
      const staying = await t.userClient('operator', 'staying');
      const linked = await admin.request('PUT', `/api/v1/telephony/endpoints/${leaving.userId}`, { endpoint: 'PJSIP/desk7' });
      expect(linked.statusCode, linked.body).to.be.oneOf([200, 204]);
      t.app.phones.issue(leaving.userId);
      t.app.phones.issue(staying.userId);
      const channel = (name: string, id: string) =>
        standin.emitEvent(`Event: Newchannel\r\nPrivilege: call,all\r\nChannel: ${name}\r\nChannelState: 6\r\nChannelStateDesc: Up\r\nCallerIDNum: 0671234567\r\nContext: cb-operators\r\nExten: s\r\nPriority: 1\r\nUniqueid: ${id}\r\nLinkedid: ${id}\r\n\r\n`);
      channel(`PJSIP/cb-op-${leaving.userId}-00000001`, '1700000000.1');
      channel('PJSIP/desk7-00000002', '1700000000.2');
      channel(`PJSIP/cb-op-${staying.userId}-00000003`, '1700000000.3');
      const off = await admin.request('POST', `/api/v1/users/${leaving.userId}/deactivate`, {});
      expect(off.statusCode, off.body).to.equal(200);
      const hungUp = () => standin.actions.filter((a) => a.Action === 'Hangup').map((a) => a.Channel).sort();
      await waitFor(() => hungUp().length >= 2, 5000, 'the Hangup actions');
      await new Promise((r) => setTimeout(r, 100));
      expect(hungUp()).to.deep.equal([`PJSIP/cb-op-${leaving.userId}-00000001`, 'PJSIP/desk7-00000002']);
    } finally {
      await t.close();
      await standin.stop();
    }
  });
});
