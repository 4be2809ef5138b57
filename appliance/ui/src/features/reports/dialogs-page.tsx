import { useState } from 'preact/hooks';
import { session, useT } from '../../app/session.js';
import { Async, Empty } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import type { MessageKey } from '../../i18n.js';
import { DrillPanel, ExportLinks, ReportTabs, Table, day, rangeQuery, type Column, type Row } from './table.js';
import './reports.css';

type Dim = 'channel' | 'agent' | 'team' | 'site' | 'mailbox';
type Channel = '' | 'mail' | 'chat';
const DIMS: Array<[Dim, MessageKey]> = [
  ['channel', 'reports.dialogs.dim.channel'],
  ['agent', 'reports.dialogs.dim.agent'],
  ['team', 'reports.dialogs.dim.team'],
  ['site', 'reports.dialogs.dim.site'],
  ['mailbox', 'reports.dialogs.dim.mailbox'],
];
const CHANNEL_LABEL: Record<string, MessageKey> = { mail: 'reports.dialogs.mail', chat: 'reports.dialogs.chat' };
/** Figures with a list of dialogs behind them, and the list's metric. */
const DRILL: Record<string, string> = { dialogs: 'dialogs', responded: 'responded', resolved: 'resolved' };

interface Filters {
  from: string;
  to: string;
  dim: Dim;
  channel: Channel;
  site: string;
}

/**
 * Mail and chat: first response (median and P90, around the clock and in business hours),
 * resolution time, response rate and service level, per channel, operator, team, chat site or
 * mailbox; one site's chats on their own; drill-down to the dialogs behind a figure; exports.
 */
export default function DialogsPage() {
  const t = useT();
  const api = session().api;
  const today = new Date();
  const [f, setF] = useState<Filters>({ from: day(new Date(today.getTime() - 6 * 86400_000)), to: day(today), dim: 'channel', channel: '', site: '' });
  const [applied, setApplied] = useState(f);
  const [drill, setDrill] = useState<{ title: string; query: string } | null>(null);
  const range = rangeQuery(applied.from, applied.to);
  const filter = `${applied.site ? `&site=${applied.site}` : applied.channel ? `&channel=${applied.channel}` : ''}`;
  const data = useAsync(() => api.get<{ items: Row[]; columns: Column[] }>(`/api/v1/reports/dialogs?dim=${applied.dim}&${range}${filter}`), [applied.dim, range, filter]);
  // The sites with chats in the period, for the site filter.
  const sites = useAsync(() => api.get<{ items: Array<{ key: string; name: string }> }>(`/api/v1/reports/dialogs?dim=site&channel=chat&${range}`), [range]);
  const drillRows = useAsync(
    async () => (drill ? api.get<{ items: Row[]; columns: Column[] }>(`/api/v1/reports/dialogs/drill?${range}&${drill.query}`) : null),
    [drill?.query, range],
  );
  const channelName = (v: unknown) => (typeof v === 'string' && CHANNEL_LABEL[v] ? t(CHANNEL_LABEL[v]!) : v);
  const set = (patch: Partial<Filters>) => setF({ ...f, ...patch });
  return (
    <div data-testid="dialogs-report">
      <ReportTabs />
      <form
        class="rep-filters panel"
        onSubmit={(e) => {
          e.preventDefault();
          setDrill(null);
          setApplied(f);
        }}
      >
        <label>
          {t('reports.from')}
          <input type="date" value={f.from} max={f.to} onInput={(e) => set({ from: e.currentTarget.value })} data-testid="report-from" />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={f.to} min={f.from} onInput={(e) => set({ to: e.currentTarget.value })} data-testid="report-to" />
        </label>
        <label>
          {t('reports.dialogs.by')}
          <select value={f.dim} onChange={(e) => set({ dim: e.currentTarget.value as Dim })} data-testid="dialogs-dim">
            {DIMS.map(([d, key]) => (
              <option key={d} value={d}>
                {t(key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.dialogs.channel')}
          <select value={f.site ? 'chat' : f.channel} disabled={!!f.site} onChange={(e) => set({ channel: e.currentTarget.value as Channel })} data-testid="dialogs-channel">
            <option value="">{t('reports.dialogs.channelAll')}</option>
            <option value="mail">{t('reports.dialogs.mail')}</option>
            <option value="chat">{t('reports.dialogs.chat')}</option>
          </select>
        </label>
        <label>
          {t('reports.dialogs.site')}
          <select value={f.site} onChange={(e) => set({ site: e.currentTarget.value })} data-testid="dialogs-site">
            <option value="">{t('reports.dialogs.siteAll')}</option>
            {(sites.data?.items ?? []).map((s) => (
              <option key={s.key} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button class="primary" type="submit" data-testid="report-show">
          {t('reports.show')}
        </button>
      </form>
      <Async state={data}>
        {(d) =>
          d.items.length === 0 ? (
            <Empty title={t('reports.dialogs.empty')} />
          ) : (
            <section class="panel" aria-labelledby="rep-dl">
              <h2 id="rep-dl">
                {t('reports.tab.dialogs')} <ExportLinks path={`/api/v1/reports/dialogs?dim=${applied.dim}${filter}`} range={range} name="dialogs" />
              </h2>
              <Table
                testId="dialogs-table"
                columns={d.columns}
                rows={d.items.map((r) => ({ ...r, name: applied.dim === 'channel' ? channelName(r.name) : r.name, channel: channelName(r.channel), raw: r }))}
                drillable={(field) => field in DRILL}
                onDrill={(r, field) => {
                  const raw = r.raw as Row;
                  const scope = applied.site ? `&site=${applied.site}` : `&channel=${String(raw.channel)}`;
                  setDrill({
                    title: t('reports.dialogs.drill', { figure: d.columns.find((c) => c.field === field)?.label ?? field, key: String(r.name) }),
                    query: `dim=${applied.dim}&key=${encodeURIComponent(String(raw.key))}&metric=${DRILL[field]}${scope}`,
                  });
                }}
              />
            </section>
          )
        }
      </Async>
      {drill && (
        <DrillPanel
          title={drill.title}
          exportPath={`/api/v1/reports/dialogs/drill?${drill.query}`}
          range={range}
          state={drillRows}
          rows={(items) => items.map((i) => ({ ...i, channel: channelName(i.channel), startedAt: new Date(String(i.startedAt)).toLocaleString(session().language.value) }))}
          onClose={() => setDrill(null)}
        />
      )}
    </div>
  );
}
