import type { Db } from '../core/db.js';
import { target as parseTarget, targetText } from './fields.js';
import type { StoredTrunk, TrunkDefinition } from './model.js';

type TrunkRow = { id: number; name: string; kind: string; settings: string; created_at: string; updated_at: string };
type DidRow = { did: string; trunk_id: number; channel: number | null; target: string };
type RuleRow = { trunk_id: number; prefix: string; strip: number; prepend: string; priority: number };

/** All trunk SQL. Used by the appliance's routes and by the CLI on the installed database. */
export class TrunkRepository {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      trunks: db.prepare('SELECT * FROM trunks ORDER BY name'),
      dids: db.prepare('SELECT * FROM trunk_dids ORDER BY did'),
      rules: db.prepare('SELECT * FROM trunk_outbound ORDER BY prefix'),
      insertTrunk: db.prepare('INSERT INTO trunks (id, name, kind, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      insertDid: db.prepare('INSERT INTO trunk_dids (did, trunk_id, channel, target) VALUES (?, ?, ?, ?)'),
      insertRule: db.prepare('INSERT INTO trunk_outbound (trunk_id, prefix, strip, prepend, priority) VALUES (?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM trunks WHERE id = ?'),
      update: db.prepare('UPDATE trunks SET name = ?, settings = ?, updated_at = ? WHERE id = ?'),
      clearDids: db.prepare('DELETE FROM trunk_dids WHERE trunk_id = ?'),
      clearRules: db.prepare('DELETE FROM trunk_outbound WHERE trunk_id = ?'),
    };
  }

  list(): StoredTrunk[] {
    const dids = this.q.dids.all() as DidRow[];
    const rules = this.q.rules.all() as RuleRow[];
    return (this.q.trunks.all() as TrunkRow[]).map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      settings: JSON.parse(r.settings) as unknown,
      dids: dids
        .filter((d) => d.trunk_id === r.id)
        .map((d) => ({ did: d.did, channel: d.channel, target: parseTarget(d.target, 'target') })),
      outbound: rules
        .filter((o) => o.trunk_id === r.id)
        .map((o) => ({ prefix: o.prefix, strip: o.strip, prepend: o.prepend, priority: o.priority })),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  find(idOrName: number | string): StoredTrunk | null {
    return this.list().find((t) => (typeof idOrName === 'number' ? t.id === idOrName : t.name === idOrName)) ?? null;
  }

  /** Stores a checked trunk with its DIDs and outbound rules in one transaction. */
  insert(t: TrunkDefinition, now: Date, id: number | null = null): StoredTrunk {
    const at = now.toISOString();
    const stored = this.db.transaction(() => {
      const trunkId = Number(this.q.insertTrunk.run(id, t.name, t.kind, JSON.stringify(t.settings), at, at).lastInsertRowid);
      for (const d of t.dids) this.q.insertDid.run(d.did, trunkId, d.channel, targetText(d.target));
      for (const o of t.outbound) this.q.insertRule.run(trunkId, o.prefix, o.strip, o.prepend, o.priority);
      return trunkId;
    })();
    return this.find(stored)!;
  }

  /** Replaces a trunk's name, settings, DIDs and rules in one transaction (its id and kind stay). */
  replace(id: number, t: TrunkDefinition, now: Date): StoredTrunk {
    this.db.transaction(() => {
      this.q.update.run(t.name, JSON.stringify(t.settings), now.toISOString(), id);
      this.q.clearDids.run(id);
      this.q.clearRules.run(id);
      for (const d of t.dids) this.q.insertDid.run(d.did, id, d.channel, targetText(d.target));
      for (const o of t.outbound) this.q.insertRule.run(id, o.prefix, o.strip, o.prepend, o.priority);
    })();
    return this.find(id)!;
  }

  remove(id: number): boolean {
    return this.q.remove.run(id).changes > 0;
  }
}
