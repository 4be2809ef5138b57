import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchFigure } from './run.js';
import { openDatabase, runMigrations } from '../appliance/core/db.js';
import { coreMigrations } from '../appliance/core/migrations.js';
import { AuditLog } from '../appliance/core/audit.js';
import { EventBus } from '../appliance/core/events.js';
import { systemClock } from '../appliance/core/clock.js';
import { contactsMigrations } from '../appliance/contacts/migrations.js';
import { ContactsService, type ContactInput } from '../appliance/contacts/service.js';

/**
 * Contacts at the size of a mid-sized contact centre's CRM (50,000 contacts, 2 numbers each):
 * CSV-sized bulk import (normalising every number with full libphonenumber metadata) against
 * raw inserts of the same rows in the same run; caller lookup by number (every incoming call
 * does one); search as an operator types (name fragment, number fragment); full export.
 */
const N = 50_000;
const BATCH = 5_000;

function inputs(): ContactInput[] {
  return Array.from({ length: N }, (_, i) => ({
    name: `Клієнт ${i} ${['Петренко', 'Коваленко', 'Smith', 'Müller'][i % 4]}`,
    phones: [`+380 67 ${String(1_000_000 + i).slice(-7)}`, `050${String(2_000_000 + i).slice(-7)}`],
    emails: [`client${i}@example.com`],
    tags: [i % 10 === 0 ? 'vip' : 'regular'],
  }));
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

export default async function bench(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'contactbox-bench-contacts-'));
  try {
    const db = openDatabase(join(dir, 'bench.sqlite'));
    runMigrations(db, [...coreMigrations, ...contactsMigrations]);
    const service = new ContactsService(db, systemClock, new AuditLog(db, systemClock), new EventBus());
    const rows = inputs();

    const imported = time(() => {
      for (let i = 0; i < N; i += BATCH) service.createMany(rows.slice(i, i + BATCH), null);
    });

    // Baseline: the same rows with numbers already in E.164, straight into the tables.
    const raw = openDatabase(join(dir, 'raw.sqlite'));
    runMigrations(raw, [...coreMigrations, ...contactsMigrations]);
    const insC = raw.prepare("INSERT INTO contacts (kind, name, name_fold, status, created_at, updated_at) VALUES ('person', ?, ?, 'lead', '', '')");
    const insP = raw.prepare('INSERT INTO contact_phones (contact_id, e164, digits, position) VALUES (?, ?, ?, ?)');
    const insE = raw.prepare('INSERT INTO contact_emails (contact_id, address, position) VALUES (?, ?, 0)');
    const baseline = time(() =>
      raw.transaction(() => {
        rows.forEach((r, i) => {
          const id = Number(insC.run(r.name, r.name.toLowerCase()).lastInsertRowid);
          insP.run(id, `+38067${String(1_000_000 + i).slice(-7)}`, '', 0);
          insP.run(id, `+38050${String(2_000_000 + i).slice(-7)}`, '', 1);
          insE.run(id, r.emails![0]);
        });
      })(),
    );
    raw.close();

    const LOOKUPS = 20_000;
    const lookups = time(() => {
      let hits = 0;
      for (let i = 0; i < LOOKUPS; i++) if (service.matchPhone(`067${String(1_000_000 + ((i * 7919) % N)).slice(-7)}`)) hits++;
      return hits;
    });
    if (lookups.result !== LOOKUPS) throw new Error(`matchPhone found ${lookups.result} of ${LOOKUPS}`);

    const SEARCHES = 50;
    const byName = time(() => {
      for (let i = 0; i < SEARCHES; i++) service.search({ q: `коваленко`, limit: 50, offset: i, masked: false });
    });
    const byDigits = time(() => {
      for (let i = 0; i < SEARCHES; i++) service.search({ q: String(2_000_100 + i * 37).slice(-5), limit: 50, offset: 0, masked: false });
    });
    const exported = time(() => {
      let n = 0;
      for (const c of service.all()) n += c.phones.length > 0 ? 1 : 0;
      return n;
    });
    db.close();

    return [
      { name: 'CSV-sized import, numbers normalised (contacts/s)', value: N / (imported.ms / 1000), unit: 'contacts/s', baseline: { name: 'raw SQL inserts of pre-normalised rows', value: N / (baseline.ms / 1000) } },
      { name: `caller lookup matchPhone over ${N.toLocaleString('en-US')} contacts`, value: LOOKUPS / (lookups.ms / 1000), unit: 'lookups/s', target: { min: 2_000 } },
      { name: 'search by name fragment, 50 results (ms/query)', value: byName.ms / SEARCHES, unit: 'ms', target: { max: 150 } },
      { name: 'search by number fragment, 50 results (ms/query)', value: byDigits.ms / SEARCHES, unit: 'ms', target: { max: 150 } },
      { name: 'export read of every contact (contacts/s)', value: exported.result / (exported.ms / 1000), unit: 'contacts/s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
