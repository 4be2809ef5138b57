import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Language } from '../config.js';
import { AppError } from '../core/errors.js';
import { reportText as translate } from './locales/index.js';
import type { SessionUser } from '../core/auth/sessions.js';
import type { ReportsService } from './service.js';
import type { Exporter, Sheet } from './export.js';
import { AGENT_COLUMNS, DIALOG_COLUMNS, DIALOG_DRILL_COLUMNS, DRILL_COLUMNS, QUEUE_COLUMNS, catalogue, columnLabel, type Column } from './kpis.js';
import type { DialogDim, ReportsRepository } from './repository.js';
import type { ScheduleRunner } from './schedules.js';
import { agentsSheet, queuesSheet, sheetOf } from './sheets.js';
import { checkTimeZone, periodsOf, type Group } from './periods.js';
import { staffingFor } from './erlang.js';
import type { Dimension } from './counting.js';
import { SettingsBody, withLookups, type ReportSettings, type SettingsValues } from './settings.js';
import {
  AgentsReport, BreakdownQuery, ScheduleBody, ScheduleItem, ScheduleList, ScheduleParams, ScheduleSent, BreakdownReport, DialogDrillQuery, DialogDrillReport, DialogsQuery, DialogsReport, DrillQuery, DrillReport, Errors, KpiList, KpiQuery, QueuesReport, RangeQuery, SeriesQuery, SeriesReport,
  StaffingQuery, StaffingReply, Wallboard as WallboardSchema,
} from './schemas.js';

const SUPERVISORS = ['admin', 'supervisor'] as const;
const STAFF = ['admin', 'supervisor', 'operator', 'intern'] as const;
const MAX_EXPORT_ROWS = 100_000;

export interface DrillLookup {
  /** The calls' own records (numbers masked for the viewer); missing ids were removed by retention. */
  calls(ids: number[], viewer: SessionUser): Map<number, { from: string | null; to: string | null }>;
  userName(id: number): string | null;
}

export interface ScheduleRouteDeps {
  runner: ScheduleRunner;
  repo: ReportsRepository;
  /** Null when reports can be mailed from this mailbox by this user; else why not (an AppError). */
  mailboxRefusal(viewer: SessionUser, mailboxId: number): AppError | null;
  defaultTimeZone(): string;
}

export interface ReportRouteDeps {
  schedules: ScheduleRouteDeps;
  service: ReportsService;
  exporter: Exporter;
  lookup: DrillLookup;
  settings: () => ReportSettings;
  saveSettings: (values: SettingsValues) => void;
  wallboard: () => Static<typeof WallboardSchema>;
}

