import type { ComponentChildren } from 'preact';
import { useT } from '../app/session.js';
import type { MessageKey } from '../i18n.js';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** A short label or count; colour is never the only signal (the text says it too). */
export function Badge({ tone = 'neutral', children, title, testId }: { tone?: Tone; children: ComponentChildren; title?: string; testId?: string }) {
  return (
    <span class={`badge tone-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

/** An agent's or a contact's availability. */
export type Presence = 'available' | 'ringing' | 'busy' | 'wrapup' | 'paused' | 'away' | 'offline';

export const PRESENCE_LABEL: Record<Presence, MessageKey> = {
  available: 'presence.available',
  ringing: 'presence.ringing',
  busy: 'presence.busy',
  wrapup: 'presence.wrapup',
  paused: 'presence.paused',
  away: 'presence.away',
  offline: 'presence.offline',
};

/** A coloured dot with its name (visible, or for screen readers only with `compact`). */
export function PresenceDot({ state, compact = false }: { state: Presence; compact?: boolean }) {
  const t = useT();
  const label = t(PRESENCE_LABEL[state]);
  return (
    <span class={`presence presence-${state}`} data-presence={state} title={label}>
      <span class="dot" aria-hidden="true" />
      <span class={compact ? 'visually-hidden' : 'presence-label'}>{label}</span>
    </span>
  );
}
