import { AppError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import type { TelephonyPort } from '../telephony/port.js';
import type { CallFact } from '../calls/events.js';
import { AgentTransitionError, OFFLINE, transition, type AgentCommand, type AgentEffect, type AgentState } from './machine.js';
import type { AgentsRepository } from './repository.js';
import './events.js';
import './errors.js';

export interface CurrentDialog {
  callId: number;
  direction: string;
  queue: string | null;
  since: string;
}

export interface CurrentChat {
  conversationId: number;
  since: string;
}

export interface AgentView extends AgentState {
  userId: number;
  /** The call the agent is in right now, if any. */
  dialog: CurrentDialog | null;
  /** The live chats the agent is handling right now, oldest first. */
  chats: CurrentChat[];
}

export interface AgentsServiceDeps {
  repo: AgentsRepository;
  port: () => TelephonyPort | null;
  endpointOf: (userId: number) => string | null;
  bus: EventBus;
  now: () => Date;
  /** Live push of one agent's state (to the agent and to supervisors). */
  publish: (view: AgentView) => void;
  audit: (e: { actorId: number; action: string; targetType: string; targetId: string | number; details?: Record<string, unknown> }) => void;
  log: (msg: string, err: unknown) => void;
}

/**
 * Agent states: each command goes through the pure machine, its effects are sent to Asterisk
 * first (a refused QueueAdd/QueuePause leaves the state as it was and says why), then the new
 * state and timeline row are stored and published. Wrap-up ends by a timer, restored after a
 * restart from the stored end time.
 */
export class AgentsService {
  private readonly states: Map<number, AgentState>;
  private readonly dialogs = new Map<number, CurrentDialog>();
  private readonly chats = new Map<number, CurrentChat[]>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Commands run one at a time per agent, so two clicks cannot interleave their AMI actions. */
  private readonly chains = new Map<number, Promise<unknown>>();

  constructor(private readonly d: AgentsServiceDeps) {
    this.states = d.repo.sessions();
    for (const [userId, s] of this.states) if (s.state === 'wrapup' && s.wrapupUntil) this.armWrapup(userId, s.wrapupUntil);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  view(userId: number): AgentView {
    return { ...(this.states.get(userId) ?? OFFLINE), userId, dialog: this.dialogs.get(userId) ?? null, chats: this.chats.get(userId) ?? [] };
  }

  /** Every agent with a state, a call or a chat, plus `also` (the roster), in id order. */
  all(also: Iterable<number> = []): AgentView[] {
    const ids = new Set([...this.states.keys(), ...this.dialogs.keys(), ...this.chats.keys(), ...also]);
    return [...ids].sort((a, b) => a - b).map((id) => this.view(id));
  }

  /** The chats being handled after a restart (the chat capability's open dialogs). */
  restoreChats(open: Array<{ conversationId: number; operatorId: number | null; since: string }>): void {
    this.chats.clear();
    for (const c of open) if (c.operatorId !== null) this.chatTaken(c.operatorId, c.conversationId, c.since, false);
  }

  /** An operator took a live chat (accepted, or handed to them). */
  chatTaken(operatorId: number, conversationId: number, since: string, publish = true): void {
    for (const [userId, list] of this.chats) if (userId !== operatorId && list.some((c) => c.conversationId === conversationId)) this.chatLeft(conversationId, userId);
    const list = this.chats.get(operatorId) ?? [];
    if (list.some((c) => c.conversationId === conversationId)) return;
    this.chats.set(operatorId, [...list, { conversationId, since }]);
    if (publish) this.d.publish(this.view(operatorId));
  }

  /** A chat ended or left this operator (closed, or transferred to a team). */
  chatLeft(conversationId: number, onlyUserId?: number): void {
    for (const [userId, list] of this.chats) {
      if (onlyUserId !== undefined && userId !== onlyUserId) continue;
      const rest = list.filter((c) => c.conversationId !== conversationId);
      if (rest.length === list.length) continue;
      if (rest.length) this.chats.set(userId, rest);
      else this.chats.delete(userId);
      this.d.publish(this.view(userId));
    }
  }

  /** The queues operators may log in to. */
  queueNames(): string[] {
    return this.d.repo.queues().map((q) => q.queue);
  }

  login(userId: number, queues: string[], actorId = userId): Promise<AgentView> {
    const known = new Set(this.d.repo.queues().map((q) => q.queue));
    for (const q of queues) if (!known.has(q)) throw new AppError('AGENT_QUEUE_UNKNOWN', { queue: q });
    const iface = this.d.endpointOf(userId);
    if (!iface) throw new AppError('AGENT_NO_PHONE');
    return this.run(userId, { type: 'login', queues: [...new Set(queues)], interface: iface }, actorId);
  }

  logout(userId: number, actorId = userId): Promise<AgentView> {
    return this.run(userId, { type: 'logout' }, actorId);
  }

  setAvailable(userId: number, actorId = userId): Promise<AgentView> {
    return this.run(userId, { type: 'available' }, actorId);
  }

  pause(userId: number, reason: string, actorId = userId): Promise<AgentView> {
    const reasons = this.d.repo.reasons();
    const match = reasons.find((r) => r.name.toLowerCase() === reason.trim().toLowerCase());
    if (!match) throw new AppError('AGENT_PAUSE_REASON_UNKNOWN', { reason: reason.slice(0, 60), known: reasons.map((r) => r.name).join(', ') || '—' });
    return this.run(userId, { type: 'pause', reason: match.name }, actorId);
  }

  /** A call closed: each operator who answered it from a queue goes to that queue's wrap-up. */
  onCallEnded(fact: CallFact): void {
    const done = new Map<number, string>();
    for (const s of fact.stints) if (s.outcome === 'answered' && s.operatorId !== null) done.set(s.operatorId, s.queue);
    for (const [userId, queue] of done) {
      if (!this.states.has(userId)) continue;
      const wrapupSec = this.d.repo.queues().find((q) => q.queue === queue)?.wrapupSec ?? 0;
      this.run(userId, { type: 'call.ended', queue, wrapupSec }, null).catch((err) => this.d.log('could not start wrap-up', err));
    }
    for (const [userId, dialog] of this.dialogs) {
      if (dialog.callId === fact.callId) {
        this.dialogs.delete(userId);
        this.d.publish(this.view(userId));
      }
    }
  }

  /** Who is in which call right now, from each change of a call. */
  onCallUpdated(fact: CallFact): void {
    const s = fact.summary;
    if (s.endedAt) return;
    const operatorId = s.answeredAt ? s.operatorId : null;
    if (operatorId === null || this.dialogs.get(operatorId)?.callId === fact.callId) return;
    const queue = [...fact.stints].reverse().find((st) => st.outcome === 'answered')?.queue ?? null;
    this.dialogs.set(operatorId, { callId: fact.callId, direction: s.direction, queue, since: s.answeredAt! });
    this.d.publish(this.view(operatorId));
  }

  private run(userId: number, cmd: AgentCommand, actorId: number | null): Promise<AgentView> {
    const prev = this.chains.get(userId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.apply(userId, cmd, actorId));
    this.chains.set(userId, next);
    next.finally(() => {
      if (this.chains.get(userId) === next) this.chains.delete(userId);
    }).catch(() => undefined);
    return next;
  }

  private async apply(userId: number, cmd: AgentCommand, actorId: number | null): Promise<AgentView> {
    const prev = this.states.get(userId) ?? OFFLINE;
    const at = this.d.now().toISOString();
    let result;
    try {
      result = transition(prev, cmd, at);
    } catch (err) {
      if (err instanceof AgentTransitionError) throw new AppError('AGENT_NOT_LOGGED_IN');
      throw err;
    }
    if (result.state === prev) return this.view(userId);
    await this.perform(result.effects);
    const state = result.state;
    this.d.repo.save(userId, prev, state, at);
    if (state.state === 'offline') this.states.delete(userId);
    else this.states.set(userId, state);
    const timer = this.timers.get(userId);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(userId);
    }
    if (state.state === 'wrapup' && state.wrapupUntil) this.armWrapup(userId, state.wrapupUntil);
    const ended = prev.state === 'offline' ? null : { userId, state: prev.state, reason: prev.reason, queue: prev.queue, from: prev.since, to: at };
    this.d.bus.publish('agent.state.changed', { userId, state: state.state, reason: state.reason, queue: state.queue, since: state.since, ended });
    if (actorId !== null) {
      this.d.audit({ actorId, action: `agent.${cmd.type}`, targetType: 'user', targetId: userId, details: { state: state.state, reason: state.reason, queues: state.queues } });
    }
    const view = this.view(userId);
    this.d.publish(view);
    return view;
  }

  private async perform(effects: AgentEffect[]): Promise<void> {
    if (effects.length === 0) return;
    const port = this.d.port();
    if (!port) throw new AppError('AGENT_TELEPHONY_DOWN', { reason: 'telephony is not configured' });
    try {
      for (const e of effects) {
        // Asterisk already in the wanted state ("Already there", "Not there") is not a failure.
        if (e.type === 'queue.add') await port.queueAdd({ queue: e.queue, interface: e.interface, paused: false }).catch(unless(/already there/i));
        else if (e.type === 'queue.remove') await port.queueRemove(e.queue, e.interface).catch(unless(/not there/i));
        else await port.queuePause(null, e.interface, e.paused, e.reason ?? undefined);
      }
    } catch (err) {
      throw new AppError('AGENT_TELEPHONY_DOWN', { reason: err instanceof Error ? err.message.slice(0, 200) : 'unknown' }, err);
    }
  }

  private armWrapup(userId: number, until: string): void {
    const delay = Math.max(0, Date.parse(until) - this.d.now().getTime());
    const timer = setTimeout(() => {
      this.timers.delete(userId);
      this.run(userId, { type: 'wrapup.expired', until }, null).catch((err) => this.d.log('could not end wrap-up', err));
    }, delay);
    timer.unref();
    this.timers.set(userId, timer);
  }
}

const unless = (fine: RegExp) => (err: unknown) => {
  if (!(err instanceof Error && fine.test(err.message))) throw err;
};
