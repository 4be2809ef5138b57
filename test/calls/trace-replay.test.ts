import { expect } from 'chai';
import { basename, join } from 'node:path';
import { amiTraceFiles, loadAmiScenario, tracesDir } from '../support/asterisk-standin/index.js';
import { callRows, startRig, waitFor, type Rig } from './helpers.js';

/** Slower than the other tests: a 100 ms stall of a loaded machine is then 0.5 s of trace time, inside the ±1 s. */
const SPEED = 5;

/**
 * What each recorded scenario implies, read from the trace by hand (times in seconds from the
 * summaries): wait = first channel → the answering leg Up, talk = answer → last Hangup. For
 * queue calls Asterisk's own AgentConnect HoldTime / AgentComplete TalkTime agree within 1 s.
 */
interface Expected {
  linkedId: string;
  direction: 'inbound' | 'outbound' | 'internal';
  disposition: string;
  wait: number;
  talk: number;
  operator?: string;
  from?: string;
  to?: string;
  did?: string;
  trunk?: string;
  queue?: string;
  transferred?: boolean;
  held?: boolean;
}

const inboundQueue = (linkedId: string, from: string, wait: number, talk: number): Expected => ({
  linkedId, direction: 'inbound', disposition: 'answered', wait, talk, operator: 'op101', from, did: '74951230000', trunk: 'gsm-gw', queue: 'support',
});

const EXPECTED: Record<string, Expected[]> = {
  'ami-00-actions-and-registration': [],
  'ami-01-failed-login': [],
  // 1.202 → op101 Up 3.227 → last Hangup 8.717 (AgentConnect HoldTime=2, AgentComplete TalkTime=6)
  'ami-10-inbound-queue-answered': [inboundQueue('1795599145.23', '79161234567', 2, 5)],
  // 1.135 → 3.159 → 8.644 (HoldTime=2, TalkTime=5)
  'ami-11-inbound-queue-answered-op102-not-responding': [inboundQueue('1795598864.0', '79161234567', 2, 5)],
  // 1.204 → 3.232 → 7.713 (HoldTime=2, TalkTime=4)
  'ami-12-actions-during-live-call': [inboundQueue('1795599168.26', '79165555555', 2, 4)],
  // 1.176 → 3.199 → 7.205, the operator hangs up (HoldTime=2, TalkTime=4)
  'ami-13-inbound-queue-agent-hangs-up': [inboundQueue('1795599192.29', '79166666666', 2, 4)],
  // 1.805 → 3.928 → 11.814 (HoldTime=2, TalkTime=8)
  'ami-14-member-login-and-recording-control': [inboundQueue('1795599345.0', '79168888888', 2, 8)],
  // Originate with ChannelId crm-call-0001 to op101, Playback: op101 answers at 3.311 (from 1.303), hangs up 3.560
  'ami-15-originate-variants-and-reload': [{ linkedId: 'crm-call-0001', direction: 'internal', disposition: 'answered', wait: 2, talk: 0, operator: 'op101' }],
  'ami-16-shutdown': [],
  'ami-17-connect-right-after-start': [],
  // 1.222 → op101 Up 3.245; hold 5.249–7.253; blind transfer to 102 at 8.261; caller hangs up 17.231
  'ami-18-hold-and-blind-transfer': [{ ...inboundQueue('1795599452.0', '79169999999', 2, 14), transferred: true, held: true }],
  // 1.211 → caller gives up 9.221 (QueueCallerAbandon HoldTime=8)
  'ami-20-inbound-queue-abandoned': [
    { linkedId: '1795598892.3', direction: 'inbound', disposition: 'abandoned', wait: 8, talk: 0, did: '74951230000', trunk: 'gsm-gw', queue: 'support' },
  ],
  // op102 created 1.306, the gateway answers 5.324, hangs up 10.328
  'ami-30-originate-op102-then-gsm': [
    { linkedId: '1795598914.8', direction: 'outbound', disposition: 'answered', wait: 4, talk: 5, operator: 'op102', to: '89161112233', trunk: 'gsm-gw' },
  ],
  // op102 created 0.803, the gateway answers 486 at 3.818
  'ami-31-originate-gsm-callee-busy': [
    { linkedId: '1795599203.32', direction: 'outbound', disposition: 'busy', wait: 3, talk: 0, operator: 'op102', to: '89167777777', trunk: 'gsm-gw' },
  ],
  'ami-40-gsm-line-busy': [
    // call 1: 3.788 → op101 Up 5.812 → 15.802 (HoldTime=2, TalkTime=10)
    inboundQueue('1795598948.10', '79161111111', 2, 10),
    // call 2 on the same SIM: Hangup(17) before answer → busy
    { linkedId: '1795598951.12', direction: 'inbound', disposition: 'busy', wait: 0, talk: 0, from: '79161111111', did: '74951230000', trunk: 'gsm-gw' },
    // op102 answers, outbound-gsm finds the line taken and runs Congestion(2): no channel free
    // The lab's dialplan ends this click-to-call with Congestion(2) on the operator's answered
    // channel: Asterisk reports Hangup cause 0 and only Newexten (class dialplan, which the
    // provisioned AMI user cannot read) says "congestion", so the record can only say failed. The
    // product's own dialplan ends it with Hangup(34): no_channel (test/asterisk/ on a real Asterisk).
    { linkedId: '1795598951.13', direction: 'outbound', disposition: 'failed', wait: 4, talk: 0, operator: 'op102', to: '89160000000' },
    // Originate straight to PJSIP/…@gsm-gw: the busy SIM never answers, cause 19 after 3 s
    { linkedId: '1795598954.14', direction: 'outbound', disposition: 'failed', wait: 3, talk: 0, trunk: 'gsm-gw' },
  ],
  // Stasis IVR only, no operator ever: 0.907 → 11.422
  'ami-50-stasis-inbound-dtmf': [{ linkedId: '1795599051.18', direction: 'inbound', disposition: 'missed', wait: 11, talk: 0, trunk: 'gsm-gw' }],
  // ARI originates agent-leg-1 (its own Linkedid until bridged); op101 Up 5.511 (from 0.930), end 11.580
  'ami-51-stasis-answer-originate-bridge': [
    { linkedId: '1795599082.19', direction: 'inbound', disposition: 'answered', wait: 5, talk: 6, operator: 'op101', trunk: 'gsm-gw' },
  ],
  'ami-60-webrtc-ws-register': [],
};

