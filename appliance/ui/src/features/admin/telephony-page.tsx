import { useState } from 'preact/hooks';
import { Trash2 } from 'lucide-preact';
import { useT } from '../../app/session.js';
import { Badge } from '../../ui/badge.js';
import { Async } from '../../ui/states.js';
import { useAsync } from '../../ui/async.js';
import { AdminFrame, Field, Outcome, useOutcome } from './layout.js';
import { api, del, errorField, list } from './util.js';

interface Trunk {
  id: number;
  name: string;
  kind: string;
  label: string;
  endpoints: string[];
  dids: { did: string; target: string; channel: number | null }[];
  outbound: { prefix: string; priority: number }[];
}
interface Applied {
  status: string;
  detail: string;
}
interface Sim {
  did: string;
  target: string;
}

/** Where Asterisk stands after a change: applied, waiting for an apply, or refused (and undone). */
function AppliedState({ applied }: { applied: Applied | null }) {
  const t = useT();
  if (!applied) return null;
  const tone = applied.status === 'applied' ? 'success' : applied.status === 'pending' ? 'warning' : 'danger';
  const label = applied.status === 'applied' ? 'admin.tel.applied' : applied.status === 'pending' ? 'admin.tel.pending' : 'admin.tel.refused';
  return (
    <p data-testid="asterisk-state" data-status={applied.status}>
      <Badge tone={tone}>{t(label)}</Badge> {applied.status === 'pending' ? <span class="muted">{t('admin.tel.pendingHint')}</span> : applied.status !== 'applied' && <span class="muted">{applied.detail}</span>}
    </p>
  );
}

