import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { installPaths } from '../../installer/paths.js';
import { AppError } from '../../appliance/core/errors.js';
import { writeFileAtomic } from '../../appliance/licensing/atomic-write.js';
import { FakeQueue } from './fake-queue.js';
import { telephonyCapability } from '../../appliance/telephony/index.js';
import type { TelephonyEvent, TelephonyPort } from '../../appliance/telephony/port.js';
import { licensingHarness, type LicensingHarness } from './app-helpers.js';
import { factsFile, license, runTs, waitFor } from './helpers.js';

const OPERATORS = [
  { iface: 'PJSIP/op101', operatorId: 101 },
  { iface: 'PJSIP/op102', operatorId: 102 },
  { iface: 'PJSIP/op103', operatorId: 103 },
];

const thrown = (f: () => unknown): AppError => {
  try {
    f();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
};

describe('licensing: concurrent-dialog enforcement', () => {
  let h: LicensingHarness;
  let queue: FakeQueue;
  const closedEvents: string[] = [];

  let prefix: string;

  beforeEach(async () => {
    closedEvents.length = 0;
    // The licence file where the CLI puts it for `--prefix DIR`, so the CLI and the appliance share it.
    prefix = mkdtempSync(join(tmpdir(), 'contactbox-prefix-'));
    h = licensingHarness({ licenseFile: installPaths(prefix).licenseFile });
    mkdirSync(dirname(h.licenseFile), { recursive: true });
    writeFileSync(h.licenseFile, license({ sessions: 2 }));
    await h.start();
    queue = new FakeQueue(h.app.deps.bus, () => h.clock.now(), OPERATORS);
    h.overrides.queues = queue;
    (h.app.deps.bus.subscribe as (e: string, l: (p: { dialogId: string }) => void) => void)('dialog.closed', (p) => closedEvents.push(p.dialogId));
  });
  afterEach(async () => {
    await h.close();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('at sessions=2, three simultaneous inbound calls: two answered, the third waits (members paused) and is answered when one ends', async () => {
    const paused = () => queue.members.every((m) => m.paused && m.pausedReason === 'licence');
    queue.arrive('call-1');
    queue.arrive('call-2');
    queue.arrive('call-3');
    await waitFor(() => queue.answered.size === 2 && paused(), 'two answered and the queue held');
    await new Promise((r) => setTimeout(r, 200));
    expect([...queue.answered.keys()]).to.deep.equal(['call-1', 'call-2']);
    expect(queue.waiting).to.deep.equal(['call-3']);
    expect(h.app.licensing.status()).to.include({ inUse: 2, sessions: 2, holdingQueues: true });

    queue.hangup('call-1');
    await waitFor(() => queue.answered.has('call-3'), 'the waiting call answered');
    expect(queue.connected().sort()).to.deep.equal(['call-2', 'call-3']);
    // The limit is reached again, so the queue is held again; the calls in progress were never touched.
    await waitFor(paused, 'the queue held again');
    expect(closedEvents).to.deep.equal(['call-1']);
    expect(h.app.licensing.status()).to.include({ inUse: 2, peak: 2 });
  });

  it("never lifts an operator's own pause", async () => {
    queue.pauseByOperator('PJSIP/op103');
    queue.arrive('a');
    queue.arrive('b');
    await waitFor(() => queue.members.filter((m) => m.pausedReason === 'licence').length === 2, 'held');
    queue.hangup('a');
    await waitFor(() => queue.members.filter((m) => m.pausedReason === 'licence').length === 0 && !queue.members[0]!.paused, 'released');
    expect(queue.members[2]).to.include({ paused: true, pausedReason: 'break' });
  });

  it("refuses an operator's outbound call at the limit with LICENSE_SESSIONS_EXHAUSTED, and two clicks at once cannot both take the last session", async () => {
    queue.arrive('in-1');
    await waitFor(() => h.app.licensing.status().inUse === 1, 'one call up');
    // Two clicks in the same tick with one session left: the first holds it, the second is refused.
    const release = h.app.licensing.assertCanOpenDialog('outbound', { operatorId: 102 });
    const second = thrown(() => h.app.licensing.assertCanOpenDialog('outbound', { operatorId: 103 }));
    expect(second.code).to.equal('LICENSE_SESSIONS_EXHAUSTED');
    expect(second.status).to.equal(409);
    expect(second.message).to.equal('All 2 licensed sessions are in use. Try again when a call or chat ends, or ask the administrator about more sessions.');
    // The first call fails before the operator's leg comes up: its session is given back.
    release();
    h.app.licensing.assertCanOpenDialog('outbound', { operatorId: 103 });
    h.publish('dialog.opened', { dialogId: 'out-1', kind: 'call', operatorId: 103, at: h.clock.now().toISOString() });
    expect(h.app.licensing.status().inUse).to.equal(2);
    expect(thrown(() => h.app.licensing.assertCanOpenDialog('outbound')).code).to.equal('LICENSE_SESSIONS_EXHAUSTED');
    const usage = h.app.licensing.usage(new Date('2026-11-25T00:00:00Z'), new Date('2026-11-26T00:00:00Z'));
    expect(usage).to.deep.equal([{ hour: '2026-11-25T12:00:00.000Z', peak: 2, sessionLimit: 2, refused: 2 }]);
  });

  it('a session held for an outbound call being set up also holds the queues; giving it back releases them', async () => {
    queue.arrive('in-1');
    await waitFor(() => h.app.licensing.status().inUse === 1, 'one call up');
    const release = h.app.licensing.assertCanOpenDialog('outbound', { operatorId: 103 });
    await waitFor(() => queue.members.every((m) => m.paused), 'queues held for the outbound call');
    queue.arrive('in-2');
    await new Promise((r) => setTimeout(r, 100));
    expect(queue.waiting).to.deep.equal(['in-2']);
    release(); // the customer did not answer: no dialog opened
    await waitFor(() => queue.answered.has('in-2'), 'the waiting call answered');
  });

  it('a bigger licence activated by the CLI while calls are up raises the limit at once, without restart or dropped calls', async () => {
    queue.arrive('c1');
    queue.arrive('c2');
    queue.arrive('c3');
    await waitFor(() => queue.answered.size === 2 && queue.waiting.length === 1, 'two up, one waiting');
    const appBefore = h.app;
    // The admin runs `contactbox license activate` against this installation while the calls are up.
    const file = join(h.dir, 'bigger.lic');
    writeFileSync(file, license({ sessions: 3, licenseId: 'CB-TEST-BIGGER' }));
    const cli = await runTs('installer/main.ts', ['license', 'activate', file, '--prefix', prefix, '--json'], { CONTACTBOX_FACTS_FILE: factsFile('server-a') });
    expect(cli.code, cli.stdout + cli.stderr).to.equal(0);
    await waitFor(() => h.app.licensing.status().sessions === 3, 'the new licence applied');
    await waitFor(() => queue.answered.has('c3'), 'the waiting call answered');
    expect(h.app).to.equal(appBefore);
    expect(queue.connected().sort()).to.deep.equal(['c1', 'c2', 'c3']);
    expect(closedEvents).to.deep.equal([]);
    expect(h.app.licensing.status()).to.include({ id: 'CB-TEST-BIGGER', inUse: 3, sessions: 3 });
  });

  it('a smaller licence never cuts dialogs in progress: they go on, new ones wait', async () => {
    for (const id of ['x1', 'x2']) queue.arrive(id);
    await waitFor(() => h.app.licensing.status().inUse === 2, 'two up');
    writeFileAtomic(h.licenseFile, license({ sessions: 1 }));
    await waitFor(() => h.app.licensing.status().sessions === 1, 'smaller licence applied');
    await waitFor(() => queue.members.every((m) => m.paused), 'held');
    queue.arrive('x3');
    queue.hangup('x1');
    await new Promise((r) => setTimeout(r, 150));
    expect(queue.connected()).to.deep.equal(['x2']);
    expect(queue.waiting).to.deep.equal(['x3']);
  });
});

describe('licensing: the dialog counter under races and restarts', () => {
  let h: LicensingHarness;
  beforeEach(async () => {
    h = licensingHarness();
    writeFileSync(h.licenseFile, license({ sessions: 5 }));
    await h.start();
  });
  afterEach(async () => h.close());

  const at = '2026-11-25T12:00:00.000Z';

  it('counts two dialogs opened in the same millisecond once each, ignores repeats, and never goes below zero', () => {
    h.publish('dialog.opened', { dialogId: 'd1', kind: 'call', operatorId: 1, at });
    h.publish('dialog.opened', { dialogId: 'd2', kind: 'call', operatorId: 2, at });
    h.publish('dialog.opened', { dialogId: 'd1', kind: 'call', operatorId: 1, at });
    expect(h.app.licensing.status().inUse).to.equal(2);
    h.publish('dialog.closed', { dialogId: 'unknown', at });
    h.publish('dialog.closed', { dialogId: 'd1', at });
    h.publish('dialog.closed', { dialogId: 'd1', at });
    expect(h.app.licensing.status().inUse).to.equal(1);
    // A close that overtakes its open: the late open is not counted.
    h.publish('dialog.closed', { dialogId: 'd3', at });
    h.publish('dialog.opened', { dialogId: 'd3', kind: 'chat', operatorId: 3, at });
    expect(h.app.licensing.status().inUse).to.equal(1);
    // Malformed payloads are ignored, not counted.
    h.publish('dialog.opened', { dialogId: '', kind: 'call', operatorId: 1, at });
    h.publish('dialog.opened', { dialogId: 'd9', kind: 'fax', operatorId: 1, at });
    expect(h.app.licensing.status().inUse).to.equal(1);
  });

  it('survives a restart: open dialogs are rebuilt from the database, and a snapshot from the calls side reconciles them', async () => {
    h.publish('dialog.opened', { dialogId: 'c1', kind: 'call', operatorId: 1, at });
    h.publish('dialog.opened', { dialogId: 'c2', kind: 'call', operatorId: 2, at: new Date(at) });
    h.publish('dialog.opened', { dialogId: 'chat-1', kind: 'chat', operatorId: 3, at });
    await h.restart();
    expect(h.app.licensing.status().inUse).to.equal(3);
    expect(h.app.licensing.openDialogs().map((d) => d.dialogId).sort()).to.deep.equal(['c1', 'c2', 'chat-1']);
    // After reconnecting, the calls side reports which calls Asterisk still has: c1 ended while we were down.
    h.publish('dialog.snapshot', { kind: 'call', dialogs: [{ dialogId: 'c2', operatorId: 2, at }], at });
    expect(h.app.licensing.openDialogs().map((d) => d.dialogId).sort()).to.deep.equal(['c2', 'chat-1']);
    await h.restart();
    expect(h.app.licensing.status().inUse).to.equal(2);
  });
});

/** Just enough of a telephony port to announce that the link to Asterisk came up. */
function linkOnlyPort(): TelephonyPort & { emit(event: TelephonyEvent): void } {
  const listeners = new Set<(e: TelephonyEvent) => void>();
  const refuse = async () => {
    throw new Error('not used here');
  };
  return {
    status: () => 'connected',
    originate: refuse,
    hangup: refuse,
    redirect: refuse,
    queueAdd: refuse,
    queueRemove: refuse,
    queuePause: refuse,
    channels: async () => [],
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {},
    stop: async () => {},
    emit(event) {
      for (const l of listeners) l(event);
    },
  };
}

describe('licensing: calls that ended while the appliance was down', () => {
  let h: LicensingHarness;
  afterEach(async () => h.close());

  it('drops restored calls that the calls side does not report again after the telephony link comes up; keeps chats and re-reported calls', async () => {
    const port = linkOnlyPort();
    h = licensingHarness({ extra: [telephonyCapability], otherOverrides: { telephony: { port } } });
    h.overrides.reconfirmMs = 50;
    writeFileSync(h.licenseFile, license({ sessions: 5 }));
    await h.start();
    const at = h.clock.now().toISOString();
    for (const id of ['call-A', 'call-B']) h.publish('dialog.opened', { dialogId: id, kind: 'call', operatorId: 1, at });
    h.publish('dialog.opened', { dialogId: 'chat-1', kind: 'chat', operatorId: 2, at });
    await h.restart();
    expect(h.app.licensing.status().inUse).to.equal(3);
    port.emit({ type: 'link.up', at: h.clock.now(), uptimeSec: 4000 });
    // After reconciling with Asterisk's channels, calls reports the call still up.
    h.publish('dialog.opened', { dialogId: 'call-B', kind: 'call', operatorId: 1, at });
    await waitFor(() => h.app.licensing.status().inUse === 2, 'the stale call dropped');
    expect(h.app.licensing.openDialogs().map((d) => d.dialogId).sort()).to.deep.equal(['call-B', 'chat-1']);
    await h.restart();
    expect(h.app.licensing.status().inUse).to.equal(2);
  });
});

describe('licensing: through the telephony port', () => {
  let h: LicensingHarness;
  afterEach(async () => h.close());

  it('pauses and unpauses queue members with QueuePause(queue, interface, paused, "licence") when the port can list members', async () => {
    const calls: string[] = [];
    const members = [
      { queue: 'support', interface: 'PJSIP/op101', paused: false, pausedReason: null as string | null },
      { queue: 'support', interface: 'PJSIP/op102', paused: true, pausedReason: 'break' as string | null },
    ];
    const port = Object.assign(linkOnlyPort(), {
      queueMembers: async () => members.map((m) => ({ ...m })),
      queuePause: async (queue: string | null, iface: string, paused: boolean, reason?: string) => {
        calls.push(`${queue} ${iface} ${paused} ${reason}`);
        const m = members.find((x) => x.interface === iface)!;
        m.paused = paused;
        m.pausedReason = paused ? (reason ?? null) : null;
      },
    });
    h = licensingHarness({ extra: [telephonyCapability], otherOverrides: { telephony: { port } } });
    writeFileSync(h.licenseFile, license({ sessions: 1 }));
    await h.start();
    expect(h.app.licensing.status().queueControl).to.equal(true);
    h.publish('dialog.opened', { dialogId: 'one', kind: 'call', operatorId: 1, at: h.clock.now().toISOString() });
    await waitFor(() => calls.length === 1, 'pause');
    h.publish('dialog.closed', { dialogId: 'one', at: h.clock.now().toISOString() });
    await waitFor(() => calls.length === 2, 'unpause');
    expect(calls).to.deep.equal(['support PJSIP/op101 true licence', 'support PJSIP/op101 false licence']);
    expect(members[1]).to.include({ paused: true, pausedReason: 'break' });
  });
});
