import type { Api } from '../../api.js';

/** A call as `GET /api/v1/calls` shows it (numbers already masked for masked roles). */
export interface CallItem {
  id: number;
  direction: 'inbound' | 'outbound' | 'internal';
  from: string | null;
  to: string | null;
  did: string | null;
  trunk: string | null;
  queue: string | null;
  operatorId: number | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  waitSec: number;
  talkSec: number;
  disposition: 'answered' | 'missed' | 'abandoned' | 'busy' | 'failed' | 'no_channel' | null;
  contactId: number | null;
  recording: { id: number; bytes: number; durationSec: number } | null;
}

export const isMissed = (c: CallItem) => c.direction === 'inbound' && (c.disposition === 'missed' || c.disposition === 'abandoned');
/** The other party's number as this viewer may see it. */
export const partyOf = (c: CallItem) => (c.direction === 'outbound' ? c.to : c.from);

/** Names of contacts by id, fetched once per page and shared by the rows. */
export class ContactNames {
  private readonly cache = new Map<number, Promise<string | null>>();
  constructor(private readonly api: Api) {}
  get(id: number): Promise<string | null> {
    let name = this.cache.get(id);
    if (!name) {
      name = this.api.get<{ name: string }>(`/api/v1/contacts/${id}`).then((c) => c.name, () => null);
      this.cache.set(id, name);
    }
    return name;
  }
}

/**
 * Call back through the appliance (click-to-call: the operator's phone rings first, then the
 * customer). By contact id when known, so masked viewers never need the number.
 */
export function callBack(api: Api, call: { contactId: number | null; number: string | null }): Promise<unknown> {
  if (call.contactId) return api.post('/api/v1/calls', { contactId: call.contactId });
  return api.post('/api/v1/calls', { number: call.number });
}

export function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}
