import { expect } from 'chai';
import { callRows } from '../calls/helpers.js';
import { startDeskCardRig, type DeskCardRig } from '../support/desk-card.js';

/**
 * The incoming-call card for an operator with a desk phone, on a real Asterisk: the `support`
 * queue rings the operator's phone (sipp) and the workspace in Chromium opens the caller's card
 * while it rings — no SIP reaches the browser, the card comes from the live call events — and
 * closes it once the call is answered. `npm run bench` measures the same over 50 calls.
 */
describe('real Asterisk + Chromium: the incoming-call card of a desk-phone operator', function () {
  this.timeout(300_000);
  let rig: DeskCardRig;
  before(async function () {
    this.timeout(300_000);
    rig = await startDeskCardRig();
  });
  after(async () => rig?.close());

  it('opens the card while the desk phone rings, for each of 3 calls in a row, and closes it on answer', async () => {
    const latencies = await rig.ring(3);
    expect(latencies).to.have.length(3);
    const rows = callRows(rig.server.db);
    expect(rows.filter((r) => r.disposition === 'answered' && r.operator_id === rig.operatorId)).to.have.length(3);
  });
});
