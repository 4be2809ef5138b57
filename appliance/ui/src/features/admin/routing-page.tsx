import { useState } from 'preact/hooks';
import { ArrowDown, ArrowUp, Eye, Trash2, Undo2 } from 'lucide-preact';
import { useT } from '../../app/session.js';
import type { MessageKey } from '../../i18n.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Field, Outcome, useOutcome } from './layout.js';
import { useDirectory } from './directory.js';
import { api, dateTime, del, list } from './util.js';

interface Conditions {
  tagsAny?: string[];
  recipients?: string[];
  contactStatus?: string[];
  contactOwnerIds?: number[];
  keywords?: string[];
}
type Action = { type: 'user'; userId: number } | { type: 'team'; teamId: number; strategy: 'round_robin' | 'least_busy' } | { type: 'contact_owner' };
interface Rule {
  id: number;
  position: number;
  name: string;
  enabled: boolean;
  conditions: Conditions;
  action: Action;
}
interface Step {
  ruleId: number;
  name: string;
  outcome: 'disabled' | 'not_matched' | 'nobody' | 'chosen' | 'not_reached';
  failed: string[];
  assigneeId: number | null;
}
interface Explanation {
  steps: Step[];
  decidedBy: 'rule' | 'mailbox_owner' | 'nobody';
  originalAssigneeId: number | null;
  assigneeId: number | null;
  delegationId: number | null;
}
interface Delegation {
  id: number;
  fromUserId: number;
  toUserId: number;
  startsAt: string;
  until: string | null;
  state: string;
}
interface MessageLite {
  id: number;
  subject: string;
  direction: string;
  from: { name: string; address: string | null } | null;
}

const CONDITION: Record<string, MessageKey> = {
  tagsAny: 'admin.routing.cond.tags',
  recipients: 'admin.routing.cond.recipients',
  contactStatus: 'admin.routing.cond.status',
  contactOwnerIds: 'admin.routing.cond.owner',
  hasContactOwner: 'admin.routing.cond.hasOwner',
  keywords: 'admin.routing.cond.keywords',
};
const OUTCOME: Record<Step['outcome'], MessageKey> = {
  disabled: 'admin.routing.outcome.disabled',
  not_matched: 'admin.routing.outcome.notMatched',
  nobody: 'admin.routing.outcome.nobody',
  chosen: 'admin.routing.outcome.chosen',
  not_reached: 'admin.routing.outcome.notReached',
};
const DELEGATION_STATE: Record<string, MessageKey> = {
  scheduled: 'admin.routing.delegation.scheduled',
  active: 'admin.routing.delegation.active',
  ended: 'admin.routing.delegation.ended',
  revoked: 'admin.routing.delegation.revoked',
};

