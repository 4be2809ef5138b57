import type { DialogKind, OpenDialog } from './dialog-counter.js';

/**
 * The dialog events licensing counts, published on the bus by the capabilities that own
 * dialogs (calls, chat). Payloads are checked here because they come from other capabilities:
 *   'dialog.opened'   {dialogId, kind: 'call'|'chat', operatorId, at}  — an operator joined the dialog
 *   'dialog.closed'   {dialogId, at}                                   — the dialog ended
 *   'dialog.snapshot' {kind, dialogs: [{dialogId, operatorId, at}], at} — every dialog of that kind
 *                      open right now (after a reconnect/restart); replaces what was counted
 * `at` may be an ISO string or a Date.
 */
export interface DialogOpenedEvent {
  dialogId: string;
  kind: DialogKind;
  operatorId: number | null;
  at: string;
}

const isKind = (v: unknown): v is DialogKind => v === 'call' || v === 'chat';

function time(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return null;
}

function operator(v: unknown): number | null | undefined {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function dialogId(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export function parseDialogOpened(p: unknown): DialogOpenedEvent | null {
  if (typeof p !== 'object' || p === null) return null;
  const r = p as Record<string, unknown>;
  const id = dialogId(r.dialogId);
  const at = time(r.at);
  const op = operator(r.operatorId);
  if (!id || !isKind(r.kind) || !at || op === undefined) return null;
  return { dialogId: id, kind: r.kind, operatorId: op, at };
}

export function parseDialogClosed(p: unknown): { dialogId: string } | null {
  if (typeof p !== 'object' || p === null) return null;
  const id = dialogId((p as Record<string, unknown>).dialogId);
  return id ? { dialogId: id } : null;
}

export function parseDialogSnapshot(p: unknown): { kind: DialogKind; dialogs: OpenDialog[] } | null {
  if (typeof p !== 'object' || p === null) return null;
  const r = p as Record<string, unknown>;
  if (!isKind(r.kind) || !Array.isArray(r.dialogs)) return null;
  const dialogs: OpenDialog[] = [];
  for (const d of r.dialogs) {
    const parsed = parseDialogOpened({ ...(d as object), kind: r.kind });
    if (!parsed) return null;
    dialogs.push({ dialogId: parsed.dialogId, kind: parsed.kind, operatorId: parsed.operatorId, openedAt: parsed.at });
  }
  return { kind: r.kind, dialogs };
}
