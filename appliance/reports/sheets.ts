import type { Language } from '../config.js';
import { reportText as translate } from './locales/index.js';
import { AGENT_COLUMNS, QUEUE_COLUMNS, columnLabel, type Column } from './kpis.js';
import type { Cell, Sheet } from './export.js';
import type { ReportsService } from './service.js';

/**
 * The sheets of the exported reports: the same for a download and a scheduled e-mail, so what is
 * mailed is exactly what the screen's download gives.
 */
export function sheetOf(language: Language, name: string, cols: Column[], rows: ReadonlyArray<Record<string, unknown>>): Sheet {
  return {
    name,
    header: cols.map((c) => columnLabel(language, c)),
    rows: rows.map((r) => cols.map((c) => (r[c.field] ?? null) as Cell)),
  };
}

type QueuesReport = Awaited<ReturnType<ReportsService['queues']>>;
type AgentItems = Awaited<ReturnType<ReportsService['agents']>>['items'];

/** Queues, then a line for the whole centre (each customer call once). */
export function queuesSheet(language: Language, { items, total }: QueuesReport): Sheet {
  const rows = items.map((r) => ({ ...r, staffingAgents: r.staffing?.agents ?? null }));
  const totalRow = { ...total, queue: translate(language, 'reports.col.total'), ahtSec: null, wrapSec: null, staffingAgents: null };
  return sheetOf(language, 'queues', QUEUE_COLUMNS, [...rows, totalRow]);
}

/** Operators, with one column per pause reason. */
export function agentsSheet(language: Language, items: AgentItems): Sheet {
  const reasons = [...new Set(items.flatMap((r) => r.pauseByReason.map((p) => p.reason)))].sort();
  const sheet = sheetOf(language, 'agents', AGENT_COLUMNS, items as unknown as Array<Record<string, unknown>>);
  sheet.header.push(...reasons.map((reason) => translate(language, 'reports.col.pauseReason', { reason })));
  sheet.rows.forEach((row, i) => row.push(...reasons.map((reason) => items[i]!.pauseByReason.find((p) => p.reason === reason)?.sec ?? 0)));
  return sheet;
}
