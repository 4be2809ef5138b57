import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { defaultModel, type ProvisioningModel } from '../../installer/provisioning/model.js';
import { renderAsterisk } from '../../installer/provisioning/render.js';
import { readTemplates } from '../../installer/provisioning/templates.js';
import { DialplanSim, evalExpr, parseDialplan, type DialResult } from './dialplan-sim.js';
import { sampleModel } from './fixtures.js';

function dialplanOf(model: ProvisioningModel) {
  const files = renderAsterisk(model, { amiSecret: 'a', ariPassword: 'b' }, readTemplates(), trunkKinds);
  return parseDialplan(files.find((f) => f.name === 'extensions_contactbox.conf')!.content);
}

/** The reference lab's gateway: one SIM (one channel), IP-identified. */
function singleSimModel(): ProvisioningModel {
  const gsm = parseTrunk(
    { kind: 'gsm', name: 'gsm-gw', host: '127.0.0.1', auth: 'ip', port: 5070, channels: 1, dids: ['74951230000'], outbound: ['9:1'] },
    [],
    trunkKinds,
  );
  return defaultModel({ operators: [{ endpoint: 'op101', extension: '101', name: 'Op 101', secret: 'Op101-Secret-xyz', queues: ['support'] }], trunks: [gsm] });
}

describe('provisioning: one call per GSM SIM, enforced by the rendered dialplan', () => {
  it('the expression evaluator reads Asterisk expressions the way the dialplan needs', () => {
    expect(evalExpr('2 > 1')).to.equal(1);
    expect(evalExpr('1 > 1')).to.equal(0);
    expect(evalExpr('"BUSY" != "CHANUNAVAIL" & "BUSY" != "CONGESTION"')).to.equal(1);
    expect(evalExpr('"CONGESTION" != "CHANUNAVAIL" & "CONGESTION" != "CONGESTION"')).to.equal(0);
    expect(evalExpr('"CHANUNAVAIL" = "CHANUNAVAIL" | "x" = "y"')).to.equal(1);
  });

  it('two simultaneous inbound calls on one SIM: the second gets Hangup(17) (486 Busy Here) before it is answered', () => {
    const sim = new DialplanSim(dialplanOf(singleSimModel()));
    const first = sim.call('cb-from-gsm-gw-ch1', '74951230000', '79161111111');
    expect(first.outcome).to.include({ state: 'up', answered: true, queue: 'support' });
    expect(first.outcome.recordings).to.deep.equal(['/var/spool/asterisk/recording/in-1795599000.1.wav,b']);
    // The AMI user cannot read dialplan events: the file name reaches the appliance as a UserEvent.
    expect(first.outcome.userEvents).to.deep.equal(['CBRecording,File: /var/spool/asterisk/recording/in-1795599000.1.wav']);
    expect(sim.groupCount('gsm-gw-ch1@cbline')).to.equal(1);

    const second = sim.call('cb-from-gsm-gw-ch1', '74951230000', '79162222222');
    expect(second.outcome).to.include({ state: 'hangup', cause: 17, answered: false, queue: null });
    expect(second.outcome.trace).to.include('cb-from-gsm-gw-ch1,line,5 NoOp(GSM line already in use: 2 channels)');
    expect(second.outcome.recordings).to.deep.equal([]);
    expect(sim.groupCount('gsm-gw-ch1@cbline')).to.equal(1);

    first.hangup();
    const third = sim.call('cb-from-gsm-gw-ch1', '74951230000');
    expect(third.outcome.state).to.equal('up');
  });

  it('an outbound call while the SIM is busy: Congestion(2), and the gateway is never dialled (like the trace)', () => {
    const dialled: string[] = [];
    const sim = new DialplanSim(dialplanOf(singleSimModel()), (t) => (dialled.push(t), 'ANSWER'));
    const inbound = sim.call('cb-from-gsm-gw-ch1', '74951230000');
    expect(inbound.outcome.state).to.equal('up');
    const out = sim.call('cb-operators', '989160000000');
    expect(out.outcome).to.include({ state: 'congestion' });
    expect(dialled).to.deep.equal([]);
    expect(out.outcome.trace.some((l) => l.includes('GSM line already in use: no free line on gsm-gw'))).to.equal(true);
    // The failed attempt leaves no phantom call on the line.
    expect(sim.groupCount('gsm-gw-ch1@cbline')).to.equal(1);
    inbound.hangup();
    const again = sim.call('cb-operators', '989160000000');
    expect(again.outcome.state).to.equal('up');
    expect(dialled).to.deep.equal(['PJSIP/89160000000@gsm-gw-ch1']);
  });

  it('click-to-call through the dialplan while the line is free uses the SIM and counts it, so an inbound call is then refused', () => {
    const sim = new DialplanSim(dialplanOf(singleSimModel()));
    const out = sim.call('cb-operators', '989161112233');
    expect(out.outcome.state).to.equal('up');
    expect(out.outcome.recordings[0]).to.match(/out-.*\.wav,b$/);
    const inbound = sim.call('cb-from-gsm-gw-ch1', '74951230000');
    expect(inbound.outcome).to.include({ state: 'hangup', cause: 17 });
  });

  it('4-channel gateway: outbound calls hunt for a free SIM, then fail over to the SIP provider, then Congestion', () => {
    const model = sampleModel();
    model.trunks = model.trunks.filter((t) => t.name !== 'uplink');
    const dialled: string[] = [];
    const sim = new DialplanSim(dialplanOf(model), (t) => (dialled.push(t), 'ANSWER'));
    const calls = [1, 2, 3, 4].map((i) => sim.call('cb-operators', `067000000${i}`));
    expect(calls.map((c) => c.outcome.state)).to.deep.equal(['up', 'up', 'up', 'up']);
    expect(dialled).to.deep.equal([1, 2, 3, 4].map((i) => `PJSIP/067000000${i}@goip-ch${i}`));
    const fifth = sim.call('cb-operators', '0670000005');
    expect(fifth.outcome.state).to.equal('congestion');
    // An inbound call on a SIM that carries an outbound call is refused too.
    expect(sim.call('cb-from-goip-ch3', '380671110003').outcome).to.include({ state: 'hangup', cause: 17 });
    calls[1]!.hangup();
    expect(sim.call('cb-from-goip-ch2', '380671110002').outcome.state).to.equal('up');

    const withSip = new DialplanSim(dialplanOf(sampleModel()), (t) => (t.includes('@goip') ? 'ANSWER' : 'ANSWER'));
    for (let i = 1; i <= 4; i++) withSip.call('cb-operators', `067100000${i}`);
    const overflow = withSip.call('cb-operators', '0671000005');
    expect(overflow.outcome.state).to.equal('up');
    expect(overflow.outcome.dialed).to.deep.equal(['PJSIP/0671000005@uplink']);
    expect(withSip.groupCount('goip-ch4@cbline')).to.equal(1);
  });

  it('an unregistered SIM (CHANUNAVAIL) is skipped; a callee who is busy is not retried on another trunk', () => {
    const results: Record<string, DialResult> = { 'goip-ch1': 'CHANUNAVAIL', 'goip-ch2': 'BUSY' };
    const sim = new DialplanSim(dialplanOf(sampleModel()), (t) => results[t.split('@')[1]!] ?? 'ANSWER');
    const call = sim.call('cb-operators', '0501234567');
    expect(call.outcome.dialed).to.deep.equal(['PJSIP/0501234567@goip-ch1', 'PJSIP/0501234567@goip-ch2']);
    expect(call.outcome.state).to.equal('hangup');
  });

  it('internal operator-to-operator calls and inbound DIDs route to their targets', () => {
    const sim = new DialplanSim(dialplanOf(sampleModel()));
    const internal = sim.call('cb-operators', '102');
    expect(internal.outcome.dialed).to.deep.equal(['PJSIP/op102']);
    expect(internal.outcome.recordings[0]).to.match(/int-/);
    expect(sim.call('cb-from-uplink', '0900123456').outcome.queue).to.equal('team-sales');
    expect(sim.call('cb-from-uplink', '1551').outcome.queue).to.equal('support');
    expect(sim.call('cb-from-uplink', 'acme380441234567').outcome.queue).to.equal('support');
    expect(sim.call('cb-from-uplink', '380449999999').outcome).to.include({ state: 'hangup', cause: 1 });
    expect(sim.call('cb-from-uplink', '+380441234567').outcome.queue).to.equal('support');
    expect(sim.call('cb-from-uplink', '+380449999999').outcome).to.include({ state: 'hangup', cause: 1 });
  });
});

