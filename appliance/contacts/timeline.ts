import type { SessionUser } from '../core/auth/sessions.js';

/**
 * One timeline per contact, assembled from sources that register themselves (calls, mail, chat,
 * notes…). A source returns items already shaped for the viewer: it masks phone numbers and
 * e-mail addresses with `app.deps.masking.forViewer(viewer)` and leaves out what the viewer may
 * not see. Items carry at least `type` and `at` (ISO time); anything else is the source's own.
 */
export interface TimelineItem {
  type: string;
  at: string;
  [field: string]: unknown;
}

export interface TimelinePage {
  limit: number;
  /** ISO time: only items strictly older than this. */
  before: string;
}

export interface TimelineSource {
  type: string;
  list(contactId: number, viewer: SessionUser, page: TimelinePage): Promise<TimelineItem[]> | TimelineItem[];
}

export class TimelineRegistry {
  private readonly sources = new Map<string, TimelineSource>();

  register(source: TimelineSource): void {
    if (this.sources.has(source.type)) throw new Error(`timeline source ${source.type} is registered twice`);
    this.sources.set(source.type, source);
  }

  types(): string[] {
    return [...this.sources.keys()];
  }

  /**
   * The newest `limit` items older than `before` over every source and every id the contact
   * absorbed by merging, returned oldest first (reading order). `nextBefore` pages further back.
   */
  async page(contactIds: readonly number[], viewer: SessionUser, page: TimelinePage): Promise<{ items: TimelineItem[]; nextBefore: string | null }> {
    // One more than a page from each source: only then does "is there more?" have an answer.
    const all = (await this.collect(contactIds, viewer, { ...page, limit: page.limit + 1 })).flat();
    all.sort(newestFirst);
    const newest = all.slice(0, page.limit);
    if (all.length <= page.limit || !newest.length) return { items: newest.reverse(), nextBefore: null };
    // The cursor is a time, so a page must not end inside a group of items sharing one instant
    // (notes added in the same millisecond): the group goes whole to the next page, whose cursor
    // is then just after that instant.
    const edge = all[page.limit]!.at;
    const oldest = newest[newest.length - 1]!.at;
    if (oldest !== edge) return { items: newest.reverse(), nextBefore: oldest };
    const before = newest.filter((item) => item.at !== edge);
    if (before.length) return { items: before.reverse(), nextBefore: new Date(Date.parse(edge) + 1).toISOString() };
    // The whole page is one instant: it is shown whole, however large, and the next page is older.
    return this.wholeInstant(contactIds, viewer, edge, page.limit);
  }

  private async wholeInstant(contactIds: readonly number[], viewer: SessionUser, at: string, limit: number) {
    const before = new Date(Date.parse(at) + 1).toISOString();
    for (let n = limit * 2 + 1; ; n *= 2) {
      const lists = await this.collect(contactIds, viewer, { before, limit: n });
      // A source's share of the instant is complete once it answered less than asked or reached past it.
      const complete = lists.every((list) => list.length < n || list[list.length - 1]!.at < at);
      if (complete || n > 100_000) {
        const flat = lists.flat();
        const items = flat.filter((item) => item.at === at);
        return { items, nextBefore: flat.some((item) => item.at < at) ? at : null };
      }
    }
  }

  private async collect(contactIds: readonly number[], viewer: SessionUser, page: TimelinePage): Promise<TimelineItem[][]> {
    const lists = await Promise.all(
      [...this.sources.values()].flatMap((source) => contactIds.map(async (id) => source.list(id, viewer, page))),
    );
    return lists.map((list) => list.filter((item) => typeof item?.at === 'string' && item.at < page.before).sort(newestFirst));
  }
}

function newestFirst(a: TimelineItem, b: TimelineItem): number {
  return a.at < b.at ? 1 : a.at > b.at ? -1 : 0;
}
