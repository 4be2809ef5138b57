import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../core/db.js';
import type { Reader, SqlQuery } from '../core/reader.js';
import { AppError } from '../core/errors.js';
import type { CallFact } from '../calls/events.js';
import type { AgentInterval } from '../agents/events.js';
import { BUCKET_SEC, bucketOf, countCall, METRICS, type Dimension, type Metric } from './counting.js';
import { ReportsRepository, type AgentTimeRow, type DialogDim, type DialogFigures, type DialogKind, type DrillRow, type FigureRow } from './repository.js';
import { staffingFor } from './erlang.js';
import type { ReportSettings } from './settings.js';
import './errors.js';

export interface Range {
  from: number;
  to: number;
}

const MAX_RANGE_SEC = 5 * 366 * 86400;
const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1000) / 10 : null);
const avg = (n: number, d: number) => (d > 0 ? Math.round(n / d) : null);

/** The derived KPIs of one report line (queue, team, DID…): every ratio from the sums. */
export function kpisOf(f: Record<Metric, number>) {
  const offeredNet = f.offered - f.shortAbandoned;
  return {
    offered: f.offered,
    answered: f.answered,
    abandoned: f.abandoned,
    abandonedPreQueue: f.abandonedPreQueue,
    shortAbandoned: f.shortAbandoned,
    exited: f.exited,
    blocked: f.blocked,
    answerRate: pct(f.answered, f.offered),
    abandonRate: pct(f.abandoned + f.abandonedPreQueue, f.offered),
    serviceLevel: pct(f.answeredInSl, offeredNet),
    serviceLevelOffered: pct(f.answeredInSl, f.offered),
    serviceLevelAnswered: pct(f.answeredInSl, f.answered),
    serviceLevelAbandonsPositive: pct(f.answeredInSl + f.abandonedInSl, f.offered),
    asaSec: avg(f.answeredWaitSum, f.answered),
    avgWaitSec: avg(f.waitSum, f.offered),
    maxWaitSec: f.waitMax,
    waitSec: f.waitSum,
    avgTalkSec: avg(f.talkSum, f.answered),
    talkSec: f.talkSum,
    holdSec: f.holdSum,
    transfersIn: f.transfersIn,
    transfersOut: f.transfersOut,
    ringAttempts: f.ringAttempts,
    rona: f.rona,
    hungUpByCustomer: f.hungCustomer,
    hungUpByOperator: f.hungOperator,
    repeatCalls: f.repeatCalls,
    callbacks: f.callbacks,
    callbackDelayAvgSec: avg(f.callbackDelaySum, f.callbacks),
    outbound: f.outbound,
    outboundAnswered: f.outboundAnswered,
    waitHistogram: { lt10: f.wait0, lt20: f.wait10, lt30: f.wait20, lt60: f.wait30, lt120: f.wait60, ge120: f.wait120 },
  };
}

const ZERO = Object.fromEntries(METRICS.map((m) => [m, 0])) as Record<Metric, number>;

export interface ReportsServiceDeps {
  repo: ReportsRepository;
  db: Db;
  reader: Reader | null;
  settings: () => ReportSettings;
  teamsOf: (userId: number) => readonly number[];
  userName: (userId: number) => string | null;
  teamName: (teamId: number) => string | null;
  siteName?: (siteId: number) => string | null;
}

/**
 * Reports: figures are added as each call closes (`onCallEnded`) and each agent state ends
 * (`onAgentInterval`); report requests only sum the 15-minute buckets of the range, on the
 * reader thread.
 */
export class ReportsService {
  private readonly secret: string;

  constructor(private readonly d: ReportsServiceDeps) {
    let secret = d.repo.setting('callerKeySecret');
    if (!secret) {
      secret = randomBytes(32).toString('hex');
      d.repo.setSetting('callerKeySecret', secret);
    }
    this.secret = secret;
  }

  /** A keyed hash of a caller's number: repeat callers are found without keeping the number. */
  callerKey(number: string | null): string | null {
    const digits = (number ?? '').replace(/\D/g, '');
    if (digits.length < 5) return null;
    return createHmac('sha256', this.secret).update(digits.slice(-10)).digest('base64url').slice(0, 22);
  }

  onCallEnded(fact: CallFact): boolean {
    const settings = this.d.settings();
    const s = fact.summary;
    const counted = countCall(fact, { shortAbandonSec: settings.shortAbandonSec, serviceLevelSec: (q) => settings.serviceLevelSecFor(q, 'call') }, this.d.teamsOf);
    const number = s.direction === 'inbound' ? s.from : s.direction === 'outbound' ? s.to : null;
    const key = this.callerKey(number);
    const startMs = Date.parse(s.startedAt);
    const caller = key
      ? {
          key,
          missed: s.direction === 'inbound' && !s.answeredAt && counted.call.outcome !== 'blocked',
          repeatWindowFrom: new Date(startMs - settings.repeatWindowHours * 3600_000).toISOString(),
          callbackWindowFrom: new Date(startMs - settings.callbackWindowHours * 3600_000).toISOString(),
        }
      : null;
    const stored = this.d.repo.recordCall(counted, caller, () => []);
    if (stored) {
      for (const st of fact.stints) this.d.repo.rememberName('queue', st.queue, st.queue);
      const ops = new Set([s.operatorId, ...fact.stints.map((st) => st.operatorId)].filter((x): x is number => x !== null));
      for (const id of ops) {
        const name = this.d.userName(id);
        if (name) this.d.repo.rememberName('agent', String(id), name);
      }
    }
    return stored;
  }

