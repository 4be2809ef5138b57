import { useState } from 'preact/hooks';
import { Pencil, RefreshCw, Trash2 } from 'lucide-preact';
import { useT } from '../../app/session.js';
import { ApiError } from '../../api.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { describeError } from '../../ui/errors.js';
import { AdminFrame, Field, Outcome, useOutcome } from './layout.js';
import { api, dateTime, del, errorField, list } from './util.js';
import { useDirectory } from './directory.js';

type Setting = string | number | boolean | null;
interface Trunk {
  id: number;
  name: string;
  kind: string;
  label: string;
  endpoints: string[];
  dids: { did: string; target: string; channel: number | null }[];
  outbound: { prefix: string; strip: number; prepend: string; priority: number }[];
  settings: Record<string, Setting>;
}
interface Applied {
  status: string;
  detail: string;
  at?: string;
}
interface AsteriskState {
  live: boolean;
  last: Applied | null;
}
interface Line {
  type: 'gsm' | 'fxo' | 'fxs';
  did: string;
  target: string;
  extension: string;
}

const KIND_LABEL = { gsm: 'admin.tel.kind.gsm', analog: 'admin.tel.kind.analog', sip: 'admin.tel.kind.sip' } as const;
const kindLabel = (kind: string) => KIND_LABEL[kind as keyof typeof KIND_LABEL] ?? 'admin.tel.kind.sip';
const blankLine = (kind: string): Line => ({ type: kind === 'gsm' ? 'gsm' : 'fxo', did: '', target: '', extension: '' });

/** `queue:support` → "queue support" in the UI language. */
function useTargetText() {
  const t = useT();
  return (target: string) => {
    const [type, name = ''] = target.split(':');
    const key = type === 'queue' ? 'admin.tel.target.queue' : type === 'team' ? 'admin.tel.target.team' : type === 'operator' ? 'admin.tel.target.operator' : null;
    return key ? t(key, { name }) : target;
  };
}

/** Where Asterisk stands after a change: applied, waiting for an apply, or refused (and undone). */
function AppliedState({ applied }: { applied: Applied | null }) {
  const t = useT();
  if (!applied) return <p class="muted">{t('admin.tel.neverApplied')}</p>;
  const tone = applied.status === 'applied' ? 'success' : applied.status === 'pending' ? 'warning' : 'danger';
  const label = applied.status === 'applied' ? 'admin.tel.applied' : applied.status === 'pending' ? 'admin.tel.pending' : 'admin.tel.refused';
  return (
    <p data-testid="asterisk-state" data-status={applied.status}>
      <Badge tone={tone}>{t(label)}</Badge> {applied.at && <span class="muted">{t('admin.tel.lastApply', { when: dateTime(applied.at) })}</span>}{' '}
      {applied.status === 'pending' ? <span class="muted">{t('admin.tel.pendingHint')}</span> : applied.status !== 'applied' && <span data-testid="asterisk-detail">{applied.detail}</span>}
    </p>
  );
}

/** The trunk's lines as the form edits them, from its public view. */
function linesOf(tr: Trunk): Line[] {
  const count = Number(tr.settings.channels ?? tr.settings.ports ?? 1);
  const described = new Map<number, { type: Line['type']; extension: string }>();
  for (const m of String(tr.settings.lines ?? '').matchAll(/(\d+):(gsm|fxo|fxs)(?::([^:\s]+))?(?::ext (\S+))?/g)) {
    described.set(Number(m[1]), { type: m[2] as Line['type'], extension: m[4] ?? '' });
  }
  return Array.from({ length: count }, (_, i) => {
    const did = tr.dids.find((d) => d.channel === i + 1);
    const d = described.get(i + 1);
    return { type: d?.type ?? (tr.kind === 'gsm' ? 'gsm' : 'fxo'), extension: d?.extension ?? '', did: did?.did ?? '', target: did?.target ?? '' };
  });
}

const ruleText = (o: Trunk['outbound'][number]) => [o.prefix, o.strip || o.prepend ? String(o.strip) : null, o.prepend || null].filter((x) => x !== null).join(':');

