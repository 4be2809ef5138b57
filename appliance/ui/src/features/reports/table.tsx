import { Download } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { Async } from '../../ui/states.js';
import type { AsyncState } from '../../ui/async.js';
import { TabNav } from '../../ui/tab-nav.js';
import type { MessageKey } from '../../i18n.js';

/** A report column as the server describes it: the field, the KPI it is defined by, its label. */
export interface Column {
  field: string;
  kpi: string | null;
  label: string;
}
export type Row = Record<string, unknown>;

export const day = (d: Date) => d.toISOString().slice(0, 10);
/** The user's local midnight of a yyyy-mm-dd as ISO. */
export const startOf = (date: string) => new Date(`${date}T00:00:00`).toISOString();
/** `from=…&to=…` for whole local days, `to` included. */
export const rangeQuery = (from: string, to: string) =>
  `from=${encodeURIComponent(startOf(from))}&to=${encodeURIComponent(new Date(Date.parse(startOf(to)) + 86400_000).toISOString())}`;

const TABS: ReadonlyArray<{ path: string; label: MessageKey }> = [
  { path: '/reports', label: 'reports.tab.calls' },
  { path: '/reports/dialogs', label: 'reports.tab.dialogs' },
  { path: '/reports/schedules', label: 'reports.tab.schedules' },
];

/** The report screens' tab bar: calls, mail and chat, reports mailed on a schedule. */
export function ReportTabs() {
  const t = useT();
  return <TabNav className="rep-tabs" label={t('reports.title')} pages={TABS} />;
}

/** CSV and Excel downloads of what a table shows (the same URL with `format=`). */
export function ExportLinks({ path, range, name }: { path: string; range: string; name: string }) {
  const t = useT();
  const sep = path.includes('?') ? '&' : '?';
  return (
    <span class="toolbar" aria-label={name}>
      <a class="button" href={`${path}${sep}${range}&format=csv`} download data-testid={`${name}-csv`}>
        <Download aria-hidden="true" size={14} /> {t('reports.exportCsv')}
      </a>
      <a class="button" href={`${path}${sep}${range}&format=xlsx`} download data-testid={`${name}-xlsx`}>
        <Download aria-hidden="true" size={14} /> {t('reports.exportXlsx')}
      </a>
    </span>
  );
}

/** A report table: every KPI column heads to its definition; figures with calls or dialogs behind them open a drill-down. */
export function Table({ columns, rows, total, onDrill, drillable, testId }: {
  columns: Column[];
  rows: Row[];
  total?: Row;
  onDrill: (row: Row, field: string) => void;
  drillable: (field: string) => boolean;
  testId: string;
}) {
  const cell = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString(session().language.value) : String(v));
  return (
    <div class="rep-table-wrap">
      <table class="rep-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.field} scope="col" data-field={c.field}>
                {c.kpi ? (
                  <a href={`/api/v1/reports/kpis?format=html#${c.kpi}`} target="_blank" rel="noopener">
                    {c.label}
                  </a>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {columns.map((c, j) => (
                <td key={c.field} data-field={c.field}>
                  {j > 0 && drillable(c.field) && typeof r[c.field] === 'number' && (r[c.field] as number) > 0 ? (
                    <button class="rep-cell" onClick={() => onDrill(r, c.field)}>
                      {cell(r[c.field])}
                    </button>
                  ) : (
                    cell(r[c.field])
                  )}
                </td>
              ))}
            </tr>
          ))}
          {total && (
            <tr class="rep-total">
              {columns.map((c) => (
                <td key={c.field} data-field={c.field}>
                  {cell(total[c.field])}
                </td>
              ))}
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}


/** The list behind a figure: its title, downloads of the list, a close button and the rows. */
export function DrillPanel<T>({ title, exportPath, range, state, rows, onClose }: {
  title: string;
  exportPath: string;
  range: string;
  state: AsyncState<{ items: T[]; columns: Column[] } | null>;
  rows: (items: T[]) => Row[];
  onClose: () => void;
}) {
  const t = useT();
  return (
    <section class="panel" aria-labelledby="rep-d" data-testid="drill">
      <h2 id="rep-d">
        {title} <ExportLinks path={exportPath} range={range} name="drill" />
        <button class="ghost" onClick={onClose}>
          {t('reports.drillClose')}
        </button>
      </h2>
      <Async state={state}>{(d) => d && <Table testId="drill-table" columns={d.columns} rows={rows(d.items)} drillable={() => false} onDrill={() => undefined} />}</Async>
    </section>
  );
}
