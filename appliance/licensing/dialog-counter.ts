/**
 * The one count of open dialogs (calls with an operator leg, chats being handled) that the
 * licence's concurrent sessions limit. It is keyed by dialog id, so a repeated 'dialog.opened'
 * (a re-sent AMI event, a reconnect replay) never counts twice, a 'dialog.closed' for an unknown
 * dialog never goes below zero, and a close that overtakes its own open is remembered briefly
 * so that the late open is ignored. All changes are synchronous, so two dialogs opened in the
 * same millisecond are two separate, ordered updates of the event loop — never a lost update.
 *
 * Outbound attempts hold a short reservation between the licence check and the moment the
 * operator's leg comes up, so that two clicks at the same moment cannot both take the last session.
 */
export type DialogKind = 'call' | 'chat';

export interface OpenDialog {
  dialogId: string;
  kind: DialogKind;
  operatorId: number | null;
  openedAt: string;
}

interface Reservation {
  id: number;
  operatorId: number | null;
  expiresAt: number;
}

/** How long an outbound reservation holds a session: GSM call setup takes up to 30 s. */
export const RESERVATION_MS = 60_000;
/** How long a close that arrived before its open is remembered. */
const EARLY_CLOSE_MS = 10 * 60_000;

export class DialogCounter {
  private readonly open = new Map<string, OpenDialog>();
  private readonly closedEarly = new Map<string, number>();
  private reservations: Reservation[] = [];
  private nextReservation = 1;

  constructor(initial: readonly OpenDialog[] = []) {
    for (const d of initial) this.open.set(d.dialogId, d);
  }

  get inUse(): number {
    return this.open.size;
  }

  /** Open dialogs plus live outbound reservations: what a new dialog is measured against. */
  committed(nowMs: number): number {
    this.dropExpired(nowMs);
    return this.open.size + this.reservations.length;
  }

  list(): OpenDialog[] {
    return [...this.open.values()];
  }

  /** Returns true when the dialog was newly counted. */
  opened(dialog: OpenDialog, nowMs: number): boolean {
    this.dropExpired(nowMs);
    if (this.open.has(dialog.dialogId)) return false;
    if (this.closedEarly.has(dialog.dialogId)) {
      this.closedEarly.delete(dialog.dialogId);
      return false;
    }
    this.open.set(dialog.dialogId, dialog);
    this.consumeReservation(dialog.operatorId);
    return true;
  }

  /** Returns true when a counted dialog was closed. */
  closed(dialogId: string, nowMs: number): boolean {
    this.dropExpired(nowMs);
    if (this.open.delete(dialogId)) return true;
    this.closedEarly.set(dialogId, nowMs + EARLY_CLOSE_MS);
    return false;
  }

  /** Replaces the dialogs of one kind with those the source of truth reports open (after a reconnect or restart). */
  replaceKind(kind: DialogKind, current: readonly OpenDialog[]): { added: string[]; removed: string[] } {
    const wanted = new Map(current.map((d) => [d.dialogId, d]));
    const removed: string[] = [];
    for (const [id, d] of this.open) {
      if (d.kind === kind && !wanted.has(id)) {
        this.open.delete(id);
        removed.push(id);
      }
    }
    const added: string[] = [];
    for (const [id, d] of wanted) {
      if (!this.open.has(id)) {
        this.open.set(id, d);
        added.push(id);
      }
    }
    return { added, removed };
  }

  reserve(operatorId: number | null, nowMs: number): () => void {
    const reservation = { id: this.nextReservation++, operatorId, expiresAt: nowMs + RESERVATION_MS };
    this.reservations.push(reservation);
    return () => {
      this.reservations = this.reservations.filter((r) => r.id !== reservation.id);
    };
  }

  private consumeReservation(operatorId: number | null): void {
    // The operator's own reservation first; otherwise the oldest one that names no operator.
    let index = operatorId === null ? -1 : this.reservations.findIndex((r) => r.operatorId === operatorId);
    if (index < 0) index = this.reservations.findIndex((r) => r.operatorId === null);
    if (index >= 0) this.reservations.splice(index, 1);
  }

  private dropExpired(nowMs: number): void {
    if (this.reservations.length) this.reservations = this.reservations.filter((r) => r.expiresAt > nowMs);
    for (const [id, until] of this.closedEarly) if (until <= nowMs) this.closedEarly.delete(id);
  }
}
