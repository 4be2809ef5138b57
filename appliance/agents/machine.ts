/**
 * An operator's state as a pure transition `(state, command) → {state, effects}`. States drive
 * Asterisk's queue membership: logging in adds the operator's phone to each queue, pausing
 * pauses it in every queue with the reason (QueuePause), wrap-up after a call is a pause with
 * the reason `wrap-up` that ends by itself after the queue's wrap-up time.
 */
export type AgentStateName = 'offline' | 'available' | 'paused' | 'wrapup';

export interface AgentState {
  state: AgentStateName;
  /** The pause reason (paused), null otherwise. */
  reason: string | null;
  /** The queue whose call is being wrapped up. */
  queue: string | null;
  since: string;
  queues: string[];
  interface: string | null;
  wrapupUntil: string | null;
}

export type AgentCommand =
  | { type: 'login'; queues: string[]; interface: string }
  | { type: 'logout' }
  | { type: 'available' }
  | { type: 'pause'; reason: string }
  | { type: 'call.ended'; queue: string; wrapupSec: number }
  | { type: 'wrapup.expired'; until: string };

export type AgentEffect =
  | { type: 'queue.add'; queue: string; interface: string }
  | { type: 'queue.remove'; queue: string; interface: string }
  | { type: 'queue.pause'; interface: string; paused: boolean; reason: string | null };

export const WRAPUP_REASON = 'wrap-up';

export const OFFLINE: AgentState = { state: 'offline', reason: null, queue: null, since: new Date(0).toISOString(), queues: [], interface: null, wrapupUntil: null };

export class AgentTransitionError extends Error {
  constructor(readonly from: AgentStateName, readonly command: AgentCommand['type']) {
    super(`cannot ${command} while ${from}`);
  }
}

export function transition(prev: AgentState, cmd: AgentCommand, at: string): { state: AgentState; effects: AgentEffect[] } {
  const iface = prev.interface;
  const next = (patch: Partial<AgentState>): AgentState => ({ ...prev, reason: null, queue: null, wrapupUntil: null, since: at, ...patch });
  switch (cmd.type) {
    case 'login': {
      // Logging in again changes the queue list: added and removed queues only.
      const effects: AgentEffect[] = [];
      const old = prev.state === 'offline' ? [] : prev.queues;
      if (prev.state !== 'offline' && iface && iface !== cmd.interface) for (const q of old) effects.push({ type: 'queue.remove', queue: q, interface: iface });
      const keep = prev.state !== 'offline' && iface === cmd.interface ? old : [];
      for (const q of keep) if (!cmd.queues.includes(q)) effects.push({ type: 'queue.remove', queue: q, interface: cmd.interface });
      for (const q of cmd.queues) if (!keep.includes(q)) effects.push({ type: 'queue.add', queue: q, interface: cmd.interface });
      if (prev.state === 'offline') return { state: next({ state: 'available', queues: cmd.queues, interface: cmd.interface }), effects };
      // A new membership starts unpaused: keep Asterisk in line with the current state.
      if (prev.state !== 'available') effects.push({ type: 'queue.pause', interface: cmd.interface, paused: true, reason: prev.state === 'wrapup' ? WRAPUP_REASON : prev.reason });
      return { state: { ...prev, queues: cmd.queues, interface: cmd.interface }, effects };
    }
    case 'logout':
      if (prev.state === 'offline') return { state: prev, effects: [] };
      return { state: { ...OFFLINE, since: at }, effects: prev.queues.map((q) => ({ type: 'queue.remove' as const, queue: q, interface: iface! })) };
    case 'available':
      if (prev.state === 'offline') throw new AgentTransitionError(prev.state, cmd.type);
      if (prev.state === 'available') return { state: prev, effects: [] };
      return { state: next({ state: 'available' }), effects: [{ type: 'queue.pause', interface: iface!, paused: false, reason: null }] };
    case 'pause':
      if (prev.state === 'offline') throw new AgentTransitionError(prev.state, cmd.type);
      if (prev.state === 'paused' && prev.reason === cmd.reason) return { state: prev, effects: [] };
      return { state: next({ state: 'paused', reason: cmd.reason }), effects: [{ type: 'queue.pause', interface: iface!, paused: true, reason: cmd.reason }] };
    case 'call.ended': {
      // Only an available operator goes to wrap-up; a pause taken during the call stays.
      if (prev.state !== 'available' || cmd.wrapupSec <= 0) return { state: prev, effects: [] };
      const until = new Date(Date.parse(at) + cmd.wrapupSec * 1000).toISOString();
      return {
        state: next({ state: 'wrapup', queue: cmd.queue, wrapupUntil: until }),
        effects: [{ type: 'queue.pause', interface: iface!, paused: true, reason: WRAPUP_REASON }],
      };
    }
    case 'wrapup.expired':
      if (prev.state !== 'wrapup' || prev.wrapupUntil !== cmd.until) return { state: prev, effects: [] };
      return { state: next({ state: 'available' }), effects: [{ type: 'queue.pause', interface: iface!, paused: false, reason: null }] };
    default:
      return { state: prev, effects: [] };
  }
}