function TrunkForm({ kinds, editing, onSaved, onCancel }: { kinds: { kind: string }[]; editing: Trunk | null; onSaved: (a: Applied, message?: string) => void; onCancel: () => void }) {
  const t = useT();
  const outcome = useOutcome();
  const s = editing?.settings ?? {};
  const str = (v: Setting | undefined, fallback = '') => (v === null || v === undefined ? fallback : String(v));
  const [kind, setKind] = useState(editing?.kind ?? 'sip');
  const [f, setF] = useState({
    name: editing?.name ?? '',
    host: str(s.host),
    port: str(s.port, editing ? '' : '5060'),
    transport: str(s.transport, 'udp'),
    auth: str(s.auth, 'register'),
    username: str(s.username),
    secret: '',
    dids: editing?.kind === 'sip' ? editing.dids.map((d) => d.did).join(', ') : '',
    inboundTarget: editing?.kind === 'sip' ? (editing.dids[0]?.target ?? '') : '',
    routes: editing ? editing.outbound.map(ruleText).join(', ') : '',
    priority: editing?.outbound[0] ? String(editing.outbound[0].priority) : '',
    dialTimeoutSec: str(s.dialTimeoutSec),
  });
  const [lines, setLines] = useState<Line[]>(editing && editing.kind !== 'sip' ? linesOf(editing) : [blankLine(kind)]);
  const gateway = kind === 'gsm' || kind === 'analog';
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const bad = (k: string) => outcome.state?.field === k || (outcome.state?.field?.startsWith(`${k}.`) ?? false);
  const setCount = (n: number) => setLines(Array.from({ length: Math.max(1, Math.min(64, n || 1)) }, (_, i) => lines[i] ?? blankLine(kind)));
  const setLine = (i: number, patch: Partial<Line>) => setLines(lines.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const countField = kind === 'gsm' ? 'channels' : 'ports';
  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { kind, name: f.name.trim(), host: f.host.trim(), transport: f.transport, auth: f.auth };
    if (f.port) body.port = /^\d+$/.test(f.port.trim()) ? Number(f.port) : f.port.trim();
    if (f.username && !gateway) body.username = f.username;
    if (f.secret) body.secret = f.secret;
    if (f.inboundTarget) body.inboundTarget = f.inboundTarget.trim();
    body.outbound = list(f.routes);
    if (f.priority) body.priority = /^\d+$/.test(f.priority.trim()) ? Number(f.priority) : f.priority;
    if (f.dialTimeoutSec) body.dialTimeoutSec = /^\d+$/.test(f.dialTimeoutSec.trim()) ? Number(f.dialTimeoutSec) : f.dialTimeoutSec;
    if (gateway) {
      body[countField] = lines.map((l) => ({
        ...(kind === 'analog' ? { type: l.type } : {}),
        ...(l.type === 'fxs' ? { extension: l.extension.trim() } : { ...(l.did.trim() ? { did: l.did.trim() } : {}), ...(l.target.trim() ? { target: l.target.trim() } : {}) }),
      }));
    } else body.dids = list(f.dids);
    try {
      const r = editing
        ? await api().request<{ trunk: Trunk; asterisk: Applied }>('PUT', `/api/v1/trunks/${editing.id}`, body)
        : await api().post<{ trunk: Trunk; asterisk: Applied }>('/api/v1/trunks', body);
      if (editing) onSaved(r.asterisk, t('admin.tel.updated', { name: r.trunk.name }));
      else {
        outcome.ok(t('admin.tel.added', { name: r.trunk.name }));
        onSaved(r.asterisk);
      }
    } catch (err) {
      outcome.fail(err, errorField(err));
      if (err instanceof ApiError && err.code === 'TRUNK_ASTERISK_REFUSED') onSaved({ status: 'refused', detail: describeError(err, t) });
    }
  };
  return (
    <form class="panel" data-testid="trunk-form" data-mode={editing ? 'edit' : 'add'} onSubmit={save}>
      <h3>{editing ? t('admin.tel.editing', { name: editing.name }) : t('admin.tel.add')}</h3>
      <div class="admin-columns">
        <Field id="trunk-kind" label={t('trunks.kind')}>
          <select
            id="trunk-kind"
            value={kind}
            disabled={Boolean(editing)}
            onChange={(e) => {
              setKind(e.currentTarget.value);
              setLines(lines.map(() => blankLine(e.currentTarget.value)));
            }}
          >
            {kinds.map((k) => <option value={k.kind}>{t(kindLabel(k.kind))}</option>)}
          </select>
        </Field>
        <Field id="trunk-name" label={t('trunks.name')} invalid={bad('name')}>
          <input id="trunk-name" required maxLength={64} value={f.name} onInput={set('name')} />
        </Field>
        <Field id="trunk-host" label={t('admin.tel.host')} invalid={bad('host')}>
          <input id="trunk-host" required value={f.host} onInput={set('host')} />
        </Field>
        <Field id="trunk-port" label={t('admin.tel.port')} invalid={bad('port')}>
          <input id="trunk-port" inputMode="numeric" value={f.port} onInput={set('port')} />
        </Field>
        <Field id="trunk-transport" label={t('admin.tel.transport')} invalid={bad('transport')}>
          <select id="trunk-transport" value={f.transport} onChange={set('transport')}>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
          </select>
        </Field>
        <Field id="trunk-auth" label={t('admin.tel.auth')} invalid={bad('auth')}>
          <select id="trunk-auth" value={f.auth} onChange={set('auth')}>
            <option value="register">{t('admin.tel.auth.register')}</option>
            <option value="ip">{t('admin.tel.auth.ip')}</option>
          </select>
        </Field>
        {!gateway && (
          <Field id="trunk-username" label={t('admin.tel.username')} invalid={bad('username')}>
            <input id="trunk-username" autocomplete="off" value={f.username} onInput={set('username')} />
          </Field>
        )}
        <Field id="trunk-secret" label={t('admin.tel.secret')} invalid={bad('secret')}>
          <input id="trunk-secret" type="password" autocomplete="new-password" placeholder={editing ? t('admin.tel.secretKept') : undefined} value={f.secret} onInput={set('secret')} />
        </Field>
        <Field id="trunk-timeout" label={t('admin.tel.dialTimeout')} invalid={bad('dialTimeoutSec')}>
          <input id="trunk-timeout" inputMode="numeric" value={f.dialTimeoutSec} onInput={set('dialTimeoutSec')} />
        </Field>
      </div>
      {gateway ? (
        <fieldset data-testid="sim-wizard">
          <legend>{t(kind === 'gsm' ? 'admin.tel.sims' : 'admin.tel.ports')}</legend>
          <Field id="trunk-count" label={t(kind === 'gsm' ? 'admin.tel.simCount' : 'admin.tel.portCount')} invalid={bad(countField)}>
            <input id="trunk-count" type="number" min={1} max={64} value={lines.length} onInput={(e) => setCount(Number(e.currentTarget.value))} />
          </Field>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.tel.channel')}</th>
                {kind === 'analog' && <th scope="col">{t('admin.tel.lineType')}</th>}
                <th scope="col">{t('admin.tel.simNumber')}</th>
                <th scope="col">{t('admin.tel.inbound')}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l, i) => (
                <tr data-testid="sim-row">
                  <td>{i + 1}</td>
                  {kind === 'analog' && (
                    <td>
                      <select aria-label={t('admin.tel.lineTypeOf', { n: i + 1 })} value={l.type} onChange={(e) => setLine(i, { type: e.currentTarget.value as Line['type'] })}>
                        <option value="fxo">{t('admin.tel.fxo')}</option>
                        <option value="fxs">{t('admin.tel.fxs')}</option>
                      </select>
                    </td>
                  )}
                  {l.type === 'fxs' ? (
                    <td colSpan={2} class={bad(`${countField}.${i}`) ? 'invalid' : undefined}>
                      <input aria-label={t('admin.tel.extensionOf', { n: i + 1 })} value={l.extension} onInput={(e) => setLine(i, { extension: e.currentTarget.value })} />
                    </td>
                  ) : (
                    <>
                      <td class={bad(`${countField}.${i}.did`) || bad(`${countField}.${i}`) ? 'invalid' : undefined}>
                        <input aria-label={t('admin.tel.simNumberOf', { n: i + 1 })} value={l.did} onInput={(e) => setLine(i, { did: e.currentTarget.value })} />
                      </td>
                      <td class={bad(`${countField}.${i}.target`) ? 'invalid' : undefined}>
                        <input aria-label={t('admin.tel.inboundOf', { n: i + 1 })} placeholder="queue:support" value={l.target} onInput={(e) => setLine(i, { target: e.currentTarget.value })} />
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
      ) : (
        <Field id="trunk-dids" label={t('trunks.dids')} invalid={bad('dids')}>
          <input id="trunk-dids" value={f.dids} onInput={set('dids')} />
        </Field>
      )}
      <div class="admin-columns">
        <Field id="trunk-inbound" label={t('admin.tel.inboundDefault')} invalid={bad('inboundTarget')}>
          <input id="trunk-inbound" placeholder="queue:support, team:sales, operator:101" value={f.inboundTarget} onInput={set('inboundTarget')} />
        </Field>
        <Field id="trunk-routes" label={t('admin.tel.outbound')} invalid={bad('outbound')}>
          <input id="trunk-routes" placeholder="0, +380, 8:1" value={f.routes} onInput={set('routes')} />
        </Field>
        <Field id="trunk-priority" label={t('admin.tel.priority')} invalid={bad('priority')}>
          <input id="trunk-priority" inputMode="numeric" placeholder="10" value={f.priority} onInput={set('priority')} />
        </Field>
      </div>
      <div class="toolbar">
        <button type="submit" class="primary">{t('admin.tel.save')}</button>
        {editing && (
          <button type="button" class="ghost" onClick={onCancel}>
            {t('admin.tel.cancel')}
          </button>
        )}
      </div>
      <Outcome state={outcome.state} />
    </form>
  );
}

/** Inbound (DID → target) and outbound (prefix → trunks in fail-over order) routes, as the trunks define them. */
function Routes({ trunks }: { trunks: Trunk[] }) {
  const t = useT();
  const target = useTargetText();
  const inbound = trunks.flatMap((tr) => tr.dids.map((d) => ({ ...d, trunk: tr.name }))).sort((a, b) => a.did.localeCompare(b.did));
  const prefixes = new Map<string, { trunk: string; priority: number }[]>();
  for (const tr of trunks) for (const o of tr.outbound) prefixes.set(o.prefix, [...(prefixes.get(o.prefix) ?? []), { trunk: tr.name, priority: o.priority }]);
  const outbound = [...prefixes.entries()].sort(([a], [b]) => b.length - a.length || a.localeCompare(b));
  if (!inbound.length && !outbound.length) return <p class="muted">{t('admin.tel.noRoutes')}</p>;
  return (
    <div class="admin-columns">
      <section>
        <h3>{t('admin.tel.inboundRoutes')}</h3>
        <table data-testid="inbound-routes">
          <thead>
            <tr>
              <th scope="col">{t('admin.tel.did')}</th>
              <th scope="col">{t('admin.tel.goesTo')}</th>
              <th scope="col">{t('admin.tel.via')}</th>
            </tr>
          </thead>
          <tbody>
            {inbound.map((r) => (
              <tr data-testid="inbound-route" data-did={r.did}>
                <td>{r.did}</td>
                <td>{target(r.target)}</td>
                <td>{r.channel === null ? r.trunk : t('admin.tel.lineOf', { trunk: r.trunk, n: r.channel })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h3>{t('admin.tel.outboundRoutes')}</h3>
        <table data-testid="outbound-routes">
          <thead>
            <tr>
              <th scope="col">{t('admin.tel.prefix')}</th>
              <th scope="col">{t('admin.tel.failover')}</th>
            </tr>
          </thead>
          <tbody>
            {outbound.map(([prefix, via]) => (
              <tr data-testid="outbound-route" data-prefix={prefix}>
                <td>{prefix || t('admin.tel.anyNumber')}</td>
                <td>{[...via].sort((a, b) => a.priority - b.priority || a.trunk.localeCompare(b.trunk)).map((v) => v.trunk).join(' → ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

interface Queue {
  name: string;
  strategy: string;
  ringTimeoutSec: number;
  retrySec: number;
  wrapupSec: number;
  maxWaitSec: number;
  everyOperator: boolean;
  memberIds: number[];
}
/** Someone who can be a queue member: an account with a phone. */
interface Person {
  id: number;
  name: string;
}
const STRATEGIES = ['ringall', 'leastrecent', 'fewestcalls', 'rrmemory', 'linear', 'random'] as const;
const STRATEGY_LABEL = {
  ringall: 'admin.q.strategy.ringall',
  leastrecent: 'admin.q.strategy.leastrecent',
  fewestcalls: 'admin.q.strategy.fewestcalls',
  rrmemory: 'admin.q.strategy.rrmemory',
  linear: 'admin.q.strategy.linear',
  random: 'admin.q.strategy.random',
} as const;
const NUMBERS = [
  ['ringTimeoutSec', 'admin.q.ring'],
  ['retrySec', 'admin.q.retry'],
  ['wrapupSec', 'admin.q.wrapup'],
  ['maxWaitSec', 'admin.q.maxWait'],
] as const;

function QueueRow({ queue, people, onDone }: { queue: Queue; people: Person[]; onDone: (a: Applied | null, message: string | null, err?: unknown) => void }) {
  const t = useT();
  const [q, setQ] = useState(queue);
  const [bad, setBad] = useState<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBad(null);
    const body: Record<string, unknown> = { strategy: q.strategy, everyOperator: q.everyOperator, memberIds: q.memberIds };
    for (const [k] of NUMBERS) body[k] = /^\d+$/.test(String(q[k]).trim()) ? Number(q[k]) : q[k];
    try {
      const r = await api().request<{ asterisk: Applied }>('PUT', `/api/v1/queues/${encodeURIComponent(queue.name)}`, body);
      onDone(r.asterisk, t('admin.q.saved', { name: queue.name }));
    } catch (err) {
      setBad(errorField(err));
      onDone(null, null, err);
    }
  };
  const remove = async () => {
    try {
      const r = await del<{ asterisk: Applied }>(`/api/v1/queues/${encodeURIComponent(queue.name)}`);
      onDone(r.asterisk, t('admin.q.removed', { name: queue.name }));
    } catch (err) {
      onDone(null, null, err);
    }
  };
  return (
    <tr data-testid="queue-row" data-name={queue.name}>
      <th scope="row">{queue.name}</th>
      <td class={bad === 'strategy' ? 'invalid' : undefined}>
        <select aria-label={`${t('admin.q.strategy')} · ${queue.name}`} value={q.strategy} onChange={(e) => setQ({ ...q, strategy: e.currentTarget.value })}>
          {STRATEGIES.map((v) => <option value={v}>{t(STRATEGY_LABEL[v])}</option>)}
        </select>
      </td>
      {NUMBERS.map(([k, label]) => (
        <td class={bad === k ? 'invalid' : undefined}>
          <input aria-label={`${t(label)} · ${queue.name}`} inputMode="numeric" size={5} value={String(q[k])} onInput={(e) => setQ({ ...q, [k]: e.currentTarget.value as unknown as number })} />
        </td>
      ))}
      <td>
        <input type="checkbox" aria-label={`${t('admin.q.everyOperator')} · ${queue.name}`} checked={q.everyOperator} onChange={(e) => setQ({ ...q, everyOperator: e.currentTarget.checked })} />
      </td>
      <td class={bad?.startsWith('memberIds') ? 'invalid' : undefined}>
        <details data-testid="queue-members">
          <summary>{t('admin.q.memberCount', { count: q.memberIds.length })}</summary>
          {people.length === 0 && <p class="muted">{t('admin.q.noPeople')}</p>}
          {people.map((p) => (
            <label class="check">
              <input
                type="checkbox"
                aria-label={`${p.name} · ${queue.name}`}
                checked={q.memberIds.includes(p.id)}
                onChange={(e) => setQ({ ...q, memberIds: e.currentTarget.checked ? [...q.memberIds, p.id] : q.memberIds.filter((id) => id !== p.id) })}
              />{' '}
              {p.name}
            </label>
          ))}
        </details>
      </td>
      <td>
        <form onSubmit={save} class="toolbar">
          <button type="submit" aria-label={t('admin.q.save', { name: queue.name })}>{t('common.save')}</button>
          <button type="button" class="icon-button" aria-label={t('admin.q.remove', { name: queue.name })} title={t('admin.q.remove', { name: queue.name })} onClick={remove}>
            <Trash2 size={16} aria-hidden="true" />
          </button>
        </form>
      </td>
    </tr>
  );
}

/** Queues: who rings and how long, and whether every operator is a member; applied to Asterisk on save. */
function Queues({ onApplied }: { onApplied: (a: Applied) => void }) {
  const t = useT();
  const outcome = useOutcome();
  const state = useAsync(() => api().get<{ items: Queue[] }>('/api/v1/queues'), []);
  const phones = useAsync(() => api().get<{ items: { userId: number; sipUser: string | null }[] }>('/api/v1/phones'), []);
  const directory = useDirectory();
  const people: Person[] = (phones.data?.items ?? []).filter((p) => p.sipUser).map((p) => ({ id: p.userId, name: directory.userName(p.userId) }));
  const [name, setName] = useState('');
  const done = (a: Applied | null, message: string | null, err?: unknown) => {
    if (err) {
      outcome.fail(err, errorField(err));
      if (err instanceof ApiError && err.code === 'TRUNK_ASTERISK_REFUSED') onApplied({ status: 'refused', detail: describeError(err, t) });
      return;
    }
    if (message) outcome.ok(message);
    if (a) onApplied(a);
    state.reload();
  };
  const add = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api().post<{ asterisk: Applied }>('/api/v1/queues', { name: name.trim() });
      setName('');
      done(r.asterisk, t('admin.q.saved', { name: name.trim() }));
    } catch (err) {
      done(null, null, err);
    }
  };
  return (
    <section class="panel" data-testid="queues">
      <h3>{t('admin.q.title')}</h3>
      <p class="muted">{t('admin.q.membersHint')}</p>
      <Outcome state={outcome.state} />
      <Async state={state} onRetry={state.reload}>
        {(data) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.q.name')}</th>
                <th scope="col">{t('admin.q.strategy')}</th>
                {NUMBERS.map(([, label]) => <th scope="col">{t(label)}</th>)}
                <th scope="col">{t('admin.q.everyOperator')}</th>
                <th scope="col">{t('admin.q.people')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {data.items.map((q) => <QueueRow key={`${q.name}-${q.strategy}-${q.ringTimeoutSec}-${q.retrySec}-${q.wrapupSec}-${q.maxWaitSec}-${q.everyOperator}-${q.memberIds.join('.')}`} queue={q} people={people} onDone={done} />)}
            </tbody>
          </table>
        )}
      </Async>
      <form class="inline-form" onSubmit={add}>
        <Field id="queue-new" label={t('admin.q.newName')} invalid={outcome.state?.field === 'name'}>
          <input id="queue-new" required pattern="[a-z0-9][a-z0-9_\-]{0,39}" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">{t('admin.q.add')}</button>
      </form>
    </section>
  );
}

export default function TelephonyPage() {
  const t = useT();
  const outcome = useOutcome();
  const [editing, setEditing] = useState<Trunk | null>(null);
  const state = useAsync(() => api().get<{ items: Trunk[]; kinds: { kind: string; label: string }[] }>('/api/v1/trunks'), []);
  const asterisk = useAsync(() => api().get<AsteriskState>('/api/v1/trunks/asterisk'), []);
  const [applied, setApplied] = useState<Applied | null>(null);
  const [applying, setApplying] = useState(false);
  const refresh = (a: Applied | null) => {
    setApplied(a);
    state.reload();
    asterisk.reload();
  };
  const remove = async (tr: Trunk) => {
    if (!confirm(t('admin.tel.confirmRemove', { name: tr.name }))) return;
    try {
      const r = await del<{ asterisk: Applied }>(`/api/v1/trunks/${tr.id}`);
      outcome.ok(t('admin.tel.removed', { name: tr.name }));
      if (editing?.id === tr.id) setEditing(null);
      refresh(r.asterisk);
    } catch (err) {
      outcome.fail(err);
      refresh(null);
    }
  };
  const applyNow = async () => {
    setApplying(true);
    try {
      refresh(await api().post<Applied>('/api/v1/trunks/apply', {}));
    } catch (err) {
      outcome.fail(err);
    } finally {
      setApplying(false);
    }
  };
  return (
    <AdminFrame testid="admin-telephony">
      <h2>{t('admin.nav.telephony')}</h2>
      <section class="panel" data-testid="asterisk-panel">
        <h3>{t('admin.tel.asterisk')}</h3>
        <Async state={asterisk} onRetry={asterisk.reload}>
          {(a) => (
            <>
              <p class="muted" data-testid="asterisk-mode" data-live={String(a.live)}>
                {t(a.live ? 'admin.tel.live' : 'admin.tel.manual')}
              </p>
              <AppliedState applied={a.last ?? applied} />
              {a.live && (
                <button type="button" onClick={applyNow} disabled={applying} data-testid="apply-now">
                  <RefreshCw size={16} aria-hidden="true" /> {t('admin.tel.applyNow')}
                </button>
              )}
            </>
          )}
        </Async>
      </section>
      <h3>{t('admin.trunks')}</h3>
      <Outcome state={outcome.state} />
      <Async state={state} onRetry={state.reload}>
        {(data) => (
          <>
            {data.items.length === 0 ? (
              <p class="muted">{t('trunks.none')}</p>
            ) : (
              <table data-testid="trunks">
                <thead>
                  <tr>
                    <th scope="col">{t('trunks.name')}</th>
                    <th scope="col">{t('trunks.kind')}</th>
                    <th scope="col">{t('admin.tel.lines')}</th>
                    <th scope="col">{t('trunks.dids')}</th>
                    <th scope="col">{t('admin.tel.outbound')}</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((tr) => (
                    <tr data-testid="trunk-row" data-name={tr.name}>
                      <td>{tr.name}</td>
                      <td>{t(kindLabel(tr.kind))}</td>
                      <td data-testid="trunk-endpoints">{tr.endpoints.join(', ')}</td>
                      <td>{tr.dids.map((d) => d.did).join(', ')}</td>
                      <td>{tr.outbound.map((o) => o.prefix || '*').join(', ')}</td>
                      <td>
                        <button type="button" class="icon-button" aria-label={t('admin.tel.edit')} title={t('admin.tel.edit')} onClick={() => setEditing(tr)}>
                          <Pencil size={16} aria-hidden="true" />
                        </button>
                        <button type="button" class="icon-button" aria-label={t('admin.common.remove')} title={t('admin.common.remove')} onClick={() => remove(tr)}>
                          <Trash2 size={16} aria-hidden="true" />
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Routes trunks={data.items} />
            <TrunkForm
              key={editing ? `edit-${editing.id}` : 'add'}
              kinds={data.kinds}
              editing={editing}
              onCancel={() => setEditing(null)}
              onSaved={(a, message) => {
                if (message) outcome.ok(message);
                if (a.status !== 'refused') setEditing(null);
                refresh(a);
              }}
            />
          </>
        )}
      </Async>
      <Queues
        onApplied={(a) => {
          setApplied(a);
          asterisk.reload();
        }}
      />
    </AdminFrame>
  );
}