describe('calls: every AMI trace replayed through the stand-in', function () {
  this.timeout(120_000);
  let rig: Rig;
  before(async () => {
    rig = await startRig({ speed: SPEED });
    await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 5000, 'AMI login');
  });
  after(async () => rig?.close());

  it('knows what every scenario file in the traces implies', () => {
    const names = amiTraceFiles().map((f) => basename(f, '.raw'));
    expect(names.sort()).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  // Named from the expectations, not from a directory listing, so that missing traces fail these
  // cases one by one instead of stopping the whole run while the files are collected.
  for (const name of Object.keys(EXPECTED).sort()) {
    it(`${name}: each call recorded once with the disposition, wait and talk time it implies`, async () => {
      const scenario = loadAmiScenario(join(tracesDir(), 'ami', `${name}.raw`));
      const before = callRows(rig.t.db).length;
      await rig.standin.play(scenario, SPEED);
      if (name === 'ami-16-shutdown') await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 5000, 'reconnect after Shutdown');
      await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'calls to end');
      await new Promise((r) => setTimeout(r, 20));
      const rows = callRows(rig.t.db).slice(before);
      const expected = EXPECTED[name]!;
      expect(rows.map((r) => r.linked_id).sort(), 'one record per call, none extra').to.deep.equal(expected.map((e) => e.linkedId).sort());
      for (const e of expected) {
        const row = rows.find((r) => r.linked_id === e.linkedId)!;
        const what = `${name} ${e.linkedId}`;
        expect(row.direction, `${what} direction`).to.equal(e.direction);
        expect(row.disposition, `${what} disposition`).to.equal(e.disposition);
        expect(row.wait_sec, `${what} wait`).to.be.within(e.wait - 1, e.wait + 1);
        expect(row.talk_sec, `${what} talk`).to.be.within(e.talk - 1, e.talk + 1);
        expect(row.ended_at, `${what} ended`).to.be.a('string');
        if (e.operator) expect(row.operator_id, `${what} operator`).to.equal(rig.users[e.operator]);
        if (e.from) expect(row.from_number, `${what} from`).to.equal(e.from);
        if (e.to) expect(row.to_number, `${what} to`).to.equal(e.to);
        if (e.did) expect(row.did, `${what} DID`).to.equal(e.did);
        if (e.trunk) expect(row.trunk, `${what} trunk`).to.equal(e.trunk);
        if (e.queue) expect(row.queue, `${what} queue`).to.equal(e.queue);
        if (e.transferred !== undefined) expect(row.transferred === 1, `${what} transferred`).to.equal(e.transferred);
        if (e.held !== undefined) expect(row.held === 1, `${what} held`).to.equal(e.held);
      }
    });
  }
});