function TrunkForm({ kinds, onSaved }: { kinds: { kind: string; label: string }[]; onSaved: (a: Applied) => void }) {
  const t = useT();
  const outcome = useOutcome();
  const [kind, setKind] = useState('sip');
  const [f, setF] = useState({ name: '', host: '', port: '5060', transport: 'udp', auth: 'register', username: '', secret: '', dids: '', inboundTarget: '', routes: '', dialTimeoutSec: '' });
  const [sims, setSims] = useState<Sim[]>([{ did: '', target: '' }]);
  const gateway = kind === 'gsm' || kind === 'analog';
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const bad = (k: string) => outcome.state?.field === k || (outcome.state?.field?.startsWith(`${k}.`) ?? false);
  const setCount = (n: number) => setSims(Array.from({ length: Math.max(1, Math.min(64, n || 1)) }, (_, i) => sims[i] ?? { did: '', target: '' }));
  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { kind, name: f.name.trim(), host: f.host.trim(), transport: f.transport, auth: f.auth };
    if (f.port) body.port = Number(f.port);
    if (f.username) body.username = f.username;
    if (f.secret) body.secret = f.secret;
    if (f.inboundTarget) body.inboundTarget = f.inboundTarget.trim();
    if (f.routes) body.outbound = list(f.routes);
    if (f.dialTimeoutSec) body.dialTimeoutSec = Number(f.dialTimeoutSec);
    if (gateway) body[kind === 'gsm' ? 'channels' : 'ports'] = sims.map((s) => ({ ...(s.did ? { did: s.did.trim() } : {}), ...(s.target ? { target: s.target.trim() } : {}) }));
    else if (f.dids) body.dids = list(f.dids);
    try {
      const r = await api().post<{ trunk: Trunk; asterisk: Applied }>('/api/v1/trunks', body);
      outcome.ok(t('admin.tel.added', { name: r.trunk.name }));
      onSaved(r.asterisk);
    } catch (err) {
      outcome.fail(err, errorField(err));
    }
  };
  return (
    <form class="panel" data-testid="trunk-form" onSubmit={save}>
      <h3>{t('admin.tel.add')}</h3>
      <div class="admin-columns">
        <Field id="trunk-kind" label={t('trunks.kind')}>
          <select id="trunk-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {kinds.map((k) => <option value={k.kind}>{t(k.kind === 'gsm' ? 'admin.tel.kind.gsm' : k.kind === 'analog' ? 'admin.tel.kind.analog' : 'admin.tel.kind.sip')}</option>)}
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
        <Field id="trunk-transport" label={t('admin.tel.transport')}>
          <select id="trunk-transport" value={f.transport} onChange={set('transport')}>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
          </select>
        </Field>
        <Field id="trunk-auth" label={t('admin.tel.auth')}>
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
          <input id="trunk-secret" type="password" autocomplete="new-password" value={f.secret} onInput={set('secret')} />
        </Field>
        <Field id="trunk-timeout" label={t('admin.tel.dialTimeout')} invalid={bad('dialTimeoutSec')}>
          <input id="trunk-timeout" inputMode="numeric" value={f.dialTimeoutSec} onInput={set('dialTimeoutSec')} />
        </Field>
      </div>
      {gateway ? (
        <fieldset data-testid="sim-wizard">
          <legend>{t(kind === 'gsm' ? 'admin.tel.sims' : 'admin.tel.ports')}</legend>
          <Field id="trunk-count" label={t(kind === 'gsm' ? 'admin.tel.simCount' : 'admin.tel.portCount')} invalid={bad(kind === 'gsm' ? 'channels' : 'ports')}>
            <input id="trunk-count" type="number" min={1} max={64} value={sims.length} onInput={(e) => setCount(Number(e.currentTarget.value))} />
          </Field>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.tel.channel')}</th>
                <th scope="col">{t('admin.tel.simNumber')}</th>
                <th scope="col">{t('admin.tel.inbound')}</th>
              </tr>
            </thead>
            <tbody>
              {sims.map((s, i) => (
                <tr data-testid="sim-row">
                  <td>{i + 1}</td>
                  <td class={bad(`channels.${i}`) || bad(`ports.${i}`) ? 'invalid' : undefined}>
                    <input aria-label={t('admin.tel.simNumberOf', { n: i + 1 })} value={s.did} onInput={(e) => setSims(sims.map((x, j) => (j === i ? { ...x, did: e.currentTarget.value } : x)))} />
                  </td>
                  <td>
                    <input aria-label={t('admin.tel.inboundOf', { n: i + 1 })} placeholder="queue:support" value={s.target} onInput={(e) => setSims(sims.map((x, j) => (j === i ? { ...x, target: e.currentTarget.value } : x)))} />
                  </td>
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
      </div>
      <button type="submit" class="primary">{t('admin.tel.save')}</button>
      <Outcome state={outcome.state} />
    </form>
  );
}

export default function TelephonyPage() {
  const t = useT();
  const outcome = useOutcome();
  const [applied, setApplied] = useState<Applied | null>(null);
  const state = useAsync(() => api().get<{ items: Trunk[]; kinds: { kind: string; label: string }[] }>('/api/v1/trunks'), []);
  const remove = async (tr: Trunk) => {
    if (!confirm(t('admin.tel.confirmRemove', { name: tr.name }))) return;
    try {
      const r = await del<{ asterisk: Applied }>(`/api/v1/trunks/${tr.id}`);
      setApplied(r.asterisk);
      outcome.ok(t('admin.tel.removed', { name: tr.name }));
      state.reload();
    } catch (err) {
      outcome.fail(err);
    }
  };
  return (
    <AdminFrame testid="admin-telephony">
      <h2>{t('admin.nav.telephony')}</h2>
      <h3>{t('admin.trunks')}</h3>
      <AppliedState applied={applied} />
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
                      <td>{t(tr.kind === 'gsm' ? 'admin.tel.kind.gsm' : tr.kind === 'analog' ? 'admin.tel.kind.analog' : 'admin.tel.kind.sip')}</td>
                      <td data-testid="trunk-endpoints">{tr.endpoints.join(', ')}</td>
                      <td>{tr.dids.map((d) => `${d.did} → ${d.target}`).join('; ')}</td>
                      <td>{tr.outbound.map((o) => o.prefix || '*').join(', ')}</td>
                      <td>
                        <button type="button" class="icon-button" aria-label={t('admin.common.remove')} onClick={() => remove(tr)}>
                          <Trash2 size={16} aria-hidden="true" />
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <TrunkForm
              kinds={data.kinds}
              onSaved={(a) => {
                setApplied(a);
                state.reload();
              }}
            />
          </>
        )}
      </Async>
    </AdminFrame>
  );
}
