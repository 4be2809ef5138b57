import { Type } from '@sinclair/typebox';
import { ErrorResponse } from '../core/route-policy.js';

export const Errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const N = Type.Union([Type.Number(), Type.Null()]);
const I = Type.Integer();
const S = Type.String();
const NS = Type.Union([Type.String(), Type.Null()]);

export const Format = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')]));
export const RangeQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    format: Format,
  },
  { additionalProperties: false },
);

export const Dim = Type.Union(['all', 'queue', 'agent', 'did', 'trunk', 'team', 'channel'].map((d) => Type.Literal(d)));
export const Group = Type.Union(['15m', 'hour', 'day', 'week', 'month'].map((d) => Type.Literal(d)));

/** The KPIs every report line carries (the whitelist of what leaves the server). */
const kpiFields = {
  offered: I, answered: I, abandoned: I, abandonedPreQueue: I, shortAbandoned: I, exited: I, blocked: I,
  answerRate: N, abandonRate: N, serviceLevel: N, serviceLevelOffered: N, serviceLevelAnswered: N, serviceLevelAbandonsPositive: N,
  asaSec: N, avgWaitSec: N, maxWaitSec: I, waitSec: I, avgTalkSec: N, talkSec: I, holdSec: I, transfersIn: I, transfersOut: I,
  ringAttempts: I, rona: I, hungUpByCustomer: I, hungUpByOperator: I, repeatCalls: I, callbacks: I, callbackDelayAvgSec: N,
  outbound: I, outboundAnswered: I,
  waitHistogram: Type.Object({ lt10: I, lt20: I, lt30: I, lt60: I, lt120: I, ge120: I }),
};
export const Kpis = Type.Object(kpiFields);

export const ColumnDef = Type.Object({ field: S, kpi: NS, label: S });

export const QueueRow = Type.Object({
  queue: S,
  ...kpiFields,
  serviceLevelThresholdSec: I,
  wrapSec: I,
  ahtSec: N,
  staffing: Type.Union([Type.Object({ agents: I, serviceLevel: Type.Number(), callsPerHour: Type.Number() }), Type.Null()]),
});
export const QueuesReport = Type.Object({ from: S, to: S, items: Type.Array(QueueRow), total: Kpis, columns: Type.Array(ColumnDef) });

export const AgentRow = Type.Object({
  agentId: I,
  name: S,
  handled: I,
  outbound: I,
  outboundAnswered: I,
  talkSec: I,
  avgTalkSec: N,
  holdSec: I,
  wrapSec: I,
  ahtSec: N,
  ringAttempts: I,
  rona: I,
  hungUp: I,
  transfers: I,
  loginSec: I,
  availableSec: I,
  pauseSec: I,
  pauseByReason: Type.Array(Type.Object({ reason: S, sec: I })),
  occupancy: N,
  utilisation: N,
});
export const AgentsReport = Type.Object({ from: S, to: S, items: Type.Array(AgentRow), columns: Type.Array(ColumnDef) });

export const BreakdownQuery = Type.Object(
  { dim: Dim, from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), format: Format },
  { additionalProperties: false },
);
export const BreakdownReport = Type.Object({ from: S, to: S, items: Type.Array(Type.Object({ key: S, name: S, ...kpiFields })) });

export const SeriesQuery = Type.Object(
  {
    dim: Dim,
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    group: Group,
    tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const SeriesReport = Type.Object({
  periods: Type.Array(Type.Object({ start: S, end: S })),
  items: Type.Array(Type.Object({ key: S, name: S, period: I, ...kpiFields })),
});

export const DrillQuery = Type.Object(
  {
    dim: Dim,
    key: Type.String({ minLength: 1, maxLength: 64 }),
    metric: Type.String({ pattern: '^[A-Za-z]{1,40}$' }),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    format: Format,
  },
  { additionalProperties: false },
);
export const DrillItem = Type.Object({
  callId: I,
  seq: Type.Union([I, Type.Null()]),
  startedAt: S,
  queue: NS,
  outcome: S,
  operatorId: Type.Union([I, Type.Null()]),
  operator: NS,
  from: NS,
  to: NS,
  waitSec: I,
  talkSec: I,
  /** The call's own record is gone (retention); the counted facts remain. */
  removed: Type.Boolean(),
});
export const DrillReport = Type.Object({ items: Type.Array(DrillItem), columns: Type.Array(ColumnDef) });

export const KpiQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html'), Type.Literal('pdf')])) }, { additionalProperties: false });
export const KpiList = Type.Object({ items: Type.Array(Type.Object({ id: S, name: S, formula: S, unit: S, unitName: S })) });

export const StaffingQuery = Type.Object(
  {
    callsPerHour: Type.Number({ exclusiveMinimum: 0, maximum: 100000 }),
    ahtSec: Type.Number({ exclusiveMinimum: 0, maximum: 36000 }),
    targetServiceLevel: Type.Optional(Type.Number({ minimum: 1, maximum: 99, default: 80 })),
    targetSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, default: 20 })),
  },
  { additionalProperties: false },
);
export const StaffingReply = Type.Object({ agents: I, serviceLevel: Type.Number(), trafficErlangs: Type.Number(), waitProbability: Type.Number(), asaSec: Type.Number() });

