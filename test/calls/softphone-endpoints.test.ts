import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../support/test-app.js';

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
