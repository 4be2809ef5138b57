import type { CallFact } from '../calls/events.js';

/**
 * The counting rules, as one pure function from a closed call to what it adds to the reports.
 *
 * - One customer call is one offered call (dimension `all`, `did`, `trunk`), however many queues
 *   it passed or transfers it took. Its passes through queues are stints: each stint is offered
 *   to its queue once (dimension `queue`), which is what Asterisk's queue_log counts per queue
 *   (ENTERQUEUE, CONNECT, ABANDON, EXITWITH*), so the per-queue figures agree with it, and a
 *   transfer shows as `transfersOut` in one queue and `transfersIn` in the next.
 * - Ring attempts (each AgentCalled) are counted apart from calls: ring-all ringing three phones
 *   is three attempts, one offered call, and no missed call for the phones that did not answer.
 *   An attempt that rang out is a RONA of that agent.
 * - An inbound call that hung up before reaching any queue (IVR, greeting) is an abandon before
 *   the queue; a call refused by the line (busy, no channel) never reached us and is `blocked`.
 * - A short abandon (waited less than the threshold) is counted apart and left out of the
 *   service-level variant that excludes them.
 * Figures land in 15-minute buckets of the call's (or the stint's) start.
 */

export const BUCKET_SEC = 900;

/** Every additive figure a bucket keeps; `waitMax` is the only one kept as a maximum. */
export const METRICS = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'abandonedPreQueue',
  'exited',
  'blocked',
  'answeredInSl',
  'abandonedInSl',
  'waitSum',
  'waitMax',
  'answeredWaitSum',
  'abandonedWaitSum',
  'talkSum',
  'holdSum',
  'wrapSum',
  'transfersOut',
  'transfersIn',
  'ringAttempts',
  'rona',
  'hungCustomer',
  'hungOperator',
  'handled',
  'outbound',
  'outboundAnswered',
  'repeatCalls',
  'callbacks',
  'callbackDelaySum',
  'wait0',
  'wait10',
  'wait20',
  'wait30',
  'wait60',
  'wait120',
] as const;
export type Metric = (typeof METRICS)[number];
export type Figures = Partial<Record<Metric, number>>;

/** Upper edges of the wait histogram's bins, seconds (the last bin is open). */
export const WAIT_BINS: ReadonlyArray<{ metric: Metric; below: number }> = [
  { metric: 'wait0', below: 10 },
  { metric: 'wait10', below: 20 },
  { metric: 'wait20', below: 30 },
  { metric: 'wait30', below: 60 },
  { metric: 'wait60', below: 120 },
  { metric: 'wait120', below: Infinity },
];

export type Dimension = 'all' | 'queue' | 'agent' | 'did' | 'trunk' | 'team' | 'channel';

export interface Delta {
  bucket: number;
  dim: Dimension;
  key: string;
  figures: Figures;
}

export interface CountingSettings {
  shortAbandonSec: number;
  /** Service-level threshold for a queue (null: calls that reached no queue). */
  serviceLevelSec(queue: string | null): number;
}

export type CallOutcome = 'answered' | 'abandoned' | 'abandoned_pre_queue' | 'exited' | 'blocked' | 'outbound_answered' | 'outbound_unanswered' | 'internal';

export interface StintRow {
  seq: number;
  queue: string;
  bucket: number;
  joinedAt: string;
  outcome: 'answered' | 'abandoned' | 'exited';
  operatorId: number | null;
  waitSec: number;
  talkSec: number;
  short: boolean;
  inSl: boolean;
  transferOut: boolean;
  attempts: number;
  rona: number;
}

export interface AttemptRow {
  seq: number;
  operatorId: number | null;
  member: string;
  queue: string;
  bucket: number;
  outcome: 'answered' | 'noanswer' | 'cancelled';
}

export interface CallRow {
  callId: number;
  bucket: number;
  startedAt: string;
  direction: 'inbound' | 'outbound' | 'internal';
  outcome: CallOutcome;
  did: string | null;
  trunk: string | null;
  firstQueue: string | null;
  operatorId: number | null;
  waitSec: number;
  talkSec: number;
  stints: number;
  hungUpBy: 'customer' | 'operator' | null;
  /** Gave up before the short-abandon threshold (judged with the threshold in force at closing). */
  short: boolean;
}

export interface Counted {
  call: CallRow;
  stints: StintRow[];
  attempts: AttemptRow[];
  deltas: Delta[];
}

export function bucketOf(iso: string): number {
  const sec = Math.floor(Date.parse(iso) / 1000);
  return sec - (sec % BUCKET_SEC);
}

