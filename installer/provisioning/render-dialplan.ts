import { ext, renderContexts, type DialplanContext, type Extension, type Step } from '../../appliance/trunks/asterisk-conf.js';
import type { InboundTarget, TrunkRendering } from '../../appliance/trunks/model.js';
import { inboundRoutes, outboundRoutes, queueOf } from '../../appliance/trunks/routing.js';
import { operatorEndpoint } from './render-pjsip.js';
import type { ProvisioningModel } from './model.js';
import { INTERNS_CONTEXT } from '../../appliance/telephony/port.js';

export const CONTEXTS = {
  operators: 'cb-operators',
  interns: INTERNS_CONTEXT,
  internal: 'cb-internal',
  outbound: 'cb-outbound',
  inbound: 'cb-inbound',
  record: 'cb-record',
} as const;

/** The AMI UserEvent (class `user`) that names each recording file as MixMonitor starts it. */
export const RECORDING_EVENT = 'CBRecording';

/** The GROUP category that counts calls per single-call line (SIM, FXO port, FXS phone). */
export const LINE_GROUP = 'cbline';

/** A trunk's Gosub result that means "this trunk cannot take the call, try the next one". */
const RETRYABLE = ['CHANUNAVAIL', 'CONGESTION', 'LINEBUSY'];

/**
 * Recording starts through one subroutine: MixMonitor into the spool with a name fixed by the
 * channel's Uniqueid, then a UserEvent naming the file. The appliance's AMI user reads class
 * `user`, never `dialplan` (Newexten/VarSet floods), so the UserEvent is how it learns the name.
 */
export function recordStep(_m: ProvisioningModel, prefix: 'in' | 'out' | 'int'): string {
  return `Gosub(${CONTEXTS.record},s,1(${prefix}))`;
}

function recordContext(m: ProvisioningModel): DialplanContext {
  return {
    name: CONTEXTS.record,
    comments: ['Gosub: record the channel (only while bridged) and tell the appliance the file name; ARG1 = in | out | int'],
    extensions: [
      ext('s', [
        `Set(CB_RECORDING=${m.recordingDir}/\${ARG1}-\${UNIQUEID}.wav)`,
        'MixMonitor(${CB_RECORDING},b)',
        `UserEvent(${RECORDING_EVENT},File: \${CB_RECORDING})`,
        'Return()',
      ]),
    ],
  };
}

/*
 * Queue() and Dial() without the `t` option: operators transfer with a SIP REFER (the softphone,
 * desk phones) or through the appliance (AMI Redirect), never with a DTMF feature code. With `t`
 * an operator's `#` on the keypad started Asterisk's own blind transfer instead of reaching the
 * customer's IVR, and the call went silent while Asterisk waited for the digits of a number.
 */
function targetSteps(m: ProvisioningModel, target: InboundTarget): Step[] {
  const queue = queueOf(target);
  if (queue) {
    const spec = m.queues.find((q) => q.name === queue);
    const greeting = spec?.greeting ? [`Playback(${spec.greeting})`] : [];
    return ['Answer()', recordStep(m, 'in'), ...greeting, `Queue(${queue},,,,${spec?.maxWaitSec ?? 300})`, 'Hangup()'];
  }
  const extension = (target as { extension: string }).extension;
  const operator = m.operators.find((o) => o.extension === extension);
  // Not an operator's number (an FXS phone, say): the internal context knows it.
  if (!operator) return [`Goto(${CONTEXTS.internal},${extension},1)`];
  return [recordStep(m, 'in'), `Dial(PJSIP/${operatorEndpoint(operator)},30)`, 'Hangup()'];
}