describe('the dialplan simulator replays the reference Asterisk run (log-40) step for step', () => {
  const REF = new URL('./reference-conf/', import.meta.url);
  const executed = (log: string, channel: string) =>
    [...log.matchAll(/Executing \[([^@]+)@([^:]+):(\d+)\] (\w+)\("([^"]+)", "(.*)"\) in new stack/g)]
      .filter((m) => m[5] === channel)
      .map((m) => `${m[2]},${m[1]},${m[3]} ${m[4]}(${m[6]})`);

  it('second call on the busy SIM and the outbound attempt execute exactly the priorities Asterisk 22.10.1 executed', () => {
    const text = readFileSync(new URL('extensions.conf', REF), 'utf8');
    const log = readFileSync(new URL('log-40-gsm-line-busy.messages.log', REF), 'utf8');
    const sim = new DialplanSim(parseDialplan(text));
    const first = sim.call('from-gsm', '74951230000', '79161111111');
    expect(first.outcome.trace).to.deep.equal(executed(log, 'PJSIP/gsm-gw-0000000a').map((l) => l.replace('1795598948.10', '1795599000.1')));
    const second = sim.call('from-gsm', '74951230000', '79161111111');
    expect(second.outcome.trace).to.deep.equal(executed(log, 'PJSIP/gsm-gw-0000000c'));
    expect(second.outcome).to.include({ state: 'hangup', cause: 17 });
    const outbound = sim.call('from-operators', '989160000000');
    expect(outbound.outcome.trace).to.deep.equal(executed(log, 'PJSIP/op102-0000000d'));
    expect(outbound.outcome.state).to.equal('congestion');
  });
});
