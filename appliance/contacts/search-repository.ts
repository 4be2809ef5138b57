import type { Statement } from 'better-sqlite3';
import type { Db } from '../core/db.js';

/**
 * One way a contact can match: a query returning contact ids in ascending order, each an index
 * range (a B-tree index or an FTS5 table), so a page reads about as many rows as it returns.
 * `col` is the ordered column (the table is aliased `s`); n-gram tables key rows contact_id * 64 + position (`grouped`).
 */
export interface MatchSource {
  from: string;
  col: string;
  grouped: boolean;
  params: unknown[];
  /**
   * Whether one contact matches, decided from its stored name key: asking FTS5 for one row of a
   * prefix query costs as much as the whole query.
   */
  matchesKey?: (nameKey: string) => boolean;
}

/** Best first: exact values, then word prefixes of the name, then fragments of numbers and addresses. */
export type Tier = 'exact' | 'prefix' | 'fragment';
export const TIERS: readonly Tier[] = ['exact', 'prefix', 'fragment'];

const ftsString = (s: string) => `"${s.replace(/"/g, '""')}"`;

export const sources = {
  nameExact: (key: string): MatchSource => ({ from: 'contacts s INDEXED BY contacts_live_name_key WHERE s.merged_into IS NULL AND s.name_key = ?', col: 's.id', grouped: false, params: [key] }),
  phoneExact: (e164: string): MatchSource => ({ from: 'contact_phones s WHERE s.e164 = ?', col: 's.contact_id', grouped: false, params: [e164] }),
  emailExact: (address: string): MatchSource => ({ from: 'contact_emails s WHERE s.address = ?', col: 's.contact_id', grouped: false, params: [address] }),
  tagExact: (fold: string): MatchSource => ({ from: 'contact_tags s WHERE s.tag_fold = ?', col: 's.contact_id', grouped: false, params: [fold] }),
  /** Every word of the query starts a word of the name (any order, any position). */
  namePrefix: (words: readonly string[]): MatchSource => ({
    from: 'contact_words s WHERE s.contact_words MATCH ?',
    col: 's.rowid',
    grouped: false,
    params: [words.map((w) => `${ftsString(w)}*`).join(' AND ')],
    matchesKey: (key) => {
      const own = key.split(' ');
      return words.every((w) => own.some((o) => o.startsWith(w)));
    },
  }),
  // GLOB, not LIKE: FTS5 answers a trigram GLOB from its index, a LIKE with ESCAPE by reading every row.
  phoneFragment: (digits: string): MatchSource => ({ from: 'contact_phone_grams s WHERE s.digits GLOB ?', col: 's.rowid', grouped: true, params: [`*${digits}*`] }),
  /** Null when the text holds GLOB's own characters (no address fragment search then). */
  emailFragment: (text: string): MatchSource | null =>
    /[*?[\]]/.test(text) ? null : { from: 'contact_email_grams s WHERE s.address GLOB ?', col: 's.rowid', grouped: true, params: [`*${text}*`] },
};

/** Filters every page of a search: a tag the contact carries, its owner, its status. */
export interface Narrowing {
  tagFold?: string;
  ownerId?: number;
  status?: 'lead' | 'client';
}

export interface SearchPlan {
  tiers: Partial<Record<Tier, MatchSource[]>>;
  /** Narrows every tier to contacts carrying this tag. */
  requireTagFold?: string;
  /** Narrows every tier to contacts of this owner and/or status. */
  requireOwnerId?: number;
  requireStatus?: 'lead' | 'client';
}

export interface SearchCursor {
  tier: number;
  after: number;
}

const GROUP = 64;

/**
 * Ranked, cursor-paged contact search over the search indexes (contacts/002). Within a tier
 * contacts come in id order, so a cursor (tier, last id) is stable while contacts are added,
 * edited or merged; a contact matching several tiers is shown once, in its best.
 */
export class ContactSearchRepository {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private stmt(sql: string): Statement {
    const cached = this.cache.get(sql);
    if (cached) return cached;
    const s = this.db.prepare(sql);
    if (this.cache.size > 200) this.cache.clear();
    this.cache.set(sql, s);
    return s;
  }

  private tagFilter(src: MatchSource, narrow: Narrowing): { sql: string; params: unknown[] } {
    const id = src.grouped ? `(${src.col} / ${GROUP})` : src.col;
    let sql = '';
    const params: unknown[] = [];
    if (narrow.tagFold !== undefined) (sql += ` AND EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = ${id} AND t.tag_fold = ?)`), params.push(narrow.tagFold);
    const own = narrowContact(narrow);
    if (own.where.length) (sql += ` AND EXISTS (SELECT 1 FROM contacts c WHERE c.id = ${id} AND ${own.where.map((w) => `c.${w}`).join(' AND ')})`), params.push(...own.params);
    return { sql, params };
  }

