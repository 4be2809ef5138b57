/** Bus events of the calls capability (module augmentation keeps payloads typed). */
declare module '../core/events.js' {
  interface DomainEvents {
    'call.updated': { callId: number };
    /** A call got an operator leg Up: one dialog for licensing's concurrent-session count. */
    'dialog.opened': { dialogId: string; kind: 'call'; operatorId: number | null; at: string };
    'dialog.closed': { dialogId: string; at: string };
    /** Every call dialog open right now, after a reconnect: replaces what licensing counted. */
    'dialog.snapshot': { kind: 'call'; dialogs: Array<{ dialogId: string; operatorId: number | null; at: string }>; at: string };
  }
}
export {};
