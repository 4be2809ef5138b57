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
    const lists = await Promise.all(
      // One more than a page from each source: only then does "is there more?" have an answer.
      [...this.sources.values()].flatMap((source) => contactIds.map(async (id) => source.list(id, viewer, { ...page, limit: page.limit + 1 }))),
    );
    const all = lists.flat().filter((item) => typeof item?.at === 'string' && item.at < page.before);
    all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    const newest = all.slice(0, page.limit);
    const more = all.length > page.limit;
    newest.reverse();
    return { items: newest, nextBefore: more && newest.length ? newest[0]!.at : null };
  }
}
