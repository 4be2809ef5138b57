import './errors.js';
import { AppError } from '../core/errors.js';
import type { Db } from '../core/db.js';
import { ContactsRepository, type Contact } from './repository.js';
import { ContactSearchRepository, sources, type SearchCursor, type SearchPlan } from './search-repository.js';
import { searchKey, searchWords } from './search-keys.js';
import { digitsOf, fold, normaliseEmail, toE164 } from './values.js';

/** What a search may use: masked viewers may find by a full number or address, never by a fragment. */
export interface SearchOptions {
  q?: string;
  tag?: string;
  /** Only contacts this user owns. */
  owner?: number;
  status?: 'lead' | 'client';
  limit: number;
  offset: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
  masked: boolean;
}

/**
 * A search as the finder takes it: plain data (it crosses to a search thread), the cursor
 * already decoded, so a bad cursor is refused before any thread is asked.
 */
export interface SearchRequest {
  q: string;
  tagFold?: string;
  ownerId?: number;
  status?: 'lead' | 'client';
  limit: number;
  offset: number;
  masked: boolean;
  after: { name: string; id: number } | SearchCursor | null;
}

export interface SearchResult {
  items: Contact[];
  nextCursor: string | null;
}

export function searchRequest(options: SearchOptions): SearchRequest {
  const q = options.q?.trim() ?? '';
  const tag = options.tag?.trim();
  const after = options.cursor ? (q ? decodeCursor(options.cursor, 'tier') : decodeCursor(options.cursor, 'name')) : null;
  return {
    q,
    ...(tag ? { tagFold: fold(tag) } : {}),
    ...(options.owner !== undefined ? { ownerId: options.owner } : {}),
    ...(options.status !== undefined ? { status: options.status } : {}),
    limit: options.limit,
    offset: options.offset,
    masked: options.masked,
    after,
  };
}

/**
 * Runs searches on one connection (the main one, or a search thread's read-only one): ranked
 * (exact values, then name-word prefixes, then number and address fragments), paged by an
 * opaque cursor; `offset` still works but costs what it skips.
 */
export class ContactFinder {
  private readonly repo: ContactsRepository;
  private readonly searchRepo: ContactSearchRepository;

  constructor(db: Db) {
    this.repo = new ContactsRepository(db);
    this.searchRepo = new ContactSearchRepository(db);
  }

  find(request: SearchRequest): SearchResult {
    const { q, tagFold } = request;
    const narrow = { tagFold, ownerId: request.ownerId, status: request.status };
    const want = request.limit + request.offset;
    let ids: number[];
    let next: string | null;
    if (!q) {
      const after = request.after && 'name' in request.after ? request.after : null;
      const rows = this.searchRepo.byName(after, want, narrow);
      const last = rows[rows.length - 1];
      ids = rows.map((r) => r.id);
      next = rows.length === want && last ? encodeCursor({ name: last.name_fold, id: last.id }) : null;
    } else {
      const found = searchPlan(q, request.masked, tagFold);
      if (!found) return { items: [], nextCursor: null };
      const plan = { ...found, ...(narrow.ownerId !== undefined ? { requireOwnerId: narrow.ownerId } : {}), ...(narrow.status ? { requireStatus: narrow.status } : {}) };
      const start = request.after && 'tier' in request.after ? request.after : { tier: 0, after: 0 };
      const page = this.searchRepo.page(plan, start, want);
      ids = page.ids;
      next = page.next && page.ids.length === want ? encodeCursor(page.next) : null;
    }
    const items = ids.slice(request.offset).map((id) => this.repo.row(id)).filter((r): r is NonNullable<typeof r> => r !== undefined).map((r) => this.repo.load(r));
    return { items, nextCursor: next };
  }
}

const PHONE_TEXT = /^[+\d\s().-]+$/;

/**
 * What a query may match, by tier. A full phone number is the exact normalised-number lookup
 * and nothing else (the incoming-call card asks this way). Masked viewers find a contact only
 * by a full number or address: fragments would let them guess hidden digits one at a time, and
 * a name holding three digits (leads made from calls are named by their number) is no search
 * for them either.
 */
export function searchPlan(q: string, masked: boolean, requireTagFold?: string): SearchPlan | null {
  const base = requireTagFold === undefined ? {} : { requireTagFold };
  const phoneLike = PHONE_TEXT.test(q);
  const e164 = phoneLike ? toE164(q) : null;
  if (e164) return { ...base, tiers: { exact: [sources.phoneExact(e164)] } };
  const exact = [];
  const prefix = [];
  const fragment = [];
  const nameAllowed = !(masked && /\d{3}/.test(digitsOf(q)));
  const words = searchWords(q);
  if (nameAllowed && words.length) {
    exact.push(sources.nameExact(searchKey(q)));
    prefix.push(sources.namePrefix(words));
  }
  if (nameAllowed) exact.push(sources.tagExact(fold(q)));
  const email = normaliseEmail(q);
  if (email) exact.push(sources.emailExact(email));
  if (!masked) {
    const digits = digitsOf(q);
    if (phoneLike && digits.length >= 3) fragment.push(sources.phoneFragment(digits));
    const address = !email && q.length >= 3 ? sources.emailFragment(q.toLowerCase()) : null;
    if (address) fragment.push(address);
  }
  if (!exact.length && !prefix.length && !fragment.length) return null;
  return { ...base, tiers: { exact, prefix, fragment } };
}

type CursorKind = 'name' | 'tier';

function encodeCursor(c: SearchCursor | { name: string; id: number }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string, kind: 'name'): { name: string; id: number };
function decodeCursor(raw: string, kind: 'tier'): SearchCursor;
function decodeCursor(raw: string, kind: CursorKind): SearchCursor | { name: string; id: number } {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('SEARCH_CURSOR_INVALID');
  }
  const o = c as Record<string, unknown>;
  const int = (v: unknown, max: number) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (kind === 'name' && o && typeof o.name === 'string' && int(o.id, Number.MAX_SAFE_INTEGER)) return { name: o.name, id: o.id as number };
  if (kind === 'tier' && o && int(o.tier, 2) && int(o.after, Number.MAX_SAFE_INTEGER)) return { tier: o.tier as number, after: o.after as number };
  throw new AppError('SEARCH_CURSOR_INVALID');
}
