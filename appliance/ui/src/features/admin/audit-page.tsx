import { useState } from 'preact/hooks';
import { Download } from 'lucide-preact';
import { useT } from '../../app/session.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Field, Outcome, useOutcome } from './layout.js';
import { useDirectory } from './directory.js';
import { ACTION_NAME, FAMILIES, TARGET_NAME } from './audit-names.js';
import { api, dateTime } from './util.js';

interface Entry {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
}
const PAGE = 50;

export default function AuditPage() {
  const t = useT();
  const dir = useDirectory();
  const outcome = useOutcome();
  const [filter, setFilter] = useState({ actorId: '', action: '', from: '', to: '' });
  const [cursors, setCursors] = useState<number[]>([]);
  const query = (before: number | undefined, limit: number) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before) q.set('before', String(before));
    if (filter.actorId) q.set('actorId', filter.actorId);
    if (filter.action) q.set('action', filter.action);
    if (filter.from) q.set('from', new Date(`${filter.from}T00:00:00`).toISOString());
    if (filter.to) q.set('to', new Date(new Date(`${filter.to}T00:00:00`).getTime() + 86_400_000).toISOString());
    return `/api/v1/audit?${q}`;
  };
  const before = cursors.at(-1);
  const page = useAsync(() => api().get<{ items: Entry[]; nextBefore: number | null }>(query(before, PAGE)), [filter, before]);

  const actionName = (a: string) => (ACTION_NAME[a] ? t(ACTION_NAME[a]!) : a.startsWith('queue.') ? t('admin.audit.a.queue') : t('admin.audit.a.other'));
  const targetName = (e: Entry) => {
    if (!e.targetType) return '';
    const kind = TARGET_NAME[e.targetType] ? t(TARGET_NAME[e.targetType]!) : e.targetType;
    const named = e.targetType === 'user' && e.targetId ? dir.userName(Number(e.targetId)) : typeof e.details?.name === 'string' ? e.details.name : typeof e.details?.address === 'string' ? e.details.address : e.targetId;
    return `${kind} ${named ?? ''}`.trim();
  };
  const exportCsv = async () => {
    try {
      const rows: Entry[] = [];
      let cursor: number | undefined;
      for (let i = 0; i < 20; i++) {
        const r = await api().get<{ items: Entry[]; nextBefore: number | null }>(query(cursor, 500));
        rows.push(...r.items);
        if (r.nextBefore === null) break;
        cursor = r.nextBefore;
      }
      const cell = (v: string) => (/[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      const header = [t('audit.when'), t('audit.who'), t('audit.action'), t('audit.target'), 'code'].map(cell).join(',');
      const lines = rows.map((e) => [e.at, e.actorName ?? '', actionName(e.action), targetName(e), e.action].map(cell).join(','));
      const blob = new Blob([`\ufeff${header}\n${lines.join('\n')}\n`], { type: 'text/csv;charset=utf-8' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    } catch (err) {
      outcome.fail(err);
    }
  };
  const set = (k: keyof typeof filter) => (e: { currentTarget: { value: string } }) => {
    setCursors([]);
    setFilter({ ...filter, [k]: e.currentTarget.value });
  };
  return (
    <AdminFrame testid="admin-audit">
      <h2>{t('admin.audit')}</h2>
      <form class="inline-form" data-testid="audit-filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="audit-user" label={t('audit.who')}>
          <select id="audit-user" value={filter.actorId} onChange={set('actorId')}>
            <option value="">{t('admin.common.everyone')}</option>
            {dir.users.map((u) => <option value={u.id}>{u.displayName}</option>)}
          </select>
        </Field>
        <Field id="audit-action" label={t('audit.action')}>
          <select id="audit-action" value={filter.action} onChange={set('action')}>
            <option value="">{t('admin.common.all')}</option>
            {FAMILIES.map((f) => <option value={f.value}>{t(f.label)}</option>)}
          </select>
        </Field>
        <Field id="audit-from" label={t('admin.audit.from')}>
          <input id="audit-from" type="date" value={filter.from} onInput={set('from')} />
        </Field>
        <Field id="audit-to" label={t('admin.audit.to')}>
          <input id="audit-to" type="date" value={filter.to} onInput={set('to')} />
        </Field>
        <button type="button" onClick={exportCsv} data-testid="audit-export">
          <Download size={16} aria-hidden="true" /> {t('admin.audit.export')}
        </button>
      </form>
      <Outcome state={outcome.state} />
      <Async state={page} onRetry={page.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">{t('audit.empty')}</p>
          ) : (
            <>
              <table data-testid="audit-log">
                <thead>
                  <tr>
                    {(['audit.when', 'audit.who', 'audit.action', 'audit.target'] as const).map((k) => <th scope="col">{t(k)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((e) => (
                    <tr data-testid="audit-row" data-action={e.action}>
                      <td>{dateTime(e.at)}</td>
                      <td>{e.actorName ?? t('admin.audit.system')}</td>
                      <td title={e.action}>{actionName(e.action)}</td>
                      <td>{targetName(e)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div class="toolbar">
                <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                  {t('admin.audit.newer')}
                </button>
                <button type="button" disabled={data.nextBefore === null} onClick={() => setCursors([...cursors, data.nextBefore!])}>
                  {t('admin.audit.older')}
                </button>
              </div>
            </>
          )
        }
      </Async>
    </AdminFrame>
  );
}