  /** Up to `limit` rows' contact ids after `after`, ascending (ids repeat for grouped sources); and whether the source may hold more. */
  private fetch(src: MatchSource, after: number, limit: number, narrow: Narrowing): { ids: number[]; full: boolean } {
    const tag = this.tagFilter(src, narrow);
    const id = src.grouped ? `${src.col} / ${GROUP}` : src.col;
    const sql = `SELECT ${id} AS cid FROM ${src.from} AND ${src.col} ${src.grouped ? '>=' : '>'} ?${tag.sql} ORDER BY ${src.col} LIMIT ?`;
    const bound = src.grouped ? (after + 1) * GROUP : after;
    const rows = this.stmt(sql).pluck().all(...src.params, bound, ...tag.params, limit) as number[];
    return { ids: rows.map(Number), full: rows.length === limit };
  }

  /** Does this contact match the source? (Used to show a contact only in its best tier.) */
  private holds(src: MatchSource, contactId: number): boolean {
    if (src.matchesKey) {
      const key = this.stmt('SELECT name_key FROM contacts WHERE id = ? AND merged_into IS NULL').pluck().get(contactId) as string | undefined;
      return key !== undefined && src.matchesKey(key);
    }
    // A range even for one id: FTS5 answers `MATCH ? AND rowid = ?` with every match, ignoring the rowid.
    const range = src.grouped ? [contactId * GROUP, contactId * GROUP + GROUP - 1] : [contactId, contactId];
    return this.stmt(`SELECT 1 FROM ${src.from} AND ${src.col} BETWEEN ? AND ? LIMIT 1`).get(...src.params, ...range) !== undefined;
  }

  /** The next ids of one tier after `after` (the union of its sources, each id once); `more` when the tier may hold others. */
  private tierPage(list: readonly MatchSource[], after: number, want: number, narrow: Narrowing): { ids: number[]; more: boolean } {
    let bound = Infinity;
    const all = new Set<number>();
    for (const src of list) {
      // A grouped source may return one contact several times; read a little more to fill the page.
      const limit = src.grouped ? want * 2 + 8 : want;
      const { ids, full } = this.fetch(src, after, limit, narrow);
      for (const id of ids) all.add(id);
      if (full) bound = Math.min(bound, ids[ids.length - 1]!);
    }
    const sorted = [...all].filter((id) => id <= bound).sort((a, b) => a - b);
    const ids = sorted.slice(0, want);
    return { ids, more: bound !== Infinity || sorted.length > want };
  }

  /** Contact ids for one page, best tier first, and the cursor of the next page (null when this was the last). */
  page(plan: SearchPlan, cursor: SearchCursor, limit: number): { ids: number[]; next: SearchCursor | null } {
    const tiers = TIERS.map((t) => plan.tiers[t] ?? []);
    const out: number[] = [];
    let { tier, after } = cursor;
    while (tier < tiers.length && out.length < limit) {
      const list = tiers[tier]!;
      if (list.length === 0) {
        tier++;
        after = 0;
        continue;
      }
      const narrow = { tagFold: plan.requireTagFold, ownerId: plan.requireOwnerId, status: plan.requireStatus };
      const { ids, more } = this.tierPage(list, after, limit - out.length, narrow);
      for (const id of ids) {
        const better = tiers.slice(0, tier).some((higher) => higher.some((src) => this.holds(src, id)));
        if (!better) out.push(id);
      }
      if (ids.length) after = ids[ids.length - 1]!;
      if (!more) {
        tier++;
        after = 0;
      }
    }
    while (tier < tiers.length && tiers[tier]!.length === 0 && after === 0) tier++;
    return { ids: out, next: tier < tiers.length ? { tier, after } : null };
  }

  /** Every live contact by name (no query): a page after (name_fold, id), in name order. */
  byName(after: { name: string; id: number } | null, limit: number, narrow: Narrowing): { id: number; name_fold: string }[] {
    const where = ['merged_into IS NULL'];
    const params: unknown[] = [];
    if (after) (where.push('(name_fold > ? OR (name_fold = ? AND id > ?))'), params.push(after.name, after.name, after.id));
    if (narrow.tagFold !== undefined) (where.push('EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = contacts.id AND t.tag_fold = ?)'), params.push(narrow.tagFold));
    const own = narrowContact(narrow);
    where.push(...own.where);
    params.push(...own.params);
    const sql = `SELECT id, name_fold FROM contacts INDEXED BY contacts_live_name WHERE ${where.join(' AND ')} ORDER BY name_fold, id LIMIT ?`;
    return this.stmt(sql).all(...params, limit) as { id: number; name_fold: string }[];
  }
}

/** The owner and status conditions on a contacts row (column names, parameters in order). */
function narrowContact(narrow: Narrowing): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (narrow.ownerId !== undefined) (where.push('owner_id = ?'), params.push(narrow.ownerId));
  if (narrow.status !== undefined) (where.push('status = ?'), params.push(narrow.status));
  return { where, params };
}