function add(figures: Figures, metric: Metric, n = 1): void {
  if (n === 0) return;
  figures[metric] = metric === 'waitMax' ? Math.max(figures[metric] ?? 0, n) : (figures[metric] ?? 0) + n;
}

function waitBin(waitSec: number): Metric {
  return WAIT_BINS.find((b) => waitSec < b.below)!.metric;
}

/** The customer-level outcome of a call. */
export function outcomeOf(fact: CallFact): CallOutcome {
  const s = fact.summary;
  if (s.direction === 'outbound') return s.answeredAt ? 'outbound_answered' : 'outbound_unanswered';
  if (s.direction === 'internal') return 'internal';
  if (s.answeredAt) return 'answered';
  if (s.disposition === 'busy' || s.disposition === 'no_channel') return 'blocked';
  if (fact.stints.length === 0) return 'abandoned_pre_queue';
  return fact.stints.some((st) => st.outcome === 'abandoned') ? 'abandoned' : 'exited';
}

/** What one closed call adds to the reports. `teamsOf` gives an agent's teams at closing time. */
export function countCall(fact: CallFact, settings: CountingSettings, teamsOf: (userId: number) => readonly number[] = () => []): Counted {
  const s = fact.summary;
  const callBucket = bucketOf(s.startedAt);
  const outcome = outcomeOf(fact);
  const deltas = new Map<string, Delta>();
  const delta = (bucket: number, dim: Dimension, key: string): Figures => {
    const id = `${dim}\u0000${key}\u0000${bucket}`;
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = { bucket, dim, key, figures: {} }));
    return d.figures;
  };
  const agentFigures = (bucket: number, operatorId: number, change: (f: Figures) => void) => {
    change(delta(bucket, 'agent', String(operatorId)));
    for (const team of teamsOf(operatorId)) change(delta(bucket, 'team', String(team)));
  };

  // Customer level: one call, whatever it went through.
  const customer: Figures = {};
  if (s.direction === 'inbound') {
    if (outcome === 'blocked') add(customer, 'blocked');
    else {
      add(customer, 'offered');
      const firstSl = settings.serviceLevelSec(fact.stints[0]?.queue ?? null);
      // The customer's wait: until the first answer, or until they gave up.
      const wait = s.waitSec;
      add(customer, 'waitSum', wait);
      add(customer, 'waitMax', wait);
      if (outcome === 'answered') {
        add(customer, 'answered');
        add(customer, 'answeredWaitSum', wait);
        add(customer, 'talkSum', s.talkSec);
        add(customer, 'holdSum', s.holdSec);
        add(customer, waitBin(wait));
        if (wait <= firstSl) add(customer, 'answeredInSl');
        if (s.hungUpBy === 'customer') add(customer, 'hungCustomer');
        if (s.hungUpBy === 'operator') add(customer, 'hungOperator');
        if (s.transferred) add(customer, 'transfersOut');
      } else if (outcome === 'abandoned' || outcome === 'abandoned_pre_queue') {
        add(customer, outcome === 'abandoned' ? 'abandoned' : 'abandonedPreQueue');
        add(customer, 'abandonedWaitSum', wait);
        if (wait < settings.shortAbandonSec) add(customer, 'shortAbandoned');
        if (wait <= firstSl) add(customer, 'abandonedInSl');
      } else add(customer, 'exited');
    }
  } else if (s.direction === 'outbound') {
    add(customer, 'outbound');
    if (s.answeredAt) {
      add(customer, 'outboundAnswered');
      add(customer, 'talkSum', s.talkSec);
    }
  }
  const customerKeys: Array<[Dimension, string | null]> = [
    ['all', 'all'],
    ['channel', s.direction === 'inbound' ? 'call' : s.direction === 'outbound' ? 'call-out' : 'call-internal'],
    ['did', s.did],
    ['trunk', s.trunk],
  ];
  if (Object.keys(customer).length > 0) {
    for (const [dim, key] of customerKeys) if (key) mergeInto(delta(callBucket, dim, key), customer);
  }

  // Queue level: each stint, as queue_log counts it.
  const stints: StintRow[] = [];
  const attempts: AttemptRow[] = [];
  // Hold goes to the stint (queue, agent) it happened in; calls stored before holds were kept
  // per stint book the call's hold to its last answered stint.
  const perStint = fact.stints.some((st) => st.holdSec !== undefined);
  const lastAnswered = [...fact.stints].reverse().find((st) => st.outcome === 'answered');
  const holdOf = (st: (typeof fact.stints)[number]) => (perStint ? (st.holdSec ?? 0) : st === lastAnswered ? s.holdSec : 0);
  fact.stints.forEach((st, seq) => {
    const bucket = bucketOf(st.joinedAt);
    const f = delta(bucket, 'queue', st.queue);
    const outcomeOfStint = st.outcome ?? 'abandoned';
    const wait = st.waitSec ?? 0;
    const talk = st.talkSec ?? 0;
    const sl = settings.serviceLevelSec(st.queue);
    const short = outcomeOfStint === 'abandoned' && wait < settings.shortAbandonSec;
    const transferOut = st.endReason === 'transfer';
    add(f, 'offered');
    add(f, 'waitSum', wait);
    add(f, 'waitMax', wait);
    if (seq > 0) add(f, 'transfersIn');
    if (outcomeOfStint === 'answered') {
      add(f, 'answered');
      add(f, 'answeredWaitSum', wait);
      add(f, 'talkSum', talk);
      add(f, 'holdSum', holdOf(st));
      add(f, waitBin(wait));
      if (wait <= sl) add(f, 'answeredInSl');
      if (transferOut) add(f, 'transfersOut');
      if (st.endReason === 'caller') add(f, 'hungCustomer');
      if (st.endReason === 'agent') add(f, 'hungOperator');
    } else if (outcomeOfStint === 'abandoned') {
      add(f, 'abandoned');
      add(f, 'abandonedWaitSum', wait);
      if (short) add(f, 'shortAbandoned');
      if (wait <= sl) add(f, 'abandonedInSl');
    } else add(f, 'exited');
    let rona = 0;
    st.attempts.forEach((a) => {
      add(f, 'ringAttempts');
      if (a.outcome === 'noanswer') {
        add(f, 'rona');
        rona++;
      }
      // The whole centre's (and the DID's, trunk's) ring attempts: every phone rung for the call.
      if (s.direction === 'inbound') {
        for (const [dim, key] of customerKeys) {
          if (!key) continue;
          const cf = delta(callBucket, dim, key);
          add(cf, 'ringAttempts');
          if (a.outcome === 'noanswer') add(cf, 'rona');
        }
      }
      if (a.operatorId !== null) {
        agentFigures(bucketOf(a.at), a.operatorId, (af) => {
          add(af, 'ringAttempts');
          if (a.outcome === 'noanswer') add(af, 'rona');
        });
      }
      attempts.push({ seq, operatorId: a.operatorId, member: a.member, queue: st.queue, bucket: bucketOf(a.at), outcome: a.outcome ?? 'cancelled' });
    });
    if (outcomeOfStint === 'answered' && st.operatorId !== null) {
      agentFigures(bucket, st.operatorId, (af) => {
        add(af, 'handled');
        add(af, 'talkSum', talk);
        add(af, 'holdSum', holdOf(st));
        if (transferOut) add(af, 'transfersOut');
        if (st.endReason === 'agent') add(af, 'hungOperator');
      });
    }
    stints.push({
      seq,
      queue: st.queue,
      bucket,
      joinedAt: st.joinedAt,
      outcome: outcomeOfStint,
      operatorId: st.operatorId,
      waitSec: wait,
      talkSec: talk,
      short,
      inSl: wait <= sl && outcomeOfStint === 'answered',
      transferOut,
      attempts: st.attempts.length,
      rona,
    });
  });

  // Calls an agent handled outside any queue (direct inbound, outbound).
  if (s.answeredAt && s.operatorId !== null && fact.stints.every((st) => st.outcome !== 'answered')) {
    agentFigures(callBucket, s.operatorId, (af) => {
      add(af, s.direction === 'outbound' ? 'outboundAnswered' : 'handled');
      if (s.direction === 'outbound') add(af, 'outbound');
      add(af, 'talkSum', s.talkSec);
      if (s.hungUpBy === 'operator') add(af, 'hungOperator');
    });
  } else if (s.direction === 'outbound' && s.operatorId !== null) {
    agentFigures(callBucket, s.operatorId, (af) => add(af, 'outbound'));
  }

  return {
    call: {
      callId: fact.callId,
      bucket: callBucket,
      startedAt: s.startedAt,
      direction: s.direction,
      outcome,
      did: s.did,
      trunk: s.trunk,
      firstQueue: fact.stints[0]?.queue ?? null,
      operatorId: s.operatorId,
      waitSec: s.waitSec,
      talkSec: s.talkSec,
      stints: fact.stints.length,
      hungUpBy: s.hungUpBy,
      short: (outcome === 'abandoned' || outcome === 'abandoned_pre_queue') && s.waitSec < settings.shortAbandonSec,
    },
    stints,
    attempts,
    deltas: [...deltas.values()],
  };
}

function mergeInto(target: Figures, source: Figures): void {
  for (const [metric, n] of Object.entries(source) as Array<[Metric, number]>) add(target, metric, n);
}
