import type { CallSummary, Stint } from './machine.js';

/**
 * What a call is, as other capabilities (reports, agent states, the wallboard) need it: the
 * summary the calls list shows plus each pass through a queue with its ring attempts.
 */
export interface CallFact {
  callId: number;
  linkedId: string;
  contactId: number | null;
  summary: CallSummary;
  stints: Stint[];
}

/** Bus events of the calls capability (module augmentation keeps payloads typed). */
declare module '../core/events.js' {
  interface DomainEvents {
    /** `fact`: the call as stored after this change. */
    'call.updated': { callId: number; fact?: CallFact };
    /** The call's last leg hung up: published once per call, after it is stored. */
    'call.ended': CallFact;
    /** A call got an operator leg Up: one dialog for licensing's concurrent-session count. */
    'dialog.opened': { dialogId: string; kind: 'call'; operatorId: number | null; at: string };
    'dialog.closed': { dialogId: string; at: string };
    /** Every call dialog open right now, after a reconnect: replaces what licensing counted. */
    'dialog.snapshot': { kind: 'call'; dialogs: Array<{ dialogId: string; operatorId: number | null; at: string }>; at: string };
  }
}
export {};
