import type { Clock } from '../core/clock.js';
import { targetText } from './fields.js';
import { findKind } from './kinds/index.js';
import { TrunkFieldError, type PublicValue, type StoredTrunk, type TrunkKind } from './model.js';
import type { TrunkRepository } from './repository.js';
import { parseTrunk } from './validation.js';

export class TrunkNotFoundError extends Error {
  constructor(readonly id: string | number) {
    super(`there is no trunk ${id}`);
    this.name = 'TrunkNotFoundError';
  }
}

/** What an admin sees of a trunk: everything but its secrets. */
export interface TrunkView {
  id: number;
  name: string;
  kind: string;
  label: string;
  endpoints: string[];
  dids: { did: string; target: string; channel: number | null }[];
  outbound: { prefix: string; strip: number; prepend: string; priority: number }[];
  settings: Record<string, PublicValue>;
  createdAt: string;
}

/** Trunk use cases shared by the admin API and `contactbox trunk`. */
export class TrunkService {
  constructor(
    private readonly repo: TrunkRepository,
    private readonly kinds: readonly TrunkKind[],
    private readonly clock: Clock,
  ) {}

  list(): StoredTrunk[] {
    return this.repo.list();
  }

  get(idOrName: number | string): StoredTrunk {
    const t = this.repo.find(idOrName);
    if (!t) throw new TrunkNotFoundError(idOrName);
    return t;
  }

  /** Checks `input` against the kind and every other trunk, then stores it; nothing is stored on a bad field. */
  add(input: Readonly<Record<string, unknown>>): StoredTrunk {
    const definition = parseTrunk(input, this.repo.list(), this.kinds);
    try {
      return this.repo.insert(definition, this.clock.now());
    } catch (err) {
      // Two writers racing on the same DID or name: the database's constraint has the last word.
      const msg = String((err as Error).message);
      if (/trunk_dids\.did/.test(msg)) throw new TrunkFieldError('dids', 'one of these DIDs was just added to another trunk', 'TRUNK_DUPLICATE_DID');
      if (/trunks\.name/.test(msg)) throw new TrunkFieldError('name', `a trunk named "${definition.name}" already exists`, 'TRUNK_DUPLICATE_NAME');
      throw err;
    }
  }

  /**
   * Replaces a trunk's settings, DIDs and routes with `input` (checked like an add, against the
   * other trunks). The kind stays; secrets left out are kept. Returns the trunk before and after.
   */
  update(id: number, input: Readonly<Record<string, unknown>>): { before: StoredTrunk; after: StoredTrunk } {
    const before = this.get(id);
    const kind = findKind(this.kinds, before.kind);
    if (!kind) throw new TrunkFieldError('kind', `unknown trunk kind "${before.kind}"`, 'TRUNK_UNKNOWN_KIND');
    if (input.kind !== undefined && input.kind !== before.kind) {
      throw new TrunkFieldError('kind', `cannot change from ${before.kind} to ${String(input.kind)}; remove this trunk and add a new one`);
    }
    const edited = { ...input, kind: before.kind, name: input.name ?? before.name };
    const full = kind.keepSecrets ? kind.keepSecrets(edited, before.settings) : edited;
    const definition = parseTrunk(full, this.repo.list().filter((t) => t.id !== id), this.kinds);
    try {
      return { before, after: this.repo.replace(id, definition, this.clock.now()) };
    } catch (err) {
      const msg = String((err as Error).message);
      if (/trunk_dids\.did/.test(msg)) throw new TrunkFieldError('dids', 'one of these DIDs was just added to another trunk', 'TRUNK_DUPLICATE_DID');
      if (/trunks\.name/.test(msg)) throw new TrunkFieldError('name', `a trunk named "${definition.name}" already exists`, 'TRUNK_DUPLICATE_NAME');
      throw err;
    }
  }

  /** Puts a trunk back exactly as it was stored (the undo of an edit Asterisk refused). */
  restore(trunk: StoredTrunk): void {
    this.repo.replace(trunk.id, trunk, new Date(trunk.updatedAt));
  }

  /** Puts a removed trunk back with its id (the undo of a removal Asterisk refused). */
  reinsert(trunk: StoredTrunk): void {
    this.repo.insert(trunk, new Date(trunk.createdAt), trunk.id);
  }

  remove(idOrName: number | string): StoredTrunk {
    const t = this.get(idOrName);
    this.repo.remove(t.id);
    return t;
  }

  view(t: StoredTrunk): TrunkView {
    const kind = findKind(this.kinds, t.kind);
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      label: kind?.label ?? t.kind,
      endpoints: kind ? kind.endpoints(t.name, t.settings) : [],
      dids: t.dids.map((d) => ({ did: d.did, target: targetText(d.target), channel: d.channel })),
      outbound: t.outbound,
      settings: kind ? kind.describe(t.settings) : {},
      createdAt: t.createdAt,
    };
  }
}
