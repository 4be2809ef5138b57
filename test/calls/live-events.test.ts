import { expect } from 'chai';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadAmiScenario, tracesDir } from '../support/asterisk-standin/index.js';
import { startRig, waitFor, SPEED, type Rig } from './helpers.js';
import type { TestClient } from '../support/test-app.js';

const scenario = (name: string) => loadAmiScenario(join(tracesDir(), 'ami', `${name}.raw`));

interface Live {
  messages: Array<{ type: string; data: Record<string, unknown> }>;
  close(): void;
}

export async function listen(baseUrl: string, client: TestClient): Promise<Live> {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/v1/events`, { headers: { cookie: client.cookie } });
  const messages: Live['messages'] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(String(raw))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await waitFor(() => messages.some((m) => m.type === 'hello'), 2000, 'hello');
  return { messages, close: () => ws.close() };
}

describe('calls: live events and dialog events', function () {
  this.timeout(30_000);
  let rig: Rig;
  let baseUrl: string;
  before(async () => {
    rig = await startRig();
    baseUrl = await rig.t.app.listen({ host: '127.0.0.1', port: 0 });
    await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 3000, 'login');
  });
  after(async () => rig?.close());

  it('pushes each change of a call to the viewers allowed to see it, masked per viewer', async () => {
    const supervisor = await listen(baseUrl, await rig.t.userClient('supervisor'));
    const internClient = await rig.t.userClient('intern');
    rig.t.app.calls.repo.setEndpoint(rig.users.op101!, null);
    rig.t.app.calls.repo.setEndpoint(internClient.userId, 'PJSIP/op101');
    rig.t.app.calls.refreshEndpoints();
    const intern = await listen(baseUrl, internClient);
    const outsider = await listen(baseUrl, await rig.t.userClient('operator'));
    const dialogs: string[] = [];
    rig.t.app.deps.bus.subscribe('dialog.opened', (e) => void dialogs.push(`opened ${e.dialogId} ${e.operatorId}`));
    rig.t.app.deps.bus.subscribe('dialog.closed', (e) => void dialogs.push(`closed ${e.dialogId}`));

    await rig.standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
    await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
    await waitFor(() => supervisor.messages.some((m) => m.type === 'call.updated' && m.data.disposition === 'answered'), 2000, 'final event');

    const sup = supervisor.messages.filter((m) => m.type === 'call.updated');
    expect(sup.length).to.be.at.least(3);
    expect(sup[0]!.data).to.include({ direction: 'inbound', from: '79161234567', disposition: null, endedAt: null });
    expect(sup.at(-1)!.data).to.include({ disposition: 'answered' });
    const int = intern.messages.filter((m) => m.type === 'call.updated');
    // The intern only sees the call once their phone is part of it, and never the raw number.
    expect(int.length).to.be.at.least(1);
    for (const m of int) expect(String(m.data.from)).to.equal('+7916 *** ** 67');
    // While the intern's phone rings (before anyone answers) the events name them as rung: their
    // workspace opens the caller's card from it, as a softphone does from the SIP INVITE.
    const ringing = int.filter((m) => !m.data.answeredAt && !m.data.endedAt);
    expect(ringing.length, 'events while ringing').to.be.at.least(1);
    for (const m of ringing) expect(m.data.ringingOperatorIds).to.include(internClient.userId);
    const answered = int.filter((m) => m.data.answeredAt);
    for (const m of answered) expect(m.data.ringingOperatorIds).to.deep.equal([]);
    expect(outsider.messages.filter((m) => m.type === 'call.updated')).to.deep.equal([]);
    expect(dialogs).to.deep.equal([`opened call-1795599145.23 ${internClient.userId}`, 'closed call-1795599145.23']);
    for (const l of [supervisor, intern, outsider]) l.close();
  });
});
