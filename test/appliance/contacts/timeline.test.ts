import { expect } from 'chai';
import { TimelineRegistry, type TimelineItem, type TimelinePage } from '../../../appliance/contacts/timeline.js';
import type { SessionUser } from '../../../appliance/core/auth/sessions.js';

const viewer = { id: 1, role: 'operator' } as unknown as SessionUser;

/** A source over a fixed list, answering as the SQL sources do: newest first, strictly older than `before`. */
function sourceOf(type: string, items: TimelineItem[]) {
  return {
    type,
    list: (_id: number, _viewer: SessionUser, page: TimelinePage) =>
      items.filter((i) => i.at < page.before).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, page.limit),
  };
}

async function readAll(registry: TimelineRegistry, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let before = '9999-12-31T23:59:59.999Z';
  for (let pages = 0; pages < 100; pages++) {
    const page = await registry.page([1], viewer, { limit, before });
    seen.unshift(...page.items.map((i) => String(i.text)));
    if (!page.nextBefore) return seen;
    before = page.nextBefore;
  }
  throw new Error('the timeline never ended');
}

describe('contact timeline paging', () => {
  it('loses no item when a page ends inside a group of items sharing one instant', async () => {
    // Three notes per millisecond, as a script adding notes quickly leaves them, plus calls between.
    const notes: TimelineItem[] = [];
    for (let i = 0; i < 60; i++) notes.push({ type: 'note', at: new Date(Date.UTC(2026, 0, 1, 9, 0, 0, Math.floor(i / 3))).toISOString(), text: `note ${i}` });
    const calls: TimelineItem[] = [];
    for (let i = 0; i < 7; i++) calls.push({ type: 'call', at: new Date(Date.UTC(2026, 0, 1, 9, 0, 0, i * 3)).toISOString(), text: `call ${i}` });
    const registry = new TimelineRegistry();
    registry.register(sourceOf('note', notes));
    registry.register(sourceOf('call', calls));
    for (const limit of [2, 4, 5, 10, 50]) {
      const all = await readAll(registry, limit);
      expect(all, `limit ${limit}`).to.have.length(67);
      expect(new Set(all).size, `limit ${limit}`).to.equal(67);
    }
  });

  it('says there is nothing more when the last page is full to the item', async () => {
    const registry = new TimelineRegistry();
    registry.register(sourceOf('note', [0, 1, 2, 3].map((i) => ({ type: 'note', at: `2026-01-01T09:00:0${i}.000Z`, text: `n${i}` }))));
    const first = await registry.page([1], viewer, { limit: 2, before: '2027-01-01T00:00:00.000Z' });
    expect(first.items.map((i) => i.text)).to.deep.equal(['n2', 'n3']);
    const second = await registry.page([1], viewer, { limit: 2, before: first.nextBefore! });
    expect(second.items.map((i) => i.text)).to.deep.equal(['n0', 'n1']);
    expect(second.nextBefore).to.equal(null);
  });
});