  /** Splits a finished agent state over the buckets it spans. */
  onAgentInterval(i: AgentInterval): void {
    if (i.state === 'offline') return;
    const from = Date.parse(i.from) / 1000;
    const to = Date.parse(i.to) / 1000;
    if (!(to > from)) return;
    const rows: Array<{ dim: 'agent' | 'queue' | 'team'; bucket: number; key: string; state: string; reason: string; seconds: number }> = [];
    const teams = this.d.teamsOf(i.userId);
    for (let b = Math.floor(from / BUCKET_SEC) * BUCKET_SEC; b < to; b += BUCKET_SEC) {
      const seconds = Math.round(Math.min(to, b + BUCKET_SEC) - Math.max(from, b));
      if (seconds <= 0) continue;
      const reason = i.state === 'paused' ? (i.reason ?? '') : '';
      rows.push({ dim: 'agent', bucket: b, key: String(i.userId), state: i.state, reason, seconds });
      for (const t of teams) rows.push({ dim: 'team', bucket: b, key: String(t), state: i.state, reason, seconds });
      if (i.state === 'wrapup' && i.queue) rows.push({ dim: 'queue', bucket: b, key: i.queue, state: 'wrapup', reason: '', seconds });
    }
    this.d.repo.addAgentTime(rows);
    const name = this.d.userName(i.userId);
    if (name) this.d.repo.rememberName('agent', String(i.userId), name);
  }

