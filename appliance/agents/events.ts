import type { AgentStateName } from './machine.js';

/** One finished stretch of an agent's timeline (reports sum these into time per state and reason). */
export interface AgentInterval {
  userId: number;
  state: AgentStateName;
  reason: string | null;
  queue: string | null;
  from: string;
  to: string;
}

declare module '../core/events.js' {
  interface DomainEvents {
    /** An agent changed state; `ended` is the stretch that just ended (null when they were offline). */
    'agent.state.changed': { userId: number; state: AgentStateName; reason: string | null; queue: string | null; since: string; ended: AgentInterval | null };
  }
}
export {};