export function renderDialplan(m: ProvisioningModel, trunks: readonly TrunkRendering[]): Record<string, string> {
  const operators: DialplanContext = {
    name: CONTEXTS.operators,
    comments: ['operators\' phones and click-to-call (Originate … Context: cb-operators) start here'],
    includes: [CONTEXTS.internal, CONTEXTS.outbound],
    extensions: [],
  };

  // Interns' phones call and transfer (REFER) from here: colleagues, queues and FXS phones only.
  // Raw digits match nothing, so Asterisk refuses such a REFER (404) and the call goes on.
  const interns: DialplanContext = {
    name: CONTEXTS.interns,
    comments: ["interns' phones and transfers: colleagues and queues, no outbound routes"],
    includes: [CONTEXTS.internal],
    extensions: [],
  };

  const internalExts: Extension[] = [...m.operators]
    .sort((a, b) => a.extension.localeCompare(b.extension))
    .map((o) =>
      ext(o.extension, [
        `NoOp(Internal call to operator ${o.extension})`,
        recordStep(m, 'int'),
        `Dial(PJSIP/${operatorEndpoint(o)},30)`,
        'Hangup()',
      ]),
    );
  internalExts.push(...trunks.flatMap((t) => t.internal));
  // A queue's own number: an operator transfers a caller into another queue by dialling it.
  for (const q of m.queues) {
    if (q.extension) internalExts.push(ext(q.extension, [`NoOp(Transfer into queue ${q.name})`, `Queue(${q.name},,,,${q.maxWaitSec})`, 'Hangup()']));
  }
  const internal: DialplanContext = { name: CONTEXTS.internal, comments: ['operator to operator (and FXS phones)'], extensions: internalExts };

  const outbound: DialplanContext = {
    name: CONTEXTS.outbound,
    comments: ['by prefix; each route tries its trunks in order while they answer CHANUNAVAIL, CONGESTION or LINEBUSY'],
    extensions: outboundRoutes(m.trunks).map((r) => {
      const steps: Step[] = [
        `NoOp(Outbound route "${r.prefix}" to \${EXTEN})`,
        `Set(CB_NUMBER=${r.prepend}\${EXTEN:${r.strip}})`,
        recordStep(m, 'out'),
      ];
      for (const trunk of r.trunks) {
        steps.push(
          `Gosub(cb-dial-${trunk},s,1(\${CB_NUMBER}))`,
          `GotoIf($[${RETRYABLE.map((s) => `"\${GOSUB_RETVAL}" != "${s}"`).join(' & ')}]?done)`,
        );
      }
      // Hangup(34), not Congestion(): on a click-to-call the operator's channel is already up, and
      // Congestion() then leaves no cause; cause 34 is how the appliance (AMI Hangup) knows no line was free.
      steps.push('NoOp(No trunk could take the call to ${CB_NUMBER})', 'Playtones(congestion)', 'Wait(2)', 'Hangup(34)', ['done', 'Hangup()']);
      return ext(`_${r.prefix}X.`, steps, `route ${r.prefix || '(any number)'}: ${r.trunks.join(' → ')}`);
    }),
  };

  const inboundExts = inboundRoutes(m.trunks).map((r) =>
    ext(r.did, [`NoOp(DID ${r.did} via ${r.trunk})`, ...targetSteps(m, r.target)]),
  );
  const unrouted = ['NoOp(No inbound route for DID ${EXTEN})', 'Hangup(1)'];
  // A provider that sends +380… for a DID stored as 380… still reaches it.
  const plusless = ['NoOp(DID ${EXTEN} without its +)', `Goto(${CONTEXTS.inbound},\${EXTEN:1},1)`];
  inboundExts.push(ext('_X.', unrouted), ext('_+X.', plusless), ext('s', unrouted));
  const inbound: DialplanContext = { name: CONTEXTS.inbound, comments: ['DID → queue, team queue or operator'], extensions: inboundExts };

  return {
    recordingDir: m.recordingDir,
    operators: renderContexts([operators, interns]),
    internal: renderContexts([internal]),
    outbound: renderContexts([outbound]),
    inbound: renderContexts([inbound]),
    trunks: renderContexts(trunks.flatMap((t) => [...t.contexts, t.dial])),
    record: renderContexts([recordContext(m)]),
  };
}
