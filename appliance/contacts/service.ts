import './errors.js';
import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import type { EventBus } from '../core/events.js';
import { AppError } from '../core/errors.js';
import { ContactsRepository, type Contact, type ContactKind, type ContactStatus, type NoteRow } from './repository.js';
import { ContactSearchRepository, sources, type SearchCursor, type SearchPlan } from './search-repository.js';
import { phoneSearchDigits, searchKey, searchWords } from './search-keys.js';
import { checkName, digitsOf, fold, normaliseEmail, normaliseEmails, normalisePhones, normaliseTags, toE164 } from './values.js';

declare module '../core/events.js' {
  interface DomainEvents {
    'contact.created': { contactId: number; actorId: number | null };
    'contact.updated': { contactId: number; actorId: number | null };
    /** `mergedId` now points at `keptId`; capabilities holding contact ids may re-point theirs. */
    'contact.merged': { keptId: number; mergedId: number; actorId: number | null };
    'contact.note_added': { contactId: number; noteId: number; actorId: number | null };
  }
}

export interface ContactInput {
  name: string;
  kind?: ContactKind;
  phones?: readonly string[];
  emails?: readonly string[];
  tags?: readonly string[];
  status?: ContactStatus;
  ownerId?: number | null;
}

export type ContactPatch = Partial<ContactInput>;

/** What a search may use: masked viewers may find by a full number or address, never by a fragment. */
export interface SearchOptions {
  q?: string;
  tag?: string;
  limit: number;
  offset: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
  masked: boolean;
}

/** Runs inside the merge transaction, so a capability's own re-pointing commits or fails with it. */
export type MergeHandler = (keptId: number, mergedId: number) => void;

/** Contacts: the domain rules; SQL lives in the repository. Values are raw here; routes mask. */
export class ContactsService {
  private readonly repo: ContactsRepository;
  private readonly searchRepo: ContactSearchRepository;
  private readonly mergeHandlers: MergeHandler[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly bus: EventBus,
  ) {
    this.repo = new ContactsRepository(db);
    this.searchRepo = new ContactSearchRepository(db);
  }

  /** The live contact with this raw number (any format; Ukrainian default region), or null. */
  matchPhone(raw: string): { id: number } | null {
    const e164 = toE164(raw);
    if (!e164) return null;
    const id = this.repo.matchPhone(e164);
    return id === null ? null : { id };
  }

  matchEmail(address: string): { id: number } | null {
    const normal = normaliseEmail(address);
    if (!normal) return null;
    const id = this.repo.matchEmail(normal);
    return id === null ? null : { id };
  }

  /** For calls and mail from unknown people: a lead with whatever is known; bad values are dropped, not fatal. */
  createLead(input: { name: string; phones?: readonly string[]; emails?: readonly string[] }, actorId: number | null = null): { id: number } {
    const phones = (input.phones ?? []).map((p) => toE164(p)).filter((p): p is string => p !== null);
    const emails = (input.emails ?? []).map((e) => normaliseEmail(e)).filter((e): e is string => e !== null);
    let name: string;
    try {
      name = checkName(input.name.slice(0, 200));
    } catch {
      name = phones[0] ?? emails[0] ?? '?';
    }
    return { id: this.create({ name, phones, emails, status: 'lead' }, actorId).id };
  }

  /** The live contact (following merges), raw values, or null. */
  get(id: number): Contact | null {
    const row = this.repo.resolve(id);
    return row ? this.repo.load(row) : null;
  }

  require(id: number): Contact {
    const contact = this.get(id);
    if (!contact) throw new AppError('CONTACT_NOT_FOUND', { id: String(id) });
    return contact;
  }

  /** Checks every value first, then writes everything in one transaction. */
  create(input: ContactInput, actorId: number | null): Contact {
    const prepared = this.prepare(input);
    const now = this.clock.now().toISOString();
    const id = this.db.transaction(() => {
      const newId = this.repo.insert(prepared.row, now);
      this.repo.addPhones(newId, prepared.phones ?? [], 0);
      this.repo.addEmails(newId, prepared.emails ?? [], 0);
      this.repo.addTags(newId, prepared.tags ?? []);
      this.audit.record({ actorId, action: 'contact.create', targetType: 'contact', targetId: newId });
      return newId;
    })();
    this.bus.publish('contact.created', { contactId: id, actorId });
    return this.require(id);
  }