const labels = (language: Language, cols: Column[]) => cols.map((c) => ({ field: c.field, kpi: c.kpi, label: columnLabel(language, c) }));

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function reportRoutes(app: FastifyInstance, deps: ReportRouteDeps): void {
  const { service, exporter, lookup } = deps;

  const send = async (reply: FastifyReply, format: 'csv' | 'xlsx', name: string, sheets: Sheet[]) => {
    for (const s of sheets) if (s.rows.length > MAX_EXPORT_ROWS) throw new AppError('REPORT_EXPORT_TOO_LARGE', { max: MAX_EXPORT_ROWS });
    const data = await exporter.build(format, sheets);
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${name}.${format}"`)
      .header('cache-control', 'no-store')
      .send(data);
  };
  const stamp = (q: { from: string; to: string }) => `${q.from.slice(0, 10)}_${q.to.slice(0, 10)}`;

  app.get<{ Querystring: Static<typeof KpiQuery> }>(
    '/api/v1/reports/kpis',
    { config: { access: 'user' }, schema: { querystring: KpiQuery, response: { 200: KpiList, ...Errors } } },
    async (request, reply) => {
      const language = request.language;
      const items = catalogue(language);
      const format = request.query.format ?? 'json';
      if (format === 'json') return { items };
      const h = (k: string) => translate(language, `reports.col.${k}`);
      if (format === 'pdf') {
        const data = await exporter.build('pdf', [
          { name: h('catalogueTitle'), header: ['id', h('name'), h('formula'), h('unit')], rows: items.map((k) => [k.id, k.name, k.formula, k.unitName]) },
        ]);
        return reply.header('content-type', 'application/pdf').header('content-disposition', 'attachment; filename="kpi-catalogue.pdf"').header('cache-control', 'no-store').send(data);
      }
      if (format === 'csv') {
        return send(reply, 'csv', 'kpi-catalogue', [
          { name: h('catalogueTitle'), header: ['id', h('name'), h('formula'), h('unit')], rows: items.map((k) => [k.id, k.name, k.formula, k.unitName]) },
        ]);
      }
      // A printable page: the browser's "Save as PDF" makes the PDF.
      const html = `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(h('catalogueTitle'))}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4em;text-align:left;vertical-align:top}th{background:#f4f4f4}td:first-child{font-family:monospace;white-space:nowrap}</style></head>
<body><h1>${escapeHtml(h('catalogueTitle'))}</h1><table><thead><tr><th>id</th><th>${escapeHtml(h('name'))}</th><th>${escapeHtml(h('formula'))}</th><th>${escapeHtml(h('unit'))}</th></tr></thead><tbody>
${items.map((k) => `<tr id="${k.id}"><td>${k.id}</td><td>${escapeHtml(k.name)}</td><td>${escapeHtml(k.formula)}</td><td>${escapeHtml(k.unitName)}</td></tr>`).join('\n')}
</tbody></table></body></html>`;
      return reply.header('content-type', 'text/html; charset=utf-8').header('content-disposition', 'inline; filename="kpi-catalogue.html"').send(html);
    },
  );

  app.get<{ Querystring: Static<typeof RangeQuery> }>(
    '/api/v1/reports/queues',
    { config: { access: [...SUPERVISORS] }, schema: { querystring: RangeQuery, response: { 200: QueuesReport, ...Errors } } },
    async (request, reply) => {
      const range = service.range(request.query.from, request.query.to);
      const { items, total } = await service.queues(range);
      const format = request.query.format ?? 'json';
      if (format !== 'json') return send(reply, format, `queues_${stamp(request.query)}`, [queuesSheet(request.language, { items, total })]);
      return { from: request.query.from, to: request.query.to, items, total, columns: labels(request.language, QUEUE_COLUMNS) };
    },
  );

  app.get<{ Querystring: Static<typeof RangeQuery> }>(
    '/api/v1/reports/agents',
    { config: { access: [...STAFF] }, schema: { querystring: RangeQuery, response: { 200: AgentsReport, ...Errors } } },
    async (request, reply) => {
      const range = service.range(request.query.from, request.query.to);
      const viewer = request.user!;
      let { items } = await service.agents(range);
      if (!(SUPERVISORS as readonly string[]).includes(viewer.role)) items = items.filter((r) => r.agentId === viewer.id);
      const format = request.query.format ?? 'json';
      if (format !== 'json') return send(reply, format, `agents_${stamp(request.query)}`, [agentsSheet(request.language, items)]);
      return { from: request.query.from, to: request.query.to, items, columns: labels(request.language, AGENT_COLUMNS) };
    },
  );

  /** Figures by DID, trunk, team, channel or the whole centre. */
  app.get<{ Querystring: Static<typeof BreakdownQuery> }>(
    '/api/v1/reports/breakdown',
    { config: { access: [...SUPERVISORS] }, schema: { querystring: BreakdownQuery, response: { 200: BreakdownReport, ...Errors } } },
    async (request, reply) => {
      const range = service.range(request.query.from, request.query.to);
      const items = await service.breakdown(request.query.dim as Dimension, range);
      const format = request.query.format ?? 'json';
      if (format !== 'json') {
        const cols: Column[] = [{ field: 'name', kpi: null, label: 'period' }, ...QUEUE_COLUMNS.filter((c) => c.field !== 'queue' && c.field !== 'staffingAgents' && c.field !== 'wrapSec' && c.field !== 'ahtSec')];
        return send(reply, format, `${request.query.dim}_${stamp(request.query)}`, [sheetOf(request.language, request.query.dim, cols, items)]);
      }
      return { from: request.query.from, to: request.query.to, items };
    },
  );

  /** Mail and chat: first response and resolution per channel, agent, team, site or mailbox. */
  app.get<{ Querystring: Static<typeof DialogsQuery> }>(
    '/api/v1/reports/dialogs',
    { config: { access: [...STAFF] }, schema: { querystring: DialogsQuery, response: { 200: DialogsReport, ...Errors } } },
    async (request, reply) => {
      const q = request.query;
      const viewer = request.user!;
      const supervisor = (SUPERVISORS as readonly string[]).includes(viewer.role);
      // Operators and interns see their own row of the per-agent report only.
      if (!supervisor && q.dim !== 'agent') throw new AppError('FORBIDDEN');
      const range = service.range(q.from, q.to);
      // A site's figures are its chats' (mail belongs to no site).
      let items = await service.dialogs(q.dim as DialogDim, range, q.site ? 'chat' : (q.channel ?? null), q.site ?? null);
      if (!supervisor) items = items.filter((r) => r.key === String(viewer.id));
      const format = q.format ?? 'json';
      // The first column is named after what the rows are (an agent, a team, a site…).
      const cols = DIALOG_COLUMNS.map((c) => (c.field === 'name' ? { ...c, label: q.dim === 'all' || q.dim === 'channel' ? 'channel' : q.dim } : c));
      if (format !== 'json') return send(reply, format, `dialogs-${q.dim}_${stamp(q)}`, [sheetOf(request.language, q.dim, cols, items)]);
      return { from: q.from, to: q.to, items, columns: labels(request.language, cols) };
    },
  );

  app.get<{ Querystring: Static<typeof DialogDrillQuery> }>(
    '/api/v1/reports/dialogs/drill',
    { config: { access: [...STAFF] }, schema: { querystring: DialogDrillQuery, response: { 200: DialogDrillReport, ...Errors } } },
    async (request, reply) => {
      const q = request.query;
      refuseOthersFigures(request.user!, q);
      const range = service.range(q.from, q.to);
      const format = q.format ?? 'json';
      const limit = format === 'json' ? (q.limit ?? 200) : MAX_EXPORT_ROWS + 1;
      const rows = await service.dialogDrill({ dim: q.dim as DialogDim, key: q.key, kind: q.site ? 'chat' : (q.channel ?? null), site: q.site ?? null, metric: q.metric as 'dialogs' | 'responded' | 'resolved' | 'unanswered', from: range.from, to: range.to, limit, offset: q.offset ?? 0 });
      const items = rows.map((r) => ({ ...r, agent: r.agentId === null ? null : lookup.userName(r.agentId) }));
      if (format !== 'json') return send(reply, format, `dialogs-${q.dim}-${q.key}-${q.metric}_${stamp(q)}`, [sheetOf(request.language, q.metric, DIALOG_DRILL_COLUMNS, items)]);
      return { items, columns: labels(request.language, DIALOG_DRILL_COLUMNS) };
    },
  );

  app.get<{ Querystring: Static<typeof SeriesQuery> }>(
    '/api/v1/reports/series',
    { config: { access: [...SUPERVISORS] }, schema: { querystring: SeriesQuery, response: { 200: SeriesReport, ...Errors } } },
    async (request) => {
      const range = service.range(request.query.from, request.query.to);
      const periods = periodsOf(range.from, range.to, request.query.group as Group, request.query.tz ?? 'UTC');
      const items = await service.series(request.query.dim as Dimension, range, periods);
      return {
        periods: periods.map(([a, b]) => ({ start: new Date(a * 1000).toISOString(), end: new Date(b * 1000).toISOString() })),
        items: items.map((i) => ({ ...i, name: service.nameOf(request.query.dim as Dimension, i.key) })),
      };
    },
  );

  app.get<{ Querystring: Static<typeof DrillQuery> }>(
    '/api/v1/reports/drill',
    { config: { access: [...STAFF] }, schema: { querystring: DrillQuery, response: { 200: DrillReport, ...Errors } } },
    async (request, reply) => {
      const q = request.query;
      refuseOthersFigures(request.user!, q);
      const range = service.range(q.from, q.to);
      const format = q.format ?? 'json';
      const limit = format === 'json' ? (q.limit ?? 200) : MAX_EXPORT_ROWS + 1;
      const rows = await service.drill({ dim: q.dim as Dimension, key: q.key, metric: q.metric, range, limit, offset: q.offset ?? 0 });
      const calls = lookup.calls([...new Set(rows.map((r) => r.callId))], request.user!);
      const items = rows.map((r) => {
        const c = calls.get(r.callId);
        return { ...r, operator: r.operatorId === null ? null : lookup.userName(r.operatorId), from: c?.from ?? null, to: c?.to ?? null, removed: !c };
      });
      if (format !== 'json') return send(reply, format, `${q.dim}-${q.key}-${q.metric}_${stamp(q)}`, [sheetOf(request.language, q.metric, DRILL_COLUMNS, items)]);
      return { items, columns: labels(request.language, DRILL_COLUMNS) };
    },
  );

  app.get<{ Querystring: Static<typeof StaffingQuery> }>(
    '/api/v1/reports/staffing',
    { config: { access: [...SUPERVISORS] }, schema: { querystring: StaffingQuery, response: { 200: StaffingReply, ...Errors } } },
    async (request) => {
      const q = request.query;
      const s = staffingFor(q.callsPerHour, q.ahtSec, (q.targetServiceLevel ?? 80) / 100, q.targetSec ?? 20);
      if (!s) throw new AppError('REPORT_STAFFING_UNREACHABLE');
      return s;
    },
  );

  app.get('/api/v1/reports/settings', { config: { access: [...SUPERVISORS] }, schema: { response: { 200: SettingsBody, ...Errors } } }, async () => {
    const { serviceLevelSecFor: _, ...values } = deps.settings();
    return values;
  });

  app.put<{ Body: Static<typeof SettingsBody> }>(
    '/api/v1/reports/settings',
    { config: { access: ['admin'] }, schema: { body: SettingsBody, response: { 200: SettingsBody, ...Errors } } },
    async (request) => {
      const w = request.body.wallboard;
      if (w.waitingAmber > w.waitingRed) throw new AppError('REPORT_SETTINGS_INVALID', { field: 'wallboard.waiting' });
      if (w.longestWaitAmberSec > w.longestWaitRedSec) throw new AppError('REPORT_SETTINGS_INVALID', { field: 'wallboard.longestWait' });
      if (w.serviceLevelAmber < w.serviceLevelRed) throw new AppError('REPORT_SETTINGS_INVALID', { field: 'wallboard.serviceLevel' });
      const bh = request.body.businessHours;
      if (bh) {
        checkTimeZone(bh.timeZone);
        if (bh.end <= bh.start) throw new AppError('REPORT_BUSINESS_HOURS_INVALID', { start: bh.start, end: bh.end });
      }
      deps.saveSettings(request.body);
      app.deps.audit.record({ actorId: request.user!.id, action: 'reports.settings', targetType: 'settings', targetId: 'reports', details: request.body as unknown as Record<string, unknown> });
      const { serviceLevelSecFor: _, ...values } = withLookups(request.body);
      return values;
    },
  );

  // ---- reports mailed on a schedule ----
  const schedules = deps.schedules;
  /** A schedule's body checked (time zone, a mailbox the user may send from) and tidied (recipients). */
  const checkedSchedule = (b: Static<typeof ScheduleBody>, viewer: SessionUser) => {
    const timeZone = b.timeZone ?? schedules.defaultTimeZone();
    checkTimeZone(timeZone);
    const refusal = schedules.mailboxRefusal(viewer, b.mailboxId);
    if (refusal) throw refusal;
    const recipients = [...new Set(b.recipients.map((r) => r.trim().toLowerCase()))];
    return { name: b.name.trim(), report: b.report, period: b.period, format: b.format, recipients, mailboxId: b.mailboxId, language: b.language, timeZone };
  };
  app.get('/api/v1/reports/schedules', { config: { access: [...SUPERVISORS] }, schema: { response: { 200: ScheduleList, ...Errors } } }, async () => ({
    items: schedules.repo.schedules(),
  }));

  app.post<{ Body: Static<typeof ScheduleBody> }>(
    '/api/v1/reports/schedules',
    { config: { access: [...SUPERVISORS] }, schema: { body: ScheduleBody, response: { 201: ScheduleItem, ...Errors } } },
    async (request, reply) => {
      const viewer = request.user!;
      const s = checkedSchedule(request.body, viewer);
      const id = schedules.repo.insertSchedule({
        ...s, language: s.language ?? request.language, createdBy: viewer.id, createdAt: app.deps.clock.now().toISOString(),
        // The first mail is for the next whole period (POST …/send mails the last one now).
        lastSentFor: schedules.runner.currentKey(s.period, s.timeZone),
      });
      app.deps.audit.record({ actorId: viewer.id, action: 'reports.schedule.create', targetType: 'report_schedule', targetId: id, details: { name: s.name, report: s.report, period: s.period, recipients: s.recipients } });
      return reply.code(201).send(schedules.repo.schedule(id)!);
    },
  );

  app.put<{ Params: Static<typeof ScheduleParams>; Body: Static<typeof ScheduleBody> }>(
    '/api/v1/reports/schedules/:id',
    { config: { access: [...SUPERVISORS] }, schema: { params: ScheduleParams, body: ScheduleBody, response: { 200: ScheduleItem, ...Errors } } },
    async (request) => {
      const id = request.params.id;
      const before = schedules.repo.schedule(id);
      if (!before) throw new AppError('REPORT_SCHEDULE_NOT_FOUND', { id });
      const viewer = request.user!;
      const s = checkedSchedule(request.body, viewer);
      // Another period or time zone starts afresh: the next mail is for the next whole period.
      const lastSentFor = s.period === before.period && s.timeZone === before.timeZone ? before.lastSentFor : schedules.runner.currentKey(s.period, s.timeZone);
      schedules.repo.updateSchedule(id, { ...s, language: s.language ?? before.language, lastSentFor });
      app.deps.audit.record({ actorId: viewer.id, action: 'reports.schedule.update', targetType: 'report_schedule', targetId: id, details: { name: s.name, report: s.report, period: s.period, recipients: s.recipients } });
      return schedules.repo.schedule(id)!;
    },
  );

  app.delete<{ Params: Static<typeof ScheduleParams> }>(
    '/api/v1/reports/schedules/:id',
    { config: { access: [...SUPERVISORS] }, schema: { params: ScheduleParams, response: { 204: Type.Null(), ...Errors } } },
    async (request, reply) => {
      if (!schedules.repo.deleteSchedule(request.params.id)) throw new AppError('REPORT_SCHEDULE_NOT_FOUND', { id: request.params.id });
      app.deps.audit.record({ actorId: request.user!.id, action: 'reports.schedule.delete', targetType: 'report_schedule', targetId: request.params.id });
      return reply.code(204).send(null);
    },
  );

  /** Sends a schedule's last whole period now (whether or not it went already). */
  app.post<{ Params: Static<typeof ScheduleParams> }>(
    '/api/v1/reports/schedules/:id/send',
    { config: { access: [...SUPERVISORS], noBody: true }, schema: { params: ScheduleParams, response: { 200: ScheduleSent, ...Errors } } },
    async (request) => {
      const s = schedules.repo.schedule(request.params.id);
      if (!s) throw new AppError('REPORT_SCHEDULE_NOT_FOUND', { id: request.params.id });
      try {
        return await schedules.runner.send(s);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError('REPORT_MAIL_UNAVAILABLE', { reason: ((err as Error).message ?? '').slice(0, 300) });
      }
    },
  );

  app.get('/api/v1/reports/wallboard', { config: { access: [...SUPERVISORS] }, schema: { response: { 200: WallboardSchema, ...Errors } } }, async () => deps.wallboard());
}

/** Operators and interns may list what is behind their own agent figures only. */
function refuseOthersFigures(viewer: { id: number; role: string }, q: { dim: string; key: string }): void {
  if (!(SUPERVISORS as readonly string[]).includes(viewer.role) && (q.dim !== 'agent' || q.key !== String(viewer.id))) throw new AppError('FORBIDDEN');
}