function RuleForm({ onSaved, userName }: { onSaved: () => void; userName: (id: number | null) => string }) {
  const t = useT();
  const dir = useDirectory();
  const outcome = useOutcome();
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [recipients, setRecipients] = useState('');
  const [keywords, setKeywords] = useState('');
  const [status, setStatus] = useState<string[]>([]);
  const [ownerId, setOwnerId] = useState('');
  const [actionType, setActionType] = useState<Action['type']>('contact_owner');
  const [target, setTarget] = useState('');
  const [strategy, setStrategy] = useState<'round_robin' | 'least_busy'>('round_robin');
  const [preview, setPreview] = useState<{ summary: string; sample: { id: number; assigneeId: number | null }[] } | null>(null);

  const rule = () => {
    const conditions: Conditions = {};
    if (list(tags).length) conditions.tagsAny = list(tags);
    if (list(recipients).length) conditions.recipients = list(recipients);
    if (list(keywords).length) conditions.keywords = keywords.split(',').map((k) => k.trim()).filter(Boolean);
    if (status.length) conditions.contactStatus = status;
    if (ownerId) conditions.contactOwnerIds = [Number(ownerId)];
    const action: Action = actionType === 'user' ? { type: 'user', userId: Number(target) } : actionType === 'team' ? { type: 'team', teamId: Number(target), strategy } : { type: 'contact_owner' };
    return { conditions, action };
  };
  const runPreview = async () => {
    try {
      setPreview(await api().post('/api/v1/routing-rules/preview', rule()));
      outcome.clear();
    } catch (err) {
      setPreview(null);
      outcome.fail(err);
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await api().post('/api/v1/routing-rules', { name: name.trim(), enabled: true, ...rule() });
      outcome.ok(t('admin.routing.saved', { name }));
      setPreview(null);
      onSaved();
    } catch (err) {
      outcome.fail(err);
    }
  };
  return (
    <form class="panel" data-testid="rule-form" onSubmit={save}>
      <h3>{t('admin.routing.add')}</h3>
      <Field id="rule-name" label={t('admin.routing.name')}>
        <input id="rule-name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <fieldset>
        <legend>{t('admin.routing.when')}</legend>
        <Field id="rule-recipients" label={t('admin.routing.cond.recipients')}>
          <input id="rule-recipients" placeholder="sales@example.com" value={recipients} onInput={(e) => setRecipients(e.currentTarget.value)} />
        </Field>
        <Field id="rule-tags" label={t('admin.routing.cond.tags')}>
          <input id="rule-tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        </Field>
        <Field id="rule-keywords" label={t('admin.routing.cond.keywords')}>
          <input id="rule-keywords" value={keywords} onInput={(e) => setKeywords(e.currentTarget.value)} />
        </Field>
        <div class="field">
          <span>{t('admin.routing.cond.status')}</span>
          {(['lead', 'client'] as const).map((s) => (
            <label class="check">
              <input type="checkbox" checked={status.includes(s)} onChange={(e) => setStatus(e.currentTarget.checked ? [...status, s] : status.filter((x) => x !== s))} />{' '}
              {t(s === 'lead' ? 'admin.routing.status.lead' : 'admin.routing.status.client')}
            </label>
          ))}
        </div>
        <Field id="rule-owner" label={t('admin.routing.cond.owner')}>
          <select id="rule-owner" value={ownerId} onChange={(e) => setOwnerId(e.currentTarget.value)}>
            <option value="">{t('admin.common.any')}</option>
            {dir.users.filter((u) => u.active).map((u) => <option value={u.id}>{u.displayName}</option>)}
          </select>
        </Field>
      </fieldset>
      <fieldset>
        <legend>{t('admin.routing.then')}</legend>
        <Field id="rule-action" label={t('admin.routing.assignTo')}>
          <select id="rule-action" value={actionType} onChange={(e) => setActionType(e.currentTarget.value as Action['type'])}>
            <option value="contact_owner">{t('admin.routing.action.owner')}</option>
            <option value="user">{t('admin.routing.action.user')}</option>
            <option value="team">{t('admin.routing.action.team')}</option>
          </select>
        </Field>
        {actionType === 'user' && (
          <Field id="rule-user" label={t('admin.routing.action.user')}>
            <select id="rule-user" required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="" />
              {dir.users.filter((u) => u.active).map((u) => <option value={u.id}>{u.displayName}</option>)}
            </select>
          </Field>
        )}
        {actionType === 'team' && (
          <>
            <Field id="rule-team" label={t('admin.routing.action.team')}>
              <select id="rule-team" required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                <option value="" />
                {dir.teams.map((tm) => <option value={tm.id}>{tm.name}</option>)}
              </select>
            </Field>
            <Field id="rule-strategy" label={t('admin.routing.strategy')}>
              <select id="rule-strategy" value={strategy} onChange={(e) => setStrategy(e.currentTarget.value as 'round_robin')}>
                <option value="round_robin">{t('admin.routing.strategy.roundRobin')}</option>
                <option value="least_busy">{t('admin.routing.strategy.leastBusy')}</option>
              </select>
            </Field>
          </>
        )}
      </fieldset>
      <div class="toolbar">
        <button type="button" onClick={runPreview} data-testid="rule-preview">
          <Eye size={16} aria-hidden="true" /> {t('admin.routing.preview')}
        </button>
        <button type="submit" class="primary">
          {t('common.save')}
        </button>
      </div>
      {preview && (
        <div class="notice" data-testid="rule-preview-result">
          <p>{preview.summary}</p>
          {preview.sample.length > 0 && (
            <ul>
              {preview.sample.slice(0, 10).map((s) => (
                <li>{t('admin.routing.previewLine', { id: s.id, who: userName(s.assigneeId) })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Outcome state={outcome.state} />
    </form>
  );
}

function Explain({ userName }: { userName: (id: number | null) => string }) {
  const t = useT();
  const outcome = useOutcome();
  const recent = useAsync(() => api().get<{ items: MessageLite[] }>('/api/v1/messages?limit=30'), []);
  const [messageId, setMessageId] = useState('');
  const [sample, setSample] = useState({ from: '', to: '', subject: '', text: '' });
  const [result, setResult] = useState<Explanation | null>(null);
  const run = async (body: unknown) => {
    try {
      setResult(await api().post<Explanation>('/api/v1/routing-rules/explain', body));
      outcome.clear();
    } catch (err) {
      setResult(null);
      outcome.fail(err);
    }
  };
  return (
    <section class="panel" data-testid="explain">
      <h3>{t('admin.routing.explain')}</h3>
      <div class="admin-columns">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (messageId) void run({ messageId: Number(messageId) });
          }}
        >
          <Field id="explain-message" label={t('admin.routing.realMessage')}>
            <select id="explain-message" value={messageId} onChange={(e) => setMessageId(e.currentTarget.value)}>
              <option value="" />
              {(recent.data?.items ?? [])
                .filter((m) => m.direction === 'in')
                .map((m) => (
                  <option value={m.id}>
                    {m.subject || '—'} — {m.from?.name || m.from?.address || '—'}
                  </option>
                ))}
            </select>
          </Field>
          <button type="submit" data-testid="explain-message-run">{t('admin.routing.explainRun')}</button>
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run({ sample: { from: sample.from.trim(), to: list(sample.to), subject: sample.subject, text: sample.text } });
          }}
        >
          <Field id="explain-from" label={t('admin.routing.sample.from')}>
            <input id="explain-from" type="email" required value={sample.from} onInput={(e) => setSample({ ...sample, from: e.currentTarget.value })} />
          </Field>
          <Field id="explain-to" label={t('admin.routing.sample.to')}>
            <input id="explain-to" required value={sample.to} onInput={(e) => setSample({ ...sample, to: e.currentTarget.value })} />
          </Field>
          <Field id="explain-subject" label={t('admin.routing.sample.subject')}>
            <input id="explain-subject" value={sample.subject} onInput={(e) => setSample({ ...sample, subject: e.currentTarget.value })} />
          </Field>
          <Field id="explain-text" label={t('admin.routing.sample.text')}>
            <textarea id="explain-text" rows={2} value={sample.text} onInput={(e) => setSample({ ...sample, text: e.currentTarget.value })} />
          </Field>
          <button type="submit">{t('admin.routing.explainRun')}</button>
        </form>
      </div>
      <Outcome state={outcome.state} />
      {result && (
        <div data-testid="explain-result">
          <ol>
            {result.steps.map((s) => (
              <li data-outcome={s.outcome}>
                <strong>{s.name}</strong>: {t(OUTCOME[s.outcome], { who: userName(s.assigneeId) })}
                {s.failed.length > 0 && ` (${s.failed.map((f) => t(CONDITION[f] ?? 'admin.routing.cond.keywords')).join(', ')})`}
              </li>
            ))}
          </ol>
          <p class="notice" data-testid="explain-verdict">
            {result.decidedBy === 'rule'
              ? t('admin.routing.verdict.rule', { who: userName(result.originalAssigneeId ?? result.assigneeId) })
              : result.decidedBy === 'mailbox_owner'
                ? t('admin.routing.verdict.owner', { who: userName(result.originalAssigneeId ?? result.assigneeId) })
                : t('admin.routing.verdict.nobody')}
            {result.delegationId !== null && ` ${t('admin.routing.verdict.delegated', { who: userName(result.assigneeId) })}`}
          </p>
        </div>
      )}
    </section>
  );
}

function Delegations({ userName, users }: { userName: (id: number | null) => string; users: { id: number; displayName: string; active: boolean }[] }) {
  const t = useT();
  const outcome = useOutcome();
  const state = useAsync(() => api().get<{ items: Delegation[] }>('/api/v1/delegations'), []);
  const [form, setForm] = useState({ fromUserId: '', toUserId: '', from: '', until: '' });
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      await api().post('/api/v1/delegations', {
        fromUserId: Number(form.fromUserId),
        toUserId: Number(form.toUserId),
        ...(form.from ? { from: new Date(form.from).toISOString() } : {}),
        ...(form.until ? { until: new Date(form.until).toISOString() } : {}),
      });
      outcome.ok(t('admin.routing.delegation.added'));
      state.reload();
    } catch (err) {
      outcome.fail(err);
    }
  };
  const revert = async (d: Delegation) => {
    try {
      const r = await del<{ returned: number }>(`/api/v1/delegations/${d.id}`);
      outcome.ok(t('admin.routing.delegation.reverted', { count: r.returned }));
      state.reload();
    } catch (err) {
      outcome.fail(err);
    }
  };
  /** A → B while B → C: the mail of A stays with B; shown so nobody is surprised. */
  const chainOf = (d: Delegation, all: Delegation[]) => {
    const names = [userName(d.fromUserId), userName(d.toUserId)];
    let next = all.find((x) => x.fromUserId === d.toUserId && x.state === 'active');
    const seen = new Set([d.id]);
    while (next && !seen.has(next.id)) {
      seen.add(next.id);
      names.push(userName(next.toUserId));
      next = all.find((x) => x.fromUserId === next!.toUserId && x.state === 'active');
    }
    return names.join(' → ');
  };
  const active = users.filter((u) => u.active);
  return (
    <section class="panel" data-testid="delegations">
      <h3>{t('admin.routing.delegations')}</h3>
      <Async state={state} onRetry={state.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">{t('admin.routing.delegation.none')}</p>
          ) : (
            <table>
              <tbody>
                {data.items.map((d) => (
                  <tr data-testid="delegation-row">
                    <td>{chainOf(d, data.items)}</td>
                    <td>
                      {dateTime(d.startsAt)} – {d.until ? dateTime(d.until) : t('admin.routing.delegation.open')}
                    </td>
                    <td>
                      <Badge tone={d.state === 'active' ? 'success' : 'neutral'}>{t(DELEGATION_STATE[d.state] ?? 'admin.routing.delegation.active')}</Badge>
                    </td>
                    <td>
                      {(d.state === 'active' || d.state === 'scheduled') && (
                        <button type="button" class="ghost" onClick={() => revert(d)}>
                          <Undo2 size={16} aria-hidden="true" /> {t('admin.routing.delegation.revert')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
      <form class="inline-form" onSubmit={add}>
        {(['fromUserId', 'toUserId'] as const).map((k) => (
          <Field id={`del-${k}`} label={t(k === 'fromUserId' ? 'admin.routing.delegation.from' : 'admin.routing.delegation.to')}>
            <select id={`del-${k}`} required value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.currentTarget.value })}>
              <option value="" />
              {active.map((u) => <option value={u.id}>{u.displayName}</option>)}
            </select>
          </Field>
        ))}
        <Field id="del-start" label={t('admin.routing.delegation.starts')}>
          <input id="del-start" type="datetime-local" value={form.from} onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} />
        </Field>
        <Field id="del-until" label={t('admin.routing.delegation.until')}>
          <input id="del-until" type="datetime-local" value={form.until} onInput={(e) => setForm({ ...form, until: e.currentTarget.value })} />
        </Field>
        <button type="submit" class="primary">{t('admin.routing.delegation.add')}</button>
      </form>
      <Outcome state={outcome.state} />
    </section>
  );
}

function describeRule(r: Rule, t: ReturnType<typeof useT>, userName: (id: number | null) => string, teamName: (id: number | null) => string): string {
  const parts: string[] = [];
  if (r.conditions.recipients?.length) parts.push(`${t('admin.routing.cond.recipients')}: ${r.conditions.recipients.join(', ')}`);
  if (r.conditions.tagsAny?.length) parts.push(`${t('admin.routing.cond.tags')}: ${r.conditions.tagsAny.join(', ')}`);
  if (r.conditions.keywords?.length) parts.push(`${t('admin.routing.cond.keywords')}: ${r.conditions.keywords.join(', ')}`);
  if (r.conditions.contactStatus?.length) parts.push(`${t('admin.routing.cond.status')}: ${r.conditions.contactStatus.map((s) => t(s === 'lead' ? 'admin.routing.status.lead' : 'admin.routing.status.client')).join(', ')}`);
  if (r.conditions.contactOwnerIds?.length) parts.push(`${t('admin.routing.cond.owner')}: ${r.conditions.contactOwnerIds.map(userName).join(', ')}`);
  const a = r.action;
  const to = a.type === 'user' ? userName(a.userId) : a.type === 'team' ? `${teamName(a.teamId)} (${t(a.strategy === 'least_busy' ? 'admin.routing.strategy.leastBusy' : 'admin.routing.strategy.roundRobin')})` : t('admin.routing.action.owner');
  return `${parts.join('; ')} → ${to}`;
}

export default function RoutingPage() {
  const t = useT();
  const dir = useDirectory();
  const outcome = useOutcome();
  const rules = useAsync(() => api().get<{ items: Rule[] }>('/api/v1/routing-rules'), []);
  const change = async (run: () => Promise<unknown>) => {
    try {
      await run();
      rules.reload();
    } catch (err) {
      outcome.fail(err);
    }
  };
  const put = (r: Rule, patch: Partial<Rule>) => api().put(`/api/v1/routing-rules/${r.id}`, { name: r.name, enabled: r.enabled, conditions: r.conditions, action: r.action, position: r.position, ...patch });
  return (
    <AdminFrame testid="admin-routing">
      <h2>{t('admin.nav.routing')}</h2>
      <p class="muted">{t('admin.routing.intro')}</p>
      <Async state={rules} onRetry={rules.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">{t('admin.routing.none')}</p>
          ) : (
            <table data-testid="rules">
              <tbody>
                {data.items.map((r, i) => (
                  <tr data-testid="rule-row">
                    <td>{r.position}</td>
                    <td>
                      <strong>{r.name}</strong>
                      <br />
                      <span class="muted">{describeRule(r, t, dir.userName, dir.teamName)}</span>
                    </td>
                    <td>
                      <label class="check">
                        <input type="checkbox" checked={r.enabled} onChange={() => change(() => put(r, { enabled: !r.enabled }))} /> {t('admin.routing.enabled')}
                      </label>
                    </td>
                    <td class="toolbar">
                      <button type="button" class="icon-button" aria-label={t('admin.routing.up')} disabled={i === 0} onClick={() => change(() => put(r, { position: r.position - 1 }))}>
                        <ArrowUp size={16} aria-hidden="true" />
                      </button>
                      <button type="button" class="icon-button" aria-label={t('admin.routing.down')} disabled={i === data.items.length - 1} onClick={() => change(() => put(r, { position: r.position + 1 }))}>
                        <ArrowDown size={16} aria-hidden="true" />
                      </button>
                      <button type="button" class="icon-button" aria-label={t('admin.common.remove')} onClick={() => change(() => del(`/api/v1/routing-rules/${r.id}`))}>
                        <Trash2 size={16} aria-hidden="true" />
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
      <Outcome state={outcome.state} />
      <RuleForm onSaved={rules.reload} userName={dir.userName} />
      <Explain userName={dir.userName} />
      <Delegations userName={dir.userName} users={dir.users} />
    </AdminFrame>
  );
}