  /** Many contacts in one transaction: all are stored or none. */
  createMany(inputs: readonly ContactInput[], actorId: number | null): number[] {
    const prepared = inputs.map((input) => this.prepare(input));
    const now = this.clock.now().toISOString();
    const ids = this.db.transaction(() =>
      prepared.map((p) => {
        const id = this.repo.insert(p.row, now);
        this.repo.addPhones(id, p.phones ?? [], 0);
        this.repo.addEmails(id, p.emails ?? [], 0);
        this.repo.addTags(id, p.tags ?? []);
        return id;
      }),
    )();
    this.audit.record({ actorId, action: 'contact.import', targetType: 'contact', details: { count: ids.length } });
    for (const id of ids) this.bus.publish('contact.created', { contactId: id, actorId });
    return ids;
  }

  /** Validates one input without storing it (CSV import reports every row's errors at once). */
  check(input: ContactInput): void {
    this.prepare(input);
  }

  update(id: number, patch: ContactPatch, actor: { id: number; masked: boolean }): Contact {
    const current = this.require(id);
    // A masked viewer cannot see what they would overwrite.
    if (actor.masked && (patch.phones !== undefined || patch.emails !== undefined)) throw new AppError('MASKED_FIELD_READONLY');
    const prepared = this.prepare({
      name: patch.name ?? current.name,
      kind: patch.kind ?? current.kind,
      status: patch.status ?? current.status,
      ownerId: patch.ownerId === undefined ? current.ownerId : patch.ownerId,
      phones: patch.phones,
      emails: patch.emails,
      tags: patch.tags,
    }, current.ownerId);
    const now = this.clock.now().toISOString();
    this.db.transaction(() => {
      this.repo.update(current.id, prepared.row, now);
      if (prepared.phones) this.repo.replacePhones(current.id, prepared.phones);
      if (prepared.emails) this.repo.replaceEmails(current.id, prepared.emails);
      if (prepared.tags) this.repo.replaceTags(current.id, prepared.tags);
      this.audit.record({ actorId: actor.id, action: 'contact.update', targetType: 'contact', targetId: current.id, details: { fields: Object.keys(patch) } });
    })();
    this.bus.publish('contact.updated', { contactId: current.id, actorId: actor.id });
    return this.require(current.id);
  }

  search(options: SearchOptions): Contact[] {
    return this.searchPage(options).items;
  }

  /**
   * Ranked search (exact values, then name-word prefixes, then number and address fragments),
   * paged by an opaque cursor; `offset` still works but costs what it skips.
   */
  searchPage(options: SearchOptions): { items: Contact[]; nextCursor: string | null } {
    const q = options.q?.trim() ?? '';
    const tag = options.tag?.trim() ? fold(options.tag.trim()) : undefined;
    const want = options.limit + options.offset;
    let ids: number[];
    let next: string | null;
    if (!q) {
      const after = options.cursor ? decodeCursor(options.cursor, 'name') : null;
      const rows = this.searchRepo.byName(after, want, tag);
      const last = rows[rows.length - 1];
      ids = rows.map((r) => r.id);
      next = rows.length === want && last ? encodeCursor({ name: last.name_fold, id: last.id }) : null;
    } else {
      const plan = searchPlan(q, options.masked, tag);
      if (!plan) return { items: [], nextCursor: null };
      const start = options.cursor ? decodeCursor(options.cursor, 'tier') : { tier: 0, after: 0 };
      const page = this.searchRepo.page(plan, start, want);
      ids = page.ids;
      next = page.next && page.ids.length === want ? encodeCursor(page.next) : null;
    }
    const items = ids.slice(options.offset).map((id) => this.repo.row(id)).filter((r): r is NonNullable<typeof r> => r !== undefined).map((r) => this.repo.load(r));
    return { items, nextCursor: next };
  }

  /** Streams every live contact in id order, in batches. */
  *all(batchSize = 500): Generator<Contact> {
    let after = 0;
    for (;;) {
      const rows = this.repo.batchAfter(after, batchSize);
      if (!rows.length) return;
      for (const row of rows) yield this.repo.load(row);
      after = rows[rows.length - 1]!.id;
    }
  }

