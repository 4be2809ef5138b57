import type { Presence } from '../../ui/badge.js';

/** An agent's state as the server sends it (`GET /api/v1/agents/me`, the `agent.state` live event). */
export interface AgentView {
  userId: number;
  state: 'offline' | 'available' | 'paused' | 'wrapup';
  reason: string | null;
  queue: string | null;
  since: string;
  queues: string[];
  wrapupUntil: string | null;
  dialog: { callId: number; direction: string; queue: string | null; since: string } | null;
  chats: Array<{ conversationId: number; since: string }>;
  /** Supervisors' list and live events carry the name. */
  name?: string;
  role?: string | null;
}

export interface PauseReason {
  id: number;
  name: string;
  active: boolean;
}

/** The colour and word for an agent: on a call beats the queue state. */
export function presenceOf(v: Pick<AgentView, 'state' | 'dialog'>): Presence {
  if (v.dialog) return 'busy';
  return v.state === 'offline' ? 'offline' : v.state;
}

/** "h:mm:ss" or "m:ss" since an ISO time, never negative. */
export function elapsed(since: string, now: number): string {
  const total = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
