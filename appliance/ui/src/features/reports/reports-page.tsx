import { useEffect, useRef, useState } from 'preact/hooks';
import { BookOpen } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { Async, Empty } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { describeError } from '../../ui/errors.js';
import { DrillPanel, ExportLinks, ReportTabs, Table, day, rangeQuery, type Column, type Row } from './table.js';
import './reports.css';

interface DrillItem {
  callId: number;
  startedAt: string;
  queue: string | null;
  outcome: string;
  operator: string | null;
  from: string | null;
  to: string | null;
  waitSec: number;
  talkSec: number;
  removed: boolean;
}
type Group = '15m' | 'hour' | 'day' | 'week' | 'month';
const GROUPS: Array<[Group, 'reports.group.15m' | 'reports.group.hour' | 'reports.group.day' | 'reports.group.week' | 'reports.group.month']> = [
  ['15m', 'reports.group.15m'],
  ['hour', 'reports.group.hour'],
  ['day', 'reports.group.day'],
  ['week', 'reports.group.week'],
  ['month', 'reports.group.month'],
];
/** Figures that have a list of calls behind them. */
const QUEUE_DRILL = new Set(['offered', 'answered', 'abandoned', 'shortAbandoned', 'exited', 'transfersIn', 'transfersOut', 'ringAttempts', 'rona']);
const AGENT_DRILL = new Set(['handled', 'ringAttempts', 'rona', 'transfers']);
const AGENT_METRIC: Record<string, string> = { transfers: 'transfersOut' };

const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

function Chart({ query }: { query: string }) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let cancelled = false;
    (async () => {
      try {
        // The charting library is loaded only when a chart is shown.
        const [{ default: ChartJs }, data] = await Promise.all([
          import('chart.js/auto'),
          session().api.get<{ periods: Array<{ start: string }>; items: Array<{ period: number; offered: number; answered: number }> }>(
            `/api/v1/reports/series?dim=all&${query}`,
          ),
        ]);
        if (cancelled || !canvas.current) return;
        const labels = data.periods.map((p) => new Date(p.start).toLocaleString(session().language.value, { dateStyle: 'short', timeStyle: 'short' }));
        const series = (f: 'offered' | 'answered') => data.periods.map((_, i) => data.items.find((x) => x.period === i)?.[f] ?? 0);
        chart = new ChartJs(canvas.current, {
          type: 'bar',
          data: {
            labels,
            datasets: [
              { label: t('reports.queues'), data: series('offered') },
              { label: t('reports.answeredToday'), data: series('answered') },
            ],
          },
          options: { responsive: true, maintainAspectRatio: false, animation: false },
        });
      } catch (err) {
        setError(describeError(err, t));
      }
    })();
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [query]);
  return (
    <figure class="rep-chart" aria-label={t('reports.chart')}>
      {error ? <p role="alert">{error}</p> : <canvas ref={canvas} data-testid="report-chart" />}
    </figure>
  );
}

