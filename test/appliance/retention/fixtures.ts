import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase, runMigrations, type Db } from '../../../appliance/core/db.js';
import { migrationsOf } from '../../../appliance/app.js';
import { capabilities } from '../../../appliance/capabilities.js';
import { tableClass } from '../../../appliance/retention/classes/table-class.js';
import { notIn, idsParam } from '../../../appliance/retention/classes/shared.js';
import type { RetentionClass } from '../../../appliance/retention/types.js';

export const DAY = 86_400_000;

/** A deterministic pseudo-random sequence, so a failing count can be reproduced. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A test-only data class with files: `test_items(id, made_at, contact_id, path, bytes)`, files
 * under <data>/recordings/test/, held through the contact. Built on the same table-class helper
 * as the real classes.
 */
export function createTestItems(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS test_items (
    id INTEGER PRIMARY KEY, made_at TEXT NOT NULL, contact_id INTEGER, path TEXT NOT NULL, bytes INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS test_items_made ON test_items(made_at);`);
}

export function testItemsClass(db: Db, dataDir: string): RetentionClass {
  return tableClass({
    name: 'testfiles',
    describe: 'test items with one file each',
    db,
    dataDir,
    table: 'test_items',
    ageColumn: 'made_at',
    pathColumn: 'path',
    bytesExpr: 't.bytes',
    notHeld: { sql: notIn('t.contact_id'), params: (h) => [idsParam(h.contact)] },
  });
}

export interface Generated {
  id: number;
  madeAt: string;
  contactId: number;
  path: string;
  bytes: number;
}

/** `count` items spread evenly at random over the two years before `now`, each with a small file. */
export function generateTestItems(db: Db, dataDir: string, now: Date, count: number, seed = 7, contacts = 50): Generated[] {
  const random = rng(seed);
  const insert = db.prepare('INSERT INTO test_items (made_at, contact_id, path, bytes) VALUES (?, ?, ?, ?)');
  const out: Generated[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const madeAt = new Date(now.getTime() - Math.floor(random() * 730 * DAY)).toISOString();
      const contactId = 1 + Math.floor(random() * contacts);
      const bytes = 10 + Math.floor(random() * 90);
      const path = `recordings/test/${madeAt.slice(0, 10).replace(/-/g, '/')}/${i}.bin`;
      const id = Number(insert.run(madeAt, contactId, path, bytes).lastInsertRowid);
      out.push({ id, madeAt, contactId, path, bytes });
    }
  })();
  for (const item of out) {
    const file = join(dataDir, item.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.alloc(item.bytes, 1));
  }
  return out;
}

/** `count` audit entries spread over the two years before `now`. */
export function generateAudit(db: Db, now: Date, count: number, seed = 11): string[] {
  const random = rng(seed);
  const insert = db.prepare("INSERT INTO audit_log (at, actor_id, action, target_type, target_id, details) VALUES (?, NULL, 'test.event', 'thing', ?, NULL)");
  const ats: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = new Date(now.getTime() - Math.floor(random() * 730 * DAY)).toISOString();
      insert.run(at, String(i));
      ats.push(at);
    }
  })();
  return ats;
}

/** A migrated installation under a temporary prefix, as the CLI's `--prefix` finds it. */
export function preparedInstallation(name: string): { prefix: string; dataDir: string; db: Db; remove(): void } {
  const prefix = mkdtempSync(join(tmpdir(), `contactbox-${name}-`));
  const dataDir = join(prefix, 'var/lib/contactbox');
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'contactbox.sqlite'));
  runMigrations(db, migrationsOf(capabilities));
  return {
    prefix,
    dataDir,
    db,
    remove() {
      db.close();
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
