import { expect } from 'chai';
import { closeMissingLegs, foldCall, newCall, summarize, type CallState, type FoldContext } from '../../appliance/calls/machine.js';
import type { ChannelRef, TelephonyEvent } from '../../appliance/telephony/port.js';

const ctx: FoldContext = { operatorOf: (e) => (e === 'PJSIP/op101' ? 7 : null), isOperator: (e) => e.startsWith('PJSIP/op'), dialPrefix: '9' };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s));
const ch = (uniqueId: string, name: string, state: ChannelRef['state'], extra: Partial<ChannelRef> = {}): ChannelRef => ({
  uniqueId, linkedId: 'L', name, endpoint: name.replace(/-[^-]+$/, ''), state, callerNum: '380671234567', connectedNum: null, context: 'from-gsm', exten: '380441234567', ...extra,
});
function run(events: TelephonyEvent[]): CallState {
  let call = newCall('L', events[0]!.at);
  for (const e of events) call = foldCall(call, e, ctx).call;
  return call;
}

describe('calls: the pure call state machine', () => {
  const caller = ch('1', 'PJSIP/trunk-01', 'ring');
  const agent = ch('2', 'PJSIP/op101-02', 'ringing');

  it('is a pure transition: the previous state is left untouched', () => {
    const before = newCall('L', at(0));
    const snapshot = JSON.stringify(before);
    const { call, effects } = foldCall(before, { type: 'channel.created', at: at(0), channel: caller }, ctx);
    expect(JSON.stringify(before)).to.equal(snapshot);
    expect(call.legs).to.have.length(1);
    expect(effects).to.deep.equal([{ type: 'changed' }]);
  });

  it('keeps the first DialEnd of a leg when Asterisk sends a second one', () => {
    const call = run([
      { type: 'channel.created', at: at(0), channel: caller },
      { type: 'dial.begin', at: at(1), channel: caller, dest: agent, dialString: 'op101' },
      { type: 'channel.state', at: at(3), channel: { ...agent, state: 'up' } },
      { type: 'dial.end', at: at(3), channel: caller, dest: { ...agent, state: 'up' }, status: 'ANSWER' },
      { type: 'dial.end', at: at(3), channel: caller, dest: { ...agent, state: 'up' }, status: 'CANCEL' },
    ]);
    expect(call.legs[1]!.dialStatus).to.equal('ANSWER');
    expect(summarize(call)).to.include({ direction: 'inbound', disposition: null, operatorId: 7, waitSec: 3 });
  });

  it('emits operator.up once and ended when the last leg hangs up', () => {
    let call = newCall('L', at(0));
    const all: string[] = [];
    for (const e of [
      { type: 'channel.created', at: at(0), channel: caller },
      { type: 'channel.created', at: at(1), channel: agent },
      { type: 'channel.state', at: at(2), channel: { ...agent, state: 'up' } },
      { type: 'channel.hangup', at: at(9), channel: { ...agent, state: 'up' }, cause: 16, causeText: '' },
      { type: 'channel.hangup', at: at(9), channel: { ...caller, state: 'up' }, cause: 16, causeText: '' },
    ] as TelephonyEvent[]) {
      const r = foldCall(call, e, ctx);
      call = r.call;
      all.push(...r.effects.filter((x) => x.type !== 'changed').map((x) => x.type));
    }
    expect(all).to.deep.equal(['operator.up', 'ended']);
    expect(summarize(call)).to.include({ disposition: 'answered', waitSec: 2, talkSec: 7 });
  });

  it('closes legs Asterisk no longer has, once, and marks the call reconciled', () => {
    const call = run([{ type: 'channel.created', at: at(0), channel: caller }]);
    const { call: closed, effects } = closeMissingLegs(call, new Set(), at(5));
    expect(effects.map((e) => e.type)).to.deep.equal(['changed', 'ended']);
    expect(closed).to.include({ reconciled: true, endedAt: at(5).toISOString() });
    expect(summarize(closed).disposition).to.equal('missed');
    expect(closeMissingLegs(closed, new Set(), at(6)).effects).to.deep.equal([]);
  });

  it('does not take direction from the dialplan context: an originated customer leg in the trunk context is outbound', () => {
    const op = ch('3', 'PJSIP/op101-03', 'down', { context: 'from-operators', exten: 's' });
    const customer = ch('4', 'PJSIP/trunk-04', 'down', { context: 'from-gsm', exten: '380671234567' });
    const call = run([
      { type: 'channel.created', at: at(0), channel: op },
      { type: 'channel.created', at: at(2), channel: customer },
      { type: 'dial.begin', at: at(2), channel: op, dest: customer, dialString: '380671234567@trunk' },
    ]);
    expect(summarize(call)).to.include({ direction: 'outbound', to: '380671234567', trunk: 'trunk' });
  });
});
