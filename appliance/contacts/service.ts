import './errors.js';
import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import type { EventBus } from '../core/events.js';
import { AppError } from '../core/errors.js';
export { searchPlan, type SearchOptions } from './search.js';
import type { SearchOptions } from './search.js';
import { ContactsRepository, type Contact, type ContactKind, type ContactStatus, type NoteRow } from './repository.js';
import { phoneSearchDigits } from './search-keys.js';
import { ContactFinder, searchRequest, type SearchResult } from './search.js';
import type { SearchPool } from './search-pool.js';
import { checkName, fold, normaliseEmail, normaliseEmails, normalisePhones, normaliseTags, toE164 } from './values.js';

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

/** Below this many contacts a search takes a few milliseconds and runs on the event loop. */
export const SEARCH_THREADS_FROM = 20_000;

/** A contact checked and normalised, ready to store. */
export interface PreparedContact {
  row: { kind: ContactKind; name: string; nameFold: string; status: ContactStatus; ownerId: number | null };
  phones?: { e164: string; digits: string }[];
  emails?: string[];
  tags?: { tag: string; fold: string }[];
}

/** Runs inside the merge transaction, so a capability's own re-pointing commits or fails with it. */
export type MergeHandler = (keptId: number, mergedId: number) => void;

/** Contacts: the domain rules; SQL lives in the repository. Values are raw here; routes mask. */
export class ContactsService {
  private readonly repo: ContactsRepository;
  private readonly finder: ContactFinder;
  private readonly mergeHandlers: MergeHandler[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly bus: EventBus,
    /** Search threads (a file database); without them searches run on this thread. */
    private readonly pool: SearchPool | null = null,
    /** From how many contacts (the highest id) searches go to the threads. */
    private readonly threadsFrom = SEARCH_THREADS_FROM,
  ) {
    this.repo = new ContactsRepository(db);
    this.finder = new ContactFinder(db);
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
    return this.createPrepared(inputs.map((input) => this.prepare(input)), actorId);
  }

  /** Checks and normalises one input without storing it; `createPrepared` stores what this returns, so each row is normalised once. */
  prepareInput(input: ContactInput): PreparedContact {
    return this.prepare(input);
  }

  /** Contacts `prepareInput` checked, in one transaction: all are stored or none. */
  createPrepared(prepared: readonly PreparedContact[], actorId: number | null): number[] {
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

  /** On this thread (tests, tools); requests use `searchAsync`. */
  search(options: SearchOptions): Contact[] {
    return this.searchPage(options).items;
  }

  /**
   * Ranked search (exact values, then name-word prefixes, then number and address fragments),
   * paged by an opaque cursor; `offset` still works but costs what it skips. Runs on this thread.
   */
  searchPage(options: SearchOptions): SearchResult {
    return this.finder.find(searchRequest(options));
  }

  /** The same search on the search threads' read-only connections when there are any, so a long search never holds the event loop. */
  /** Tag suggestions for a typed prefix, the most used first. */
  tagSuggestions(prefix: string, limit: number): { tag: string; count: number }[] {
    const folded = fold(prefix.trim());
    return folded ? this.repo.tagsStartingWith(folded, limit) : [];
  }

  searchAsync(options: SearchOptions): Promise<SearchResult> {
    const request = searchRequest(options);
    // A small base is searched here in a few milliseconds: no thread is started for it.
    const large = this.pool !== null && this.repo.topId() >= this.threadsFrom;
    return large ? this.pool!.find(request) : Promise.resolve(this.finder.find(request));
  }

  /** Search threads running now (0 when searches run on this thread). */
  get searchThreads(): number {
    return this.pool?.threads ?? 0;
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

  private prepare(input: ContactInput, currentOwnerId: number | null = null): PreparedContact {
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
