import { expect } from 'chai';
import { join } from 'node:path';
import { foldCall, newCall, summarize, type CallState, type FoldContext } from '../../appliance/calls/machine.js';
import { toTelephonyEvent } from '../../appliance/telephony/ami/events.js';
import { loadAmiScenario, tracesDir } from '../support/asterisk-standin/index.js';

const ctx: FoldContext = {
  operatorOf: (e) => ({ 'PJSIP/op101': 101, 'PJSIP/op102': 102 })[e] ?? null,
  isOperator: (e) => e.startsWith('PJSIP/op'),
  dialPrefix: '9',
};

/** Folds one recorded AMI stream (times from its timing file) into the call with this Linkedid. */
function replay(scenario: string, linkedId: string): CallState {
  const trace = loadAmiScenario(join(tracesDir(), 'ami', `${scenario}.raw`));
  const t0 = Date.UTC(2026, 10, 25, 10, 0, 0);
  let call: CallState | null = null;
  for (const m of trace.messages) {
    const event = toTelephonyEvent(m.fields, new Date(t0 + m.t * 1000));
    if (!event) continue;
    call ??= newCall(linkedId, event.at);
    call = foldCall(call, event, ctx).call;
  }
  return call!;
}

describe('calls: passes through queues (stints) and ring attempts, from the real traces', () => {
  it('ring-all answered by op101: one stint, two ring attempts (op102 cancelled), Asterisk hold and talk', () => {
    const call = replay('ami-10-inbound-queue-answered', '1795599145.23');
    expect(call.stints).to.have.length(1);
    const s = call.stints[0]!;
    expect(s).to.include({ queue: 'support', outcome: 'answered', member: 'PJSIP/op101', operatorId: 101, waitSec: 2, talkSec: 6, endReason: 'caller' });
    expect(s.attempts.map((a) => [a.member, a.outcome])).to.deep.equal([
      ['PJSIP/op102', 'cancelled'],
      ['PJSIP/op101', 'answered'],
    ]);
    expect(summarize(call).hungUpBy).to.equal('customer');
  });

  it('the operator hanging up is told apart from the customer hanging up', () => {
    const call = replay('ami-13-inbound-queue-agent-hangs-up', '1795599192.29');
    expect(call.stints[0]).to.include({ endReason: 'agent' });
    expect(summarize(call).hungUpBy).to.equal('operator');
  });

  it('an abandon after two ring-all rounds: four attempts, each rang out (RONA), wait = QueueCallerAbandon HoldTime', () => {
    const call = replay('ami-20-inbound-queue-abandoned', '1795598892.3');
    const s = call.stints[0]!;
    expect(s).to.include({ outcome: 'abandoned', waitSec: 8, member: null });
    expect(s.attempts.map((a) => a.outcome)).to.deep.equal(['noanswer', 'noanswer', 'cancelled', 'cancelled']);
    expect(s.attempts.filter((a) => a.outcome === 'noanswer').map((a) => a.ringSec)).to.deep.equal([5, 5]);
  });

  it('a blind transfer ends the stint with reason transfer and marks the call transferred', () => {
    const call = replay('ami-18-hold-and-blind-transfer', '1795599452.0');
    expect(call.stints[0]).to.include({ outcome: 'answered', endReason: 'transfer', waitSec: 2, talkSec: 5 });
    expect(summarize(call).transferred).to.equal(true);
  });

  it('a hold is booked to the stint it happened in, for as long as the call was held', () => {
    const call = replay('ami-18-hold-and-blind-transfer', '1795599452.0');
    const summary = summarize(call);
    expect(summary.holdSec).to.be.greaterThan(0);
    expect(call.stints.map((s) => s.holdSec)).to.deep.equal([summary.holdSec]);
  });

  it('QueueMemberPause becomes a typed pause event with its reason', () => {
    const trace = loadAmiScenario(join(tracesDir(), 'ami', 'ami-14-member-login-and-recording-control.raw'));
    const pauses = trace.messages.map((m) => toTelephonyEvent(m.fields, new Date(0))).filter((e) => e?.type === 'queue.member.paused');
    expect(pauses.map((e) => e!.type === 'queue.member.paused' && [e.member, e.paused, e.reason])).to.deep.include.members([
      ['PJSIP/op102', true, 'break'],
      ['PJSIP/op102', false, null],
    ]);
  });
});
