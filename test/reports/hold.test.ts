import { expect } from 'chai';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { AmiFeedPort, CallScript, waitFor } from '../support/ami-feed.js';
import { countCall } from '../../appliance/reports/counting.js';
import type { CallFact } from '../../appliance/calls/events.js';

const range = 'from=2026-03-03T08:00:00.000Z&to=2026-03-03T12:00:00.000Z';

/**
 * Hold time belongs to the queue and the operator of the stint it happened in: a call held by
 * the first operator and then transferred to another queue keeps that hold in the first queue and
 * on the first operator, not on whoever answered last.
 */
describe('reports: hold booked to the stint it happened in', function () {
  this.timeout(60_000);
  let t: TestApp;
  let supervisor: TestClient;

  before(async () => {
    const clock = new ManualClock('2026-03-03T09:00:00Z');
    const port = new AmiFeedPort(clock);
    t = await buildTestApp({ clock, overrides: { telephony: { port } } });
    supervisor = await t.userClient('supervisor');
    const op101 = await t.userClient('operator', 'op101');
    const op102 = await t.userClient('operator', 'op102');
    t.app.calls.repo.setEndpoint(op101.userId, 'PJSIP/op101');
    t.app.calls.repo.setEndpoint(op102.userId, 'PJSIP/op102');
    t.app.calls.refreshEndpoints();
    // sales: op101 answers, holds the caller 12 s, transfers to support; op102 answers, holds 5 s, the caller hangs up while held again 3 s.
    new CallScript(port, clock, 'h1', '380671234567').arrive().wait(1).join('sales').ring('sales', 'PJSIP/op101').wait(2)
      .answer('sales', 'PJSIP/op101', 2, 2).wait(10).hold(true).wait(12).hold(false).wait(5)
      .transfer('PJSIP/op101', 'support').complete('sales', 'PJSIP/op101', 2, 27, 'transfer')
      .join('support').ring('support', 'PJSIP/op102').wait(3).answer('support', 'PJSIP/op102', 3, 3)
      .wait(8).hold(true).wait(5).hold(false).wait(20).hold(true).wait(3).complete('support', 'PJSIP/op102', 3, 36, 'caller').hangup();
    await waitFor(() => (t.db.prepare('SELECT COUNT(*) AS n FROM report_calls').get() as { n: number }).n >= 1, 10_000, 'the call counted');
  });
  after(async () => t?.close());

  it('per queue and per operator, each hold counts where it happened; the call total is every hold', async () => {
    const queues = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json() as { items: Array<{ queue: string; holdSec: number }>; total: { holdSec: number } };
    const hold = Object.fromEntries(queues.items.map((q) => [q.queue, q.holdSec]));
    expect(hold).to.deep.equal({ sales: 12, support: 8 });
    expect(queues.total.holdSec).to.equal(20);
    const agents = (await supervisor.request('GET', `/api/v1/reports/agents?${range}`)).json() as { items: Array<{ name: string; holdSec: number; handled: number }> };
    expect(agents.items.map((a) => [a.name, a.handled, a.holdSec]).sort()).to.deep.equal([
      ['Test op101', 1, 12],
      ['Test op102', 1, 8],
    ]);
  });

  it('a call stored before holds were kept per stint books its hold to its last answered stint', () => {
    const stint = (queue: string, operatorId: number) => ({
      queue, joinedAt: '2026-03-03T09:00:00.000Z', leftAt: '2026-03-03T09:00:05.000Z', outcome: 'answered' as const, member: `PJSIP/op${operatorId}`, operatorId,
      connectedAt: '2026-03-03T09:00:05.000Z', waitSec: 5, talkSec: 30, endReason: 'caller' as const, attempts: [],
    });
    const fact = {
      callId: 1, linkedId: 'x', contactId: null,
      summary: {
        direction: 'inbound', from: '380671234567', to: '380441234567', did: '380441234567', trunk: 'gsm-gw', queue: 'support', operatorId: 102,
        startedAt: '2026-03-03T09:00:00.000Z', answeredAt: '2026-03-03T09:00:05.000Z', endedAt: '2026-03-03T09:01:05.000Z', waitSec: 5, talkSec: 60,
        disposition: 'answered', held: true, holdSec: 9, transferred: true, hungUpBy: 'customer',
      },
      stints: [{ ...stint('sales', 101), endReason: 'transfer' as const }, stint('support', 102)],
    } as CallFact;
    const counted = countCall(fact, { shortAbandonSec: 5, serviceLevelSec: () => 20 });
    const holdOf = (dim: string, key: string) => counted.deltas.filter((d) => d.dim === dim && d.key === key).reduce((s, d) => s + (d.figures.holdSum ?? 0), 0);
    expect([holdOf('queue', 'sales'), holdOf('queue', 'support'), holdOf('agent', '101'), holdOf('agent', '102'), holdOf('all', 'all')]).to.deep.equal([0, 9, 0, 9, 9]);
  });
});