  /** `otherId` is folded into `keptId` (values, tags, notes, anything merge handlers move) in one transaction. */
  merge(keptId: number, otherId: number, actorId: number): Contact {
    const kept = this.require(keptId);
    const other = this.require(otherId);
    if (kept.id === other.id) throw new AppError('MERGE_SAME_CONTACT');
    const now = this.clock.now().toISOString();
    this.db.transaction(() => {
      const phones = other.phones.filter((p) => !kept.phones.includes(p));
      const emails = other.emails.filter((e) => !kept.emails.includes(e));
      this.repo.addPhones(kept.id, phones.map((e164) => ({ e164, digits: phoneSearchDigits(e164) })), kept.phones.length);
      this.repo.addEmails(kept.id, emails, kept.emails.length);
      this.repo.addTags(kept.id, other.tags.map((tag) => ({ tag, fold: fold(tag) })));
      this.repo.moveNotes(other.id, kept.id);
      this.repo.markMerged(other.id, kept.id, now);
      if (kept.ownerId === null && other.ownerId !== null) {
        this.repo.update(kept.id, { kind: kept.kind, name: kept.name, nameFold: fold(kept.name), status: kept.status, ownerId: other.ownerId }, now);
      }
      if (other.status === 'client' && kept.status === 'lead') {
        const latest = this.require(kept.id);
        this.repo.update(kept.id, { kind: latest.kind, name: latest.name, nameFold: fold(latest.name), status: 'client', ownerId: latest.ownerId }, now);
      }
      this.repo.touch(kept.id, now);
      for (const handler of this.mergeHandlers) handler(kept.id, other.id);
      this.audit.record({ actorId, action: 'contact.merge', targetType: 'contact', targetId: kept.id, details: { mergedId: other.id } });
    })();
    this.bus.publish('contact.merged', { keptId: kept.id, mergedId: other.id, actorId });
    return this.require(kept.id);
  }

  onMerge(handler: MergeHandler): void {
    this.mergeHandlers.push(handler);
  }

  /** The contact's id and every id merged into it: timeline sources are asked for all of them. */
  idsOf(id: number): number[] {
    const contact = this.require(id);
    return [contact.id, ...this.repo.mergedInto(contact.id)];
  }

  addNote(contactId: number, body: string, authorId: number): NoteRow {
    const contact = this.require(contactId);
    if (!body.trim()) throw new AppError('NOTE_INVALID');
    const now = this.clock.now().toISOString();
    const note = this.db.transaction(() => {
      const row = this.repo.insertNote(contact.id, authorId, body, now);
      this.repo.touch(contact.id, now);
      this.audit.record({ actorId: authorId, action: 'contact.note', targetType: 'contact', targetId: contact.id, details: { noteId: row.id } });
      return row;
    })();
    this.bus.publish('contact.note_added', { contactId: contact.id, noteId: note.id, actorId: authorId });
    return note;
  }

  noteById(id: number): NoteRow | null {
    return this.repo.noteById(id);
  }

  notesBefore(contactIds: readonly number[], before: string, limit: number): NoteRow[] {
    return this.repo.notesBefore(contactIds, before, limit);
  }

  /**
   * Offboarding: every live contact of `fromUserId` goes to `toUserId` (or to nobody). Synchronous
   * so the users capability can run it inside its deactivation transaction.
   */
  handOver(fromUserId: number, toUserId: number | null): number {
    return this.repo.handOver(fromUserId, toUserId, this.clock.now().toISOString());
  }

  countOwnedBy(userId: number): number {
    return this.repo.countOwned(userId);
  }

  activeUserByName(username: string): number | null {
    return this.repo.activeUserByName(username);
  }

  private prepare(input: ContactInput, currentOwnerId: number | null = null) {
    const name = checkName(input.name);
    const ownerId = input.ownerId ?? null;
    // Keeping the owner one already has is fine even if they were deactivated since.
    if (ownerId !== null && ownerId !== currentOwnerId && !this.repo.isActiveUser(ownerId)) throw new AppError('OWNER_UNKNOWN', { id: String(ownerId) });
    return {
      row: { kind: input.kind ?? 'person', name, nameFold: fold(name), status: input.status ?? 'lead', ownerId },
      phones: input.phones === undefined ? undefined : normalisePhones(input.phones).map((e164) => ({ e164, digits: phoneSearchDigits(e164) })),
      emails: input.emails === undefined ? undefined : normaliseEmails(input.emails),
      tags: input.tags === undefined ? undefined : normaliseTags(input.tags).map((tag) => ({ tag, fold: fold(tag) })),
    };
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
