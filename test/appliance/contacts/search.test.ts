import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, runMigrations, type Db } from '../../../appliance/core/db.js';
import { coreMigrations } from '../../../appliance/core/migrations.js';
import { AuditLog } from '../../../appliance/core/audit.js';
import { EventBus } from '../../../appliance/core/events.js';
import { systemClock } from '../../../appliance/core/clock.js';
import { contactsMigrations } from '../../../appliance/contacts/migrations.js';
import { ContactsService, type SearchOptions } from '../../../appliance/contacts/service.js';
import { rebuildSearchInBatches, searchIndexesAgree } from '../../../appliance/contacts/search-check.js';
import { buildTestApp, type TestApp } from '../../support/test-app.js';

/** Search on its indexes: ranking, scripts and accents, every way a number is written, paging, and index upkeep. */
describe('contacts: indexed search', () => {
  let db: Db;
  let contacts: ContactsService;
  beforeEach(() => {
    db = openDatabase(':memory:');
    runMigrations(db, [...coreMigrations, ...contactsMigrations]);
    contacts = new ContactsService(db, systemClock, new AuditLog(db, systemClock), new EventBus());
  });
  afterEach(() => db.close());

  const add = (name: string, more: { phones?: string[]; emails?: string[]; tags?: string[] } = {}) => contacts.create({ name, ...more }, null).id;
  const find = (q: string, opts: Partial<SearchOptions> = {}) => contacts.search({ q, limit: 50, offset: 0, masked: false, ...opts }).map((c) => c.id);

  it('ranks exact matches first, then name-word prefixes, then fragments (not by age)', () => {
    const fragment = add('Zed', { emails: ['blacksmith@forge.example'] });
    const prefix2 = add('Smithson Anna');
    const prefix1 = add('John Smith');
    const exact = add('Smith');
    const tagged = add('Other', { tags: ['smith'] });
    expect(find('smith')).to.deep.equal([exact, tagged, prefix2, prefix1, fragment]);
    expect(find('SMITH jo')).to.deep.equal([prefix1]);
    expect(find('john smith')).to.deep.equal([prefix1]);
    // A contact matching several ways is shown once, in its best place.
    const both = add('Smith', { emails: ['smith@x.example'] });
    expect(find('smith')).to.deep.equal([exact, tagged, both, prefix2, prefix1, fragment]);
  });

  it('finds Cyrillic and Latin names whatever the case and accents, by any word', () => {
    const olena = add('Олена Ковальчук');
    const muller = add('Jürgen Müller');
    const fedor = add('Фёдор Ёлкин');
    const jose = add('José Ñúñez');
    expect(find('олена')).to.deep.equal([olena]);
    expect(find('КОВАЛЬ')).to.deep.equal([olena]);
    expect(find('ковальчук олена')).to.deep.equal([olena]);
    expect(find('muller')).to.deep.equal([muller]);
    expect(find('MÜLLER JURGEN')).to.deep.equal([muller]);
    expect(find('федор')).to.deep.equal([fedor]);
    expect(find('елкин')).to.deep.equal([fedor]);
    expect(find('jose nunez')).to.deep.equal([jose]);
    expect(find('Núñez')).to.deep.equal([jose]);
    expect(find('ivan')).to.deep.equal([]);
  });

  it('finds a number written in any form, and by digit fragments anywhere in it', () => {
    const ua = add('UA', { phones: ['+380 67 123 45 67'] });
    const uk = add('UK', { phones: ['+44 20 7946 0958'] });
    const us = add('US', { phones: ['+1 (202) 555-0143'] });
    for (const q of ['+380671234567', '+380 67 123 45 67', '067 123 45 67', '(067) 123-45-67', '0671234567', '380671234567', '+38 (067) 123.45.67']) {
      expect(find(q), q).to.deep.equal([ua]);
    }
    for (const q of ['+44 20 7946 0958', '+442079460958', '0044 20 7946 0958']) expect(find(q), q).to.deep.equal([uk]);
    for (const q of ['+1 202 555 0143', '+1-202-555-0143']) expect(find(q), q).to.deep.equal([us]);
    // Fragments: the start, the middle, the end, with separators, the national form with its trunk 0.
    expect(find('067')).to.deep.equal([ua]);
    expect(find('45 67')).to.deep.equal([ua]);
    expect(find('123-45')).to.deep.equal([ua]);
    expect(find('020 7946')).to.deep.equal([uk]);
    expect(find('0958')).to.deep.equal([uk]);
    expect(find('5550')).to.deep.equal([us]);
    expect(find('12')).to.deep.equal([]);
    // A full number is the exact lookup: a contact merely named with those digits is not it.
    add('Call from 067 123 45 67');
    expect(find('067 123 45 67')).to.deep.equal([ua]);
  });

  it('finds by e-mail, its fragment and tag; a tag narrows', () => {
    const a = add('A', { emails: ['Olena@Shop.Example'], tags: ['VIP'] });
    const b = add('B', { emails: ['bob@shop.example'], tags: ['retail'] });
    expect(find('OLENA@shop.example')).to.deep.equal([a]);
    expect(find('shop.exa')).to.deep.equal([a, b]);
    expect(find('shop.exa', { tag: 'vip' })).to.deep.equal([a]);
    expect(find('vip')).to.deep.equal([a]);
    expect(contacts.search({ tag: 'RETAIL', limit: 50, offset: 0, masked: false }).map((c) => c.id)).to.deep.equal([b]);
  });

  it('masked viewers find only by a full number or address', () => {
    const a = add('Іван 0671234567', { phones: ['0671234567'], emails: ['ivan@example.com'] });
    expect(find('067 123 45 67', { masked: true })).to.deep.equal([a]);
    expect(find('ivan@example.com', { masked: true })).to.deep.equal([a]);
    expect(find('0671234', { masked: true })).to.deep.equal([]);
    expect(find('ivan@', { masked: true })).to.deep.equal([]);
    expect(find('example.com', { masked: true })).to.deep.equal([]);
    expect(find('іван 067', { masked: true })).to.deep.equal([]);
    expect(find('іван', { masked: true })).to.deep.equal([a]);
  });

  it('pages with a stable cursor: no contact twice, none lost, while contacts are added between pages', () => {
    const ids = Array.from({ length: 23 }, (_, i) => add(i % 3 === 0 ? 'Petrenko' : `Petrenko ${i}`, { phones: [`+38067555${String(1000 + i)}`] }));
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = contacts.searchPage({ q: 'petrenko', limit: 5, offset: 0, masked: false, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
      if (pages++ === 1) add('Petrenko late');
    } while (cursor);
    const late = seen.filter((id) => !ids.includes(id));
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen.filter((id) => ids.includes(id)).sort((a, b) => a - b)).to.deep.equal(ids);
    expect(late).to.have.length(1);
    // The exact matches (every third) come first.
    expect(seen.slice(0, 8)).to.deep.equal(ids.filter((_, i) => i % 3 === 0));
    // Offsets still work and agree with the cursor order.
    expect(contacts.search({ q: 'petrenko', limit: 4, offset: 6, masked: false }).map((c) => c.id)).to.deep.equal(seen.slice(6, 10));
    expect(() => contacts.searchPage({ q: 'petrenko', limit: 5, offset: 0, masked: false, cursor: 'bm90LWEtY3Vyc29y' })).to.throw(/SEARCH_CURSOR_INVALID|cursor/i);
  });

  it('keeps the indexes right through edits, merges, imports and deletes', () => {
    const a = add('Anna Koval', { phones: ['0671111111'], emails: ['hk@k.example'] });
    const b = add('Anna K', { phones: ['0672222222'], emails: ['b@k.example'] });
    contacts.update(a, { name: 'Hanna Kovalenko', phones: ['0673333333'] }, { id: 0, masked: false });
    expect(find('anna')).to.deep.equal([b]);
    expect(find('hanna')).to.deep.equal([a]);
    expect(find('1111111')).to.deep.equal([]);
    expect(find('3333333')).to.deep.equal([a]);
    contacts.merge(a, b, 0);
    expect(find('anna k')).to.deep.equal([]);
    expect(find('2222222')).to.deep.equal([a]);
    expect(find('b@k.example')).to.deep.equal([a]);
    const imported = contacts.createMany([{ name: 'Імпорт Один', phones: ['0504444444'] }, { name: 'Імпорт Два', emails: ['two@i.example'] }], null);
    expect(find('імпорт')).to.deep.equal(imported);
    expect(find('444444')).to.deep.equal([imported[0]]);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(imported[0]);
    expect(find('імпорт')).to.deep.equal([imported[1]]);
    expect(find('444444')).to.deep.equal([]);
    expectIndexesMatchTables(db);
  });
});

