import type { Api } from '../../api.js';

export interface Address {
  name: string;
  address: string | null;
}

/** A message as `GET /api/v1/messages` lists it (addresses masked for masked roles). */
export interface MessageItem {
  id: number;
  messageId: string;
  threadId: number;
  mailboxId: number | null;
  direction: 'in' | 'out' | string;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  date: string | null;
  receivedAt: string;
  assigneeId: number | null;
  originalAssigneeId: number | null;
  contactIds: number[];
  attachments: Array<{ name: string; bytes: number; contentType: string }>;
  routing?: { rule: string | null; delegated: boolean };
}

export interface MessageDetail extends MessageItem {
  text: string;
}

export type ThreadState = 'new' | 'waiting' | 'answered';

/** One conversation: its messages oldest first, and what the list shows about it. */
export interface Thread {
  id: number;
  subject: string;
  messages: MessageItem[];
  last: MessageItem;
  /** The customer's latest message still without our answer after it. */
  waitingSince: string | null;
  state: ThreadState;
  assigneeId: number | null;
  delegatedFrom: number | null;
  attachments: number;
}

export const partyName = (a: Address | null | undefined) => (a ? a.name || a.address || '' : '');

/** Groups messages into threads, newest activity first. */
export function threads(items: MessageItem[]): Thread[] {
  const byThread = new Map<number, MessageItem[]>();
  for (const m of items) {
    const list = byThread.get(m.threadId) ?? [];
    list.push(m);
    byThread.set(m.threadId, list);
  }
  const result: Thread[] = [];
  for (const [id, list] of byThread) {
    list.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id - b.id));
    const last = list.at(-1)!;
    const lastOut = list.filter((m) => m.direction === 'out').at(-1);
    const firstUnanswered = list.find((m) => m.direction === 'in' && (!lastOut || m.receivedAt > lastOut.receivedAt));
    const inbound = list.filter((m) => m.direction === 'in').at(-1) ?? last;
    result.push({
      id,
      subject: last.subject,
      messages: list,
      last,
      waitingSince: firstUnanswered?.receivedAt ?? null,
      state: firstUnanswered ? (lastOut ? 'waiting' : 'new') : 'answered',
      assigneeId: inbound.assigneeId,
      delegatedFrom: inbound.originalAssigneeId && inbound.originalAssigneeId !== inbound.assigneeId ? inbound.originalAssigneeId : null,
      attachments: list.reduce((n, m) => n + m.attachments.length, 0),
    });
  }
  return result.sort((a, b) => (a.last.receivedAt < b.last.receivedAt ? 1 : -1));
}

export function loadMessages(api: Api): Promise<MessageItem[]> {
  return api.get<{ items: MessageItem[] }>('/api/v1/messages?limit=200').then((r) => r.items);
}

/** Display names of users by id (assignees, "on behalf of"), fetched once. */
export class UserNames {
  private readonly cache = new Map<number, Promise<string | null>>();
  constructor(private readonly api: Api) {}
  get(id: number): Promise<string | null> {
    let name = this.cache.get(id);
    if (!name) {
      name = this.api.get<{ displayName: string }>(`/api/v1/users/${id}`).then((u) => u.displayName, () => null);
      this.cache.set(id, name);
    }
    return name;
  }
}

export function bytes(n: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(language, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: v < 10 && i > 0 ? 1 : 0 }).format(v);
}
