import { useEffect, useRef, useState } from 'preact/hooks';
import { ChevronDown } from 'lucide-preact';
import { session, useT } from '../../app/session.js';
import { PresenceDot } from '../../ui/badge.js';
import { toast } from '../../ui/toast.js';
import { describeError } from '../../ui/errors.js';
import { listKeys } from '../../ui/list.js';
import { elapsed, presenceOf, type AgentView, type PauseReason } from './api.js';
import { useNow } from './now.js';
import './agents.css';

/**
 * The agent's own state in the top bar, on every page: available, paused (with the reason) or
 * wrap-up, and the time in it; its menu pauses with a reason, resumes, leaves the queues or
 * opens the queue choice. Follows `agent.state` live events (a supervisor's change shows at once).
 */
export function AgentStatus() {
  const s = session();
  const t = useT();
  const me = s.me.value!;
  const [view, setView] = useState<AgentView | null>(null);
  const [reasons, setReasons] = useState<PauseReason[]>([]);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const now = useNow(1000);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    let live = true;
    s.api.get<AgentView>('/api/v1/agents/me').then((v) => live && setView(v), () => undefined);
    const off = s.live.on('agent.state', (m) => {
      const v = m.data as AgentView;
      if (v.userId === me.id) setView(v);
    });
    return () => {
      live = false;
      off();
    };
  }, [me.id]);

  useEffect(() => {
    if (!open) return;
    s.api.get<{ items: PauseReason[] }>('/api/v1/agents/pause-reasons').then((r) => setReasons(r.items.filter((x) => x.active)), () => undefined);
    // The menu was opened by the user: its first item takes the focus.
    requestAnimationFrame(() => menu.current?.querySelector<HTMLElement>('[data-list-item]:not([disabled])')?.focus());
    const close = (e: MouseEvent) => {
      if (!(e.target instanceof Node) || !(e.target as Element).closest?.('.agent-status')) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  if (!view) return null;
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    try {
      setView(await s.api.post<AgentView>(path, body));
      setOpen(false);
      button.current?.focus();
    } catch (err) {
      toast(describeError(err, t), 'danger');
    } finally {
      setBusy(false);
    }
  };
  const presence = presenceOf(view);
  const label = t(`reports.state.${view.state}` as const) + (view.state === 'paused' && view.reason ? ` · ${view.reason}` : '');
  return (
    <span class="agent-status" data-testid="agent-status" data-state={view.state}>
      <button
        ref={button}
        type="button"
        class="ghost"
        aria-expanded={open}
        aria-controls="agent-status-menu"
        data-testid="agent-status-button"
        title={t('agents.status.title')}
        onClick={() => setOpen(!open)}
      >
        <PresenceDot state={presence} compact />
        <span data-testid="agent-status-label">{label}</span>
        {view.state !== 'offline' && <span class="muted">{elapsed(view.since, now)}</span>}
        <ChevronDown size={14} aria-hidden="true" />
      </button>
      {open && (
        <ul
          id="agent-status-menu"
          ref={menu}
          class="menu panel"
          aria-label={t('agents.status.title')}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setOpen(false);
              button.current?.focus();
            } else listKeys(e);
          }}
        >
          {view.state !== 'offline' && (
            <li>
              <button type="button" data-list-item disabled={busy || view.state === 'available'} data-testid="agent-available" onClick={() => void act('/api/v1/agents/me/state', { state: 'available' })}>
                <PresenceDot state="available" compact />
                {t('reports.beAvailable')}
              </button>
            </li>
          )}
          {view.state !== 'offline' &&
            reasons.map((r) => (
              <li key={r.id}>
                <button
                  type="button"
                  data-list-item
                  disabled={busy || (view.state === 'paused' && view.reason === r.name)}
                  data-testid="agent-pause"
                  data-reason={r.name}
                  onClick={() => void act('/api/v1/agents/me/state', { state: 'paused', reason: r.name })}
                >
                  <PresenceDot state="paused" compact />
                  {t('reports.pauseFor', { reason: r.name })}
                </button>
              </li>
            ))}
          <li>
            <button
              type="button"
              data-list-item
              data-testid="agent-queues"
              onClick={() => {
                setOpen(false);
                s.navigate('/queues');
              }}
            >
              {t('agents.status.queues')}
            </button>
          </li>
          {view.state !== 'offline' && (
            <li>
              <button type="button" data-list-item disabled={busy} data-testid="agent-logout" onClick={() => void act('/api/v1/agents/me/logout')}>
                {t('reports.logout')}
              </button>
            </li>
          )}
        </ul>
      )}
    </span>
  );
}