  range(fromIso: string, toIso: string): Range {
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from || (to - from) / 1000 > MAX_RANGE_SEC) {
      throw new AppError('REPORT_RANGE_INVALID', { from: fromIso.slice(0, 40), to: toIso.slice(0, 40) });
    }
    return { from: bucketOf(new Date(from).toISOString()), to: Math.ceil(to / 1000 / BUCKET_SEC) * BUCKET_SEC };
  }

  private run<T>(query: SqlQuery): Promise<T[]> {
    if (this.d.reader) return this.d.reader.all<T>(query);
    return Promise.resolve(this.d.db.prepare(query.sql).all(...query.params) as T[]);
  }

  private async names(): Promise<Map<string, string>> {
    const rows = await this.run<{ dim: string; key: string; name: string }>(this.d.repo.namesQuery());
    return new Map(rows.map((r) => [`${r.dim}:${r.key}`, r.name]));
  }

  async figures(dim: Dimension, range: Range, periods?: ReadonlyArray<[number, number]>): Promise<FigureRow[]> {
    const rows = await this.run<FigureRow>(this.d.repo.figuresQuery(dim, range.from, range.to, { periods }));
    return rows.map((r) => ({ ...ZERO, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? 0])) }) as FigureRow);
  }

  private async time(dim: 'agent' | 'queue' | 'team', range: Range): Promise<AgentTimeRow[]> {
    return this.run<AgentTimeRow>(this.d.repo.agentTimeQuery(dim, range.from, range.to));
  }

  async queues(range: Range) {
    const settings = this.d.settings();
    const [rows, wrap, totalRows] = await Promise.all([this.figures('queue', range), this.time('queue', range), this.figures('all', range)]);
    const wrapOf = new Map(wrap.filter((w) => w.state === 'wrapup').map((w) => [w.key, w.seconds]));
    const items = rows.map((r) => {
      const k = kpisOf(r);
      const wrapSec = wrapOf.get(r.key) ?? 0;
      const ahtSec = avg(r.talkSum + r.holdSum + wrapSec, r.answered);
      const slSec = settings.serviceLevelSecFor(r.key, 'call');
      const hours = (r.activeBuckets * BUCKET_SEC) / 3600;
      const staffing = ahtSec && hours > 0 ? staffingFor(r.offered / hours, ahtSec, settings.targetServiceLevel / 100, slSec) : null;
      return {
        queue: r.key,
        ...k,
        serviceLevelThresholdSec: slSec,
        wrapSec,
        ahtSec,
        staffing: staffing && { agents: staffing.agents, serviceLevel: Math.round(staffing.serviceLevel * 1000) / 10, callsPerHour: Math.round((r.offered / hours) * 10) / 10 },
      };
    });
    const total = kpisOf(totalRows[0] ?? ZERO);
    return { items, total };
  }

  async agents(range: Range) {
    const [rows, time, names] = await Promise.all([this.figures('agent', range), this.time('agent', range), this.names()]);
    const byAgent = new Map<string, FigureRow>(rows.map((r) => [r.key, r]));
    const timeOf = new Map<string, AgentTimeRow[]>();
    for (const t of time) timeOf.set(t.key, [...(timeOf.get(t.key) ?? []), t]);
    const keys = [...new Set([...byAgent.keys(), ...timeOf.keys()])].sort((a, b) => Number(a) - Number(b));
    return {
      items: keys.map((key) => {
        const f = byAgent.get(key) ?? ({ ...ZERO, key, period: 0, activeBuckets: 0 } as FigureRow);
        const t = timeOf.get(key) ?? [];
        const sec = (state: string) => t.filter((x) => x.state === state).reduce((s, x) => s + x.seconds, 0);
        const loginSec = t.reduce((s, x) => s + x.seconds, 0);
        const pauseSec = sec('paused');
        const wrapSec = sec('wrapup');
        const busy = f.talkSum + f.holdSum + wrapSec;
        const userId = Number(key);
        return {
          agentId: userId,
          name: this.d.userName(userId) ?? names.get(`agent:${key}`) ?? `#${key}`,
          handled: f.handled,
          outbound: f.outbound,
          outboundAnswered: f.outboundAnswered,
          talkSec: f.talkSum,
          avgTalkSec: avg(f.talkSum, f.handled + f.outboundAnswered),
          holdSec: f.holdSum,
          wrapSec,
          ahtSec: avg(busy, f.handled + f.outboundAnswered),
          ringAttempts: f.ringAttempts,
          rona: f.rona,
          hungUp: f.hungOperator,
          transfers: f.transfersOut,
          loginSec,
          availableSec: sec('available'),
          pauseSec,
          pauseByReason: t.filter((x) => x.state === 'paused').map((x) => ({ reason: x.reason, sec: x.seconds })),
          occupancy: pct(busy, loginSec - pauseSec),
          utilisation: pct(busy, loginSec),
        };
      }),
    };
  }

  /** One dimension's figures per period (for charts): `periods` are [from, to) bucket pairs. */
  async series(dim: Dimension, range: Range, periods: ReadonlyArray<[number, number]>) {
    const rows = await this.figures(dim, range, periods);
    return rows.map((r) => ({ key: r.key, period: r.period, ...kpisOf(r) }));
  }

  async drill(q: { dim: Dimension; key: string; metric: string; range: Range; limit: number; offset: number }): Promise<DrillRow[]> {
    const query = this.d.repo.drillQuery({ dim: q.dim, key: q.key, metric: q.metric, from: q.range.from, to: q.range.to, limit: q.limit, offset: q.offset });
    if (!query) throw new AppError('REPORT_DRILL_UNSUPPORTED', { metric: q.metric.slice(0, 40), dim: q.dim });
    return this.run<DrillRow>(query);
  }

  /** Mail and chat: first-response and resolution times per channel, agent, team, site or mailbox (chats of one site only, when given). */
  async dialogs(dim: DialogDim, range: Range, kind: DialogKind | null, site: string | null = null) {
    const settings = this.d.settings();
    const rows = await this.run<DialogFigures>(this.d.repo.dialogsQuery(dim, range.from, range.to, { mail: settings.serviceLevelSec.mail, chat: settings.serviceLevelSec.chat }, kind, site));
    return rows.map((r) => ({
      ...r,
      name: this.dialogKeyName(dim, r.key),
      responseRate: pct(r.responded, r.dialogs),
      responseSl: pct(r.respondedInSl, r.dialogs),
      serviceLevelThresholdSec: settings.serviceLevelSecFor(null, r.channel),
    }));
  }

  async dialogDrill(q: Parameters<ReportsRepository['dialogDrillQuery']>[0]) {
    return this.run<{ channel: DialogKind; dialogId: number; startedAt: string; site: string | null; mailbox: string | null; agentId: number | null; frtSec: number | null; frtBizSec: number | null; resolutionSec: number | null; resolutionBizSec: number | null }>(
      this.d.repo.dialogDrillQuery(q),
    );
  }

  private dialogKeyName(dim: DialogDim, key: string): string {
    if (dim === 'agent' || dim === 'team') return this.nameOf(dim, key);
    if (dim === 'site') return this.d.siteName?.(Number(key)) ?? this.d.repo.storedName('site', key) ?? `#${key}`;
    if (dim === 'mailbox') return this.d.repo.storedName('mailbox', key) ?? `#${key}`;
    return key;
  }

  async breakdown(dim: Dimension, range: Range) {
    const rows = await this.figures(dim, range);
    return rows.map((r) => ({ key: r.key, name: this.nameOf(dim, r.key), ...kpisOf(r) }));
  }

  /** What a row is called: a user's or team's current name, else the name it had when counted. */
  nameOf(dim: Dimension, key: string): string {
    if (dim === 'agent') return this.d.userName(Number(key)) ?? this.d.repo.storedName(dim, key) ?? `#${key}`;
    if (dim === 'team') return this.d.teamName(Number(key)) ?? this.d.repo.storedName(dim, key) ?? `#${key}`;
    return key;
  }

  /** Today's figures per queue, straight from today's buckets (at most 96 per queue). */
  todayByQueue(dayStart: number, now: number): FigureRow[] {
    const q = this.d.repo.figuresQuery('queue', dayStart, now + BUCKET_SEC);
    return this.d.db.prepare(q.sql).all(...q.params) as FigureRow[];
  }
}