export const WallboardQueue = Type.Object({
  queue: S,
  waiting: I,
  oldestWaitingSince: NS,
  longestWaitSec: I,
  offered: I,
  answered: I,
  abandoned: I,
  serviceLevel: N,
  agents: Type.Object({ available: I, onCall: I, paused: I, wrapup: I }),
  status: Type.Object({ waiting: S, longestWait: S, serviceLevel: S }),
});
export const WallboardAgent = Type.Object({
  userId: I,
  name: S,
  state: S,
  reason: NS,
  since: S,
  queues: Type.Array(S),
  dialog: Type.Union([Type.Object({ callId: I, direction: S, queue: NS, since: S }), Type.Null()]),
});
export const Wallboard = Type.Object({ at: S, queues: Type.Array(WallboardQueue), agents: Type.Array(WallboardAgent) });

export const DialogDim = Type.Union(['all', 'channel', 'agent', 'team', 'site', 'mailbox'].map((d) => Type.Literal(d)));
const Channel = Type.Optional(Type.Union([Type.Literal('mail'), Type.Literal('chat')]));
/** Only the chats of one chat site (its id). */
const SiteFilter = Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,9}$' }));
export const DialogsQuery = Type.Object(
  { dim: DialogDim, from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), channel: Channel, site: SiteFilter, format: Format },
  { additionalProperties: false },
);
export const DialogRowSchema = Type.Object({
  channel: S,
  key: S,
  name: S,
  dialogs: I,
  responded: I,
  respondedInSl: I,
  resolved: I,
  responseRate: N,
  responseSl: N,
  serviceLevelThresholdSec: I,
  frtMedianSec: N,
  frtP90Sec: N,
  frtBizMedianSec: N,
  frtBizP90Sec: N,
  resolutionMedianSec: N,
  resolutionP90Sec: N,
  resolutionBizMedianSec: N,
  resolutionBizP90Sec: N,
});
export const DialogsReport = Type.Object({ from: S, to: S, items: Type.Array(DialogRowSchema), columns: Type.Array(ColumnDef) });
export const DialogDrillQuery = Type.Object(
  {
    dim: DialogDim,
    key: Type.String({ minLength: 1, maxLength: 64 }),
    metric: Type.Union(['dialogs', 'responded', 'resolved', 'unanswered'].map((m) => Type.Literal(m))),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    channel: Channel,
    site: SiteFilter,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    format: Format,
  },
  { additionalProperties: false },
);
export const DialogDrillReport = Type.Object({
  items: Type.Array(
    Type.Object({
      channel: S,
      dialogId: I,
      startedAt: S,
      site: NS,
      mailbox: NS,
      agentId: Type.Union([I, Type.Null()]),
      agent: NS,
      frtSec: N,
      frtBizSec: N,
      resolutionSec: N,
      resolutionBizSec: N,
    }),
  ),
  columns: Type.Array(ColumnDef),
});

const LANGS = ['uk', 'ru', 'en', 'fr', 'de', 'es', 'pt'];
export const ScheduleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    report: Type.Union([Type.Literal('queues'), Type.Literal('agents')]),
    period: Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]),
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
    recipients: Type.Array(Type.String({ format: 'email', maxLength: 254 }), { minItems: 1, maxItems: 20 }),
    /** The company mailbox the report is sent from (its SMTP server). */
    mailboxId: Type.Integer({ minimum: 1 }),
    language: Type.Optional(Type.Union(LANGS.map((l) => Type.Literal(l)))),
    /** Days, weeks and months are cut in this time zone (default: the business hours' zone). */
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const ScheduleItem = Type.Object({
  id: I,
  name: S,
  report: S,
  period: S,
  format: S,
  recipients: Type.Array(S),
  mailboxId: I,
  language: S,
  timeZone: S,
  createdBy: Type.Union([I, Type.Null()]),
  createdAt: S,
  lastSentFor: NS,
  lastError: NS,
});
export const ScheduleList = Type.Object({ items: Type.Array(ScheduleItem) });
export const ScheduleParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const ScheduleSent = Type.Object({ sentFor: S, from: S, to: S, messageId: I });
