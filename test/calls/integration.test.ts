import { expect } from 'chai';
import { join } from 'node:path';
import { capabilities } from '../../appliance/capabilities.js';
import { loadAmiScenario, tracesDir } from '../support/asterisk-standin/index.js';
import { callRows, startRig, waitFor, SPEED, type Rig } from './helpers.js';

const scenario = (name: string) => loadAmiScenario(join(tracesDir(), 'ami', `${name}.raw`));

/** With every capability loaded: contacts match callers, the timeline shows calls, licensing gates click-to-call. */
describe('calls with contacts, timeline and licensing loaded', function () {
  this.timeout(60_000);
  let rig: Rig;
  before(async () => {
    rig = await startRig({ capabilities });
    await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 5000, 'login');
  });
  after(async () => rig?.close());

  it('ties an inbound call to the contact with that number and lists it on the contact timeline', async function () {
    const app = rig.t.app as unknown as { contacts?: { create(i: { name: string; phones: string[] }, actor: number | null): { id: number } } };
    if (!rig.t.app.hasDecorator('contacts')) this.skip();
    const contact = app.contacts!.create({ name: 'Caller', phones: ['+79161234567'] }, null);
    await rig.standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
    await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
    const call = callRows(rig.t.db).find((r) => r.linked_id === '1795599145.23')!;
    expect((rig.t.db.prepare('SELECT contact_id FROM calls WHERE id = ?').get(call.id) as { contact_id: number }).contact_id).to.equal(contact.id);
    const admin = await rig.t.userClient('admin');
    const timeline = await admin.request('GET', `/api/v1/contacts/${contact.id}/timeline`);
    expect(timeline.statusCode).to.equal(200);
    const items = (timeline.json() as { items: Array<{ type: string; id?: number }> }).items.filter((i) => i.type === 'call');
    expect(items.map((i) => i.id)).to.deep.equal([call.id]);
    // Merging the contact into another moves its calls along.
    const other = app.contacts!.create({ name: 'Kept', phones: ['+380501112233'] }, null);
    const merge = (app.contacts as unknown as { merge(kept: number, other: number, actor: number): unknown }).merge;
    merge.call(app.contacts, other.id, contact.id, admin.userId);
    expect((rig.t.db.prepare('SELECT contact_id FROM calls WHERE id = ?').get(call.id) as { contact_id: number }).contact_id).to.equal(other.id);
  });

  it('asks licensing before originating, and dials a contact by id', async function () {
    if (!rig.t.app.hasDecorator('licensing') || !rig.t.app.hasDecorator('contacts')) this.skip();
    const app = rig.t.app as unknown as { contacts: { create(i: { name: string; phones: string[] }, actor: number | null): { id: number } } };
    const contact = app.contacts.create({ name: 'Callee', phones: ['+380671112233'] }, null);
    const op = await rig.t.userClient('operator');
    rig.t.app.calls.repo.setEndpoint(rig.users.op201!, null);
    rig.t.app.calls.repo.setEndpoint(op.userId, 'PJSIP/op201');
    rig.t.app.calls.refreshEndpoints();
    const res = await op.request('POST', '/api/v1/calls', { contactId: contact.id });
    process.stdout.write(`      click-to-call under evaluation limits: ${res.statusCode}\n`);
    // Without a licence the evaluation limits apply: either the call is queued or licensing says why not.
    if (res.statusCode === 202) {
      const originate = rig.standin.actions.filter((a) => a.Action === 'Originate').at(-1)!;
      expect(originate).to.include({ Channel: 'PJSIP/op201', Exten: '9380671112233' });
    } else {
      expect(res.json().error.code).to.match(/^LICENSE_/);
    }
  });
});