/** Queue and operator reports for a period, a chart, drill-down to the calls behind any figure, CSV/XLSX exports. */
export default function ReportsPage() {
  const t = useT();
  const api = session().api;
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getTime() - 6 * 86400_000)));
  const [to, setTo] = useState(day(today));
  const [group, setGroup] = useState<Group>('day');
  const [applied, setApplied] = useState({ from, to, group });
  const [drill, setDrill] = useState<{ title: string; query: string } | null>(null);
  const range = rangeQuery(applied.from, applied.to);
  const data = useAsync(
    async () => {
      const [queues, agents] = await Promise.all([
        api.get<{ items: Row[]; total: Row; columns: Column[] }>(`/api/v1/reports/queues?${range}`),
        api.get<{ items: Row[]; columns: Column[] }>(`/api/v1/reports/agents?${range}`),
      ]);
      return { queues, agents };
    },
    [range],
  );
  const drillRows = useAsync(
    async () => (drill ? api.get<{ items: DrillItem[]; columns: Column[] }>(`/api/v1/reports/drill?${range}&${drill.query}`) : null),
    [drill?.query, range],
  );
  const exportLinks = (path: string, name: string) => <ExportLinks path={path} range={range} name={name} />;
  return (
    <div>
      <ReportTabs />
      <form
        class="rep-filters panel"
        onSubmit={(e) => {
          e.preventDefault();
          setDrill(null);
          setApplied({ from, to, group });
        }}
      >
        <label>
          {t('reports.from')}
          <input type="date" value={from} max={to} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} data-testid="report-from" />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={to} min={from} onInput={(e) => setTo((e.target as HTMLInputElement).value)} data-testid="report-to" />
        </label>
        <label>
          {t('reports.group')}
          <select value={group} onChange={(e) => setGroup((e.target as HTMLSelectElement).value as Group)}>
            {GROUPS.map(([g, key]) => (
              <option key={g} value={g}>
                {t(key)}
              </option>
            ))}
          </select>
        </label>
        <button class="primary" type="submit" data-testid="report-show">
          {t('reports.show')}
        </button>
        <a href="/api/v1/reports/kpis?format=html" target="_blank" rel="noopener">
          <BookOpen aria-hidden="true" size={14} /> {t('reports.catalogue')}
        </a>
        <a href="/api/v1/reports/kpis?format=pdf" download data-testid="catalogue-pdf">
          PDF
        </a>
        <a href="/api/v1/reports/kpis?format=csv" download data-testid="catalogue-csv">
          CSV
        </a>
      </form>
      <Chart query={`${range}&group=${applied.group}&tz=${encodeURIComponent(tz)}`} />
      <Async state={data}>
        {({ queues, agents }) =>
          queues.items.length === 0 && agents.items.length === 0 ? (
            <Empty title={t('reports.empty')} />
          ) : (
            <>
              <section class="panel" aria-labelledby="rep-q">
                <h2 id="rep-q">
                  {t('reports.queues')} {exportLinks('/api/v1/reports/queues', 'queues')}
                </h2>
                <Table
                  testId="queues-table"
                  columns={queues.columns}
                  rows={queues.items.map((r) => ({ ...r, staffingAgents: (r.staffing as { agents: number } | null)?.agents ?? null }))}
                  total={{ ...queues.total, queue: t('reports.total') }}
                  drillable={(f) => QUEUE_DRILL.has(f)}
                  onDrill={(r, f) => setDrill({ title: t('reports.drill', { figure: queues.columns.find((c) => c.field === f)?.label ?? f, key: String(r.queue) }), query: `dim=queue&key=${encodeURIComponent(String(r.queue))}&metric=${f}` })}
                />
              </section>
              <section class="panel" aria-labelledby="rep-a">
                <h2 id="rep-a">
                  {t('reports.agents')} {exportLinks('/api/v1/reports/agents', 'agents')}
                </h2>
                <Table
                  testId="agents-table"
                  columns={agents.columns}
                  rows={agents.items}
                  drillable={(f) => AGENT_DRILL.has(f)}
                  onDrill={(r, f) => setDrill({ title: t('reports.drill', { figure: agents.columns.find((c) => c.field === f)?.label ?? f, key: String(r.name) }), query: `dim=agent&key=${r.agentId}&metric=${AGENT_METRIC[f] ?? f}` })}
                />
              </section>
            </>
          )
        }
      </Async>
      {drill && (
        <DrillPanel
          title={drill.title}
          exportPath={`/api/v1/reports/drill?${drill.query}`}
          range={range}
          state={drillRows}
          rows={(items) => items.map((i) => ({ ...i, startedAt: new Date(i.startedAt).toLocaleString(session().language.value), from: i.removed ? t('reports.removed') : i.from }))}
          onClose={() => setDrill(null)}
        />
      )}
    </div>
  );
}