describe('contacts: search over HTTP', () => {
  let t: TestApp;
  beforeEach(async () => (t = await buildTestApp()));
  afterEach(async () => t.close());

  it('answers pages with nextCursor and refuses a forged cursor with a coded 400', async () => {
    const admin = await t.userClient('admin');
    for (let i = 0; i < 5; i++) await admin.request('POST', '/api/v1/contacts', { name: `Коваль ${i}` });
    const first = (await admin.request('GET', `/api/v1/contacts?q=${encodeURIComponent('коваль')}&limit=3`)).json();
    expect(first.items).to.have.length(3);
    const second = (await admin.request('GET', `/api/v1/contacts?q=${encodeURIComponent('коваль')}&limit=3&cursor=${first.nextCursor}`)).json();
    expect(second.items).to.have.length(2);
    expect(second.nextCursor).to.equal(null);
    const bad = await admin.request('GET', '/api/v1/contacts?q=x&cursor=bm90LWEtY3Vyc29y');
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('SEARCH_CURSOR_INVALID');
    // A small base is searched on the event loop: no thread was started for it.
    expect(t.app.contacts.searchThreads).to.equal(0);
  });

  it('runs searches on a search thread that sees every committed write and answers as the main thread would', async function () {
    // A thread compiles its modules when it starts: slow on a loaded machine, not wrong.
    this.timeout(90_000);
    await t.close();
    // Threads from the first contact (by default only a large base uses them).
    t = await buildTestApp({ overrides: { contacts: { searchThreadsFrom: 0 } } });
    const admin = await t.userClient('admin');
    const names = ['Олена Шевчук', 'Ölçer Şahin', 'Шевчук-Бойко Ірина'];
    for (const [i, name] of names.entries()) {
      const res = await admin.request('POST', '/api/v1/contacts', { name, phones: [`+38067100${String(i).padStart(4, '0')}`], tags: ['VIP'] });
      expect(res.statusCode).to.equal(201);
      // Created a moment ago on the main connection: the thread's read-only connection finds it at once.
      const found = (await admin.request('GET', `/api/v1/contacts?q=${encodeURIComponent(name)}`)).json();
      expect(found.items.map((c: { name: string }) => c.name)).to.include(name);
    }
    expect(t.app.contacts.searchThreads).to.be.greaterThan(0);
    for (const q of ['шевчук', 'olcer', '067 100 0002', '1000', 'vip']) {
      const http = (await admin.request('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`)).json();
      const inline = t.app.contacts.search({ q, limit: 50, offset: 0, masked: false });
      expect(http.items.map((c: { id: number }) => c.id), q).to.deep.equal(inline.map((c) => c.id));
      expect(http.items.length, q).to.be.greaterThan(0);
    }
  });
});

/** Every search table holds exactly the rows its contact tables say it should. */
export function expectIndexesMatchTables(db: Db): void {
  const q = (sql: string) => db.prepare(sql).all();
  expect(q('SELECT rowid AS id, name_key AS k FROM contact_words ORDER BY rowid')).to.deep.equal(q('SELECT id, name_key AS k FROM contacts WHERE merged_into IS NULL ORDER BY id'));
  expect(q('SELECT rowid AS id, digits AS v FROM contact_phone_grams ORDER BY rowid')).to.deep.equal(q('SELECT contact_id * 64 + position % 64 AS id, digits AS v FROM contact_phones ORDER BY 1'));
  expect(q('SELECT rowid AS id, address AS v FROM contact_email_grams ORDER BY rowid')).to.deep.equal(q('SELECT contact_id * 64 + position % 64 AS id, address AS v FROM contact_emails ORDER BY 1'));
}

describe('contacts: search indexes after a crash', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'contactbox-search-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an import killed in the middle leaves contacts and indexes in step (whole batches or none)', async function () {
    this.timeout(180_000);
    const file = join(dir, 'contactbox.sqlite');
    const BATCH = 2000;
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/import-forever.ts', import.meta.url)), file, String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Killed just after batch 3 began: that batch's transaction is open when the signal lands.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (/begin 3\n/.test(out)) resolve();
      });
      child.on('exit', () => reject(new Error(`importer exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');

    const db = openDatabase(file);
    try {
      const n = (db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
      expect(n % BATCH).to.equal(0);
      expect(n).to.be.at.least(3 * BATCH);
      expect(await searchIndexesAgree(db, null)).to.equal(true);
      expectIndexesMatchTables(db);
      const contacts = new ContactsService(db, systemClock, new AuditLog(db, systemClock), new EventBus());
      expect(contacts.search({ q: 'імпорт 17 muller', limit: 5, offset: 0, masked: false })[0]!.name).to.equal('Імпорт 17 Müller');
      expect(contacts.search({ q: '067 100 00 17', limit: 5, offset: 0, masked: false }).map((c) => c.name)).to.deep.equal(['Імпорт 17 Müller']);
    } finally {
      db.close();
    }
  });

  it('search tables that disagree with the contacts are found and rebuilt', async () => {
    const db = openDatabase(join(dir, 'contactbox.sqlite'));
    try {
      runMigrations(db, [...coreMigrations, ...contactsMigrations]);
      const contacts = new ContactsService(db, systemClock, new AuditLog(db, systemClock), new EventBus());
      contacts.createMany(Array.from({ length: 50 }, (_, i) => ({ name: `Rebuild ${i}`, phones: [`+38050${String(2_000_000 + i).slice(-7)}`], emails: [`r${i}@x.example`] })), null);
      db.exec('DELETE FROM contact_words WHERE rowid % 2 = 0; DELETE FROM contact_phone_grams WHERE rowid < 640');
      expect(await searchIndexesAgree(db, null)).to.equal(false);
      await rebuildSearchInBatches(db);
      expect(await searchIndexesAgree(db, null)).to.equal(true);
      expectIndexesMatchTables(db);
      expect(contacts.search({ q: 'rebuild', limit: 100, offset: 0, masked: false })).to.have.length(50);
    } finally {
      db.close();
    }
  });
});
