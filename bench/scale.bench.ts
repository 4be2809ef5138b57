import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import type { BenchFigure } from './run.js';
import { buildApp, migrationsOf } from '../appliance/app.js';
import { capabilities as allCapabilities } from '../appliance/capabilities.js';
import { defaultConfig } from '../appliance/config.js';
import { openDatabase, runMigrations, type Db } from '../appliance/core/db.js';
import { systemClock } from '../appliance/core/clock.js';
import { AuditLog } from '../appliance/core/audit.js';
import { EventBus } from '../appliance/core/events.js';
import { insertUser } from '../appliance/core/auth/plugin.js';
import { ContactsService } from '../appliance/contacts/service.js';
import { defaultSearchThreads } from '../appliance/contacts/search-pool.js';
import { phoneSearchDigits, searchKey } from '../appliance/contacts/search-keys.js';
import { CallsRepository } from '../appliance/calls/repository.js';
import { MessageRepository } from '../appliance/mail/message-repository.js';
import { rebuildSearchIndexes } from '../appliance/contacts/migrations.js';
import { searchIndexesAgree } from '../appliance/contacts/search-check.js';

/**
 * Contacts at 10 k → 100 k → 1 M and calls at 10 M, seeded the way an import and years of calls
 * leave them (every row through the real schema, its triggers and indexes), each figure beside
 * the bare indexed SQLite query of the same kind in the same run. Seeded databases are cached
 * under bench/.cache/ (keyed by the schema), so only the first run pays for seeding.
 * `SCALE_MAX=100000` stops at a smaller size.
 */
const CACHE = fileURLToPath(new URL('./.cache/', import.meta.url));
const MAX = Number(process.env.SCALE_MAX ?? 1_000_000);
const CALLS = Number(process.env.SCALE_CALLS ?? 10_000_000);
const MESSAGES = Number(process.env.SCALE_MESSAGES ?? 500_000);
// A cache is keyed by the migrations of the capabilities whose tables it seeds; others' later migrations are applied to the cached file when it is used.
const SEEDED = ['core', 'users', 'contacts', 'calls'];
const schemaOf = (owners: readonly string[]) =>
  createHash('sha1').update(migrationsOf(allCapabilities).map((m) => m.id).filter((id) => owners.includes(id.split('/')[0]!)).join(',')).digest('hex').slice(0, 8);

const SURNAMES = ['Петренко', 'Коваленко', 'Шевченко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Олійник', 'Мельник', 'Smith', 'Müller', 'García', 'Dubois', 'Rossi', 'Nowak', 'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Соколов'];
const FIRST = ['Олена', 'Іван', 'Андрій', 'Марія', 'Наталія', 'Сергій', 'Юлія', 'Олександр', 'Anna', 'John', 'José', 'Zoë', 'Ірина', 'Дмитро', 'Тетяна', 'Віктор'];
// 20 × 16 common names and a rarer tail: a real base has a few very common surnames and many rare ones.
const surnameOf = (i: number) => (i % 5 === 0 ? `${SURNAMES[i % SURNAMES.length]}${['ук', 'ич', 'ів', 'ко', 'ов'][(i >> 3) % 5]}${i % 997}` : SURNAMES[(i * 7) % SURNAMES.length]!);
const nameOf = (i: number) => `${FIRST[(i * 13) % FIRST.length]} ${surnameOf(i)}`;
const mobile = (i: number) => `+380${['67', '50', '63', '93', '97', '66'][i % 6]}${String(1_000_000 + ((i * 7919) % 9_000_000)).padStart(7, '0')}`;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
function timeEach<T>(inputs: readonly T[], fn: (x: T) => unknown): number[] {
  const out: number[] = [];
  for (const x of inputs) {
    const t = performance.now();
    fn(x);
    out.push(performance.now() - t);
  }
  return out;
}

/** A database seeded once and cached; seeding writes a temp file and renames it when complete. */
function cached(name: string, seed: (db: Db) => void, owners: readonly string[] = SEEDED): string {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `${name}-${schemaOf(owners)}.sqlite`);
  if (existsSync(file)) {
    const db = openDatabase(file);
    runMigrations(db, migrationsOf(allCapabilities));
    db.close();
    return file;
  }
  const tmp = `${file}.seeding`;
  rmSync(tmp, { force: true });
  const db = openDatabase(tmp);
  db.pragma('synchronous = OFF');
  runMigrations(db, migrationsOf(allCapabilities));
  db.pragma('cache_size = -262144');
  const t = performance.now();
  seed(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  process.stdout.write(`  (seeded ${name} in ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  rmSync(`${tmp}-wal`, { force: true });
  rmSync(`${tmp}-shm`, { force: true });
  renameSync(tmp, file);
  return file;
}

/**
 * Bulk seeding: secondary indexes and the search triggers are set aside while rows go in, then
 * the same indexes are built and the search tables filled by the appliance's own rebuild. The
 * result is the state the triggers would leave (checked: searchIndexesAgree), minutes faster.
 */
function withoutIndexes(db: Db, tables: string[], fn: () => void, after: () => void = () => {}): void {
  const list = tables.map((t) => `'${t}'`).join(',');
  const saved = db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index','trigger') AND tbl_name IN (${list}) AND sql IS NOT NULL`).all() as { type: string; name: string; sql: string }[];
  for (const o of saved) db.exec(`DROP ${o.type.toUpperCase()} ${o.name}`);
  fn();
  for (const o of saved.filter((x) => x.type === 'index')) db.exec(o.sql);
  after();
  for (const o of saved.filter((x) => x.type === 'trigger')) db.exec(o.sql);
}

/** Contacts as a CSV import stores them: name, 1–2 mobiles, an address, a tag on one in ten. */
function seedContacts(db: Db, n: number): void {
  withoutIndexes(db, ['contacts', 'contact_phones', 'contact_emails', 'contact_tags'], () => insertContacts(db, n), () => db.transaction(() => rebuildSearchIndexes(db))());
}

function insertContacts(db: Db, n: number): void {
  const now = new Date().toISOString();
  const c = db.prepare("INSERT INTO contacts (kind, name, name_fold, name_key, status, created_at, updated_at) VALUES ('person', ?, ?, ?, 'client', ?, ?)");
  const p = db.prepare('INSERT INTO contact_phones (contact_id, e164, digits, position) VALUES (?, ?, ?, ?)');
  const e = db.prepare('INSERT INTO contact_emails (contact_id, address, position) VALUES (?, ?, 0)');
  const tg = db.prepare("INSERT INTO contact_tags (contact_id, tag, tag_fold) VALUES (?, 'VIP', 'vip')");
  // The seed writes E.164 digits directly; check they are what the appliance would store.
  for (let i = 0; i < 100; i++) if (phoneSearchDigits(mobile(i)) !== mobile(i).slice(1)) throw new Error('seed digits differ from the appliance');
  const BATCH = 20_000;
  for (let start = 0; start < n; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        const name = nameOf(i);
        const id = Number(c.run(name, name.toLocaleLowerCase('und'), searchKey(name), now, now).lastInsertRowid);
        p.run(id, mobile(i), mobile(i).slice(1), 0);
        if (i % 3 === 0) p.run(id, mobile(i + n), mobile(i + n).slice(1), 1);
        e.run(id, `client${i}@mail${i % 50}.example`);
        if (i % 10 === 0) tg.run(id);
      }
    })();
  }
}

/** Ten million calls over years from 200 operators (a few with few calls), in time order. */
function seedCalls(db: Db, n: number): void {
  withoutIndexes(db, ['calls', 'call_operators'], () => insertCalls(db, n));
}

function insertCalls(db: Db, n: number): void {
  const users = db.prepare("INSERT INTO users (username, password_hash, display_name, role, created_at, updated_at) VALUES (?, 'x', ?, 'operator', '', '')");
  for (let u = 1; u <= 200; u++) users.run(`op${u}`, `Operator ${u}`);
  const call = db.prepare(
    `INSERT INTO calls (linked_id, direction, from_number, to_number, operator_id, contact_id, started_at, answered_at, ended_at, wait_sec, talk_sec, disposition, legs, operator_ids, updated_at)
     VALUES (?, 'inbound', ?, '+380441234567', ?, ?, ?, ?, ?, 12, 95, 'answered', ?, ?, ?)`,
  );
  const op = db.prepare('INSERT INTO call_operators (operator_id, started_at, call_id) VALUES (?, ?, ?)');
  const t0 = Date.parse('2022-01-01T00:00:00Z');
  const step = (4 * 365 * 86_400_000) / n;
  const BATCH = 50_000;
  for (let start = 0; start < n; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        // Operator 200 takes one call in a thousand; the others share the rest.
        const operator = i % 1000 === 0 ? 200 : 1 + (i % 199);
        const at = new Date(t0 + i * step).toISOString();
        const open = i >= n - 20;
        const id = Number(call.run(`${1_600_000_000 + i}.${i}`, mobile(i), operator, 1 + (i % 100_000), at, at, open ? null : at,
          `[{"uniqueId":"${i}.1","endpoint":"PJSIP/trunk","role":"external"},{"uniqueId":"${i}.2","endpoint":"PJSIP/cb-op-${operator}","role":"operator","operatorId":${operator}}]`,
          `,${operator},`, at).lastInsertRowid);
        op.run(operator, at, id);
      }
    })();
  }
}

function get(agent: Agent, port: number, path: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

export default async function bench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const sizes = [10_000, 100_000, 1_000_000].filter((n) => n <= MAX);
  for (const n of sizes) {
    const file = cached(`contacts-${n}`, (db) => seedContacts(db, n));
    const db = openDatabase(file);
    if (!(await searchIndexesAgree(db, null))) throw new Error(`the seeded search indexes of ${file} disagree with its contacts`);
    const contacts = new ContactsService(db, systemClock, new AuditLog(db, systemClock), new EventBus());
    const label = `${n.toLocaleString('en-US')} contacts`;
    const names = Array.from({ length: 300 }, (_, i) => (i % 2 ? SURNAMES[i % SURNAMES.length]! : nameOf((i * 104_729) % n)));
    const numbers = Array.from({ length: 300 }, (_, i) => mobile((i * 3_571) % n).replace(/^\+380/, '0').replace(/(\d{3})(\d{3})(\d{2})(\d{2})/, '$1 $2 $3 $4'));
    const fragments = Array.from({ length: 300 }, (_, i) => mobile((i * 3_571) % n).slice(-6, -1));
    // Warm the page cache and statements as a running appliance would be.
    for (const q of names.slice(0, 20)) contacts.search({ q, limit: 50, offset: 0, masked: false });

    const bareName = db.prepare('SELECT rowid FROM contact_words WHERE contact_words MATCH ? ORDER BY rowid LIMIT 50').pluck();
    const ftsQuery = (q: string) => searchKey(q).split(' ').map((w) => `"${w}"*`).join(' AND ');
    const bareNumber = db.prepare('SELECT contact_id FROM contact_phones WHERE e164 = ? LIMIT 2').pluck();
    const bareFragment = db.prepare("SELECT rowid / 64 FROM contact_phone_grams WHERE digits LIKE ? ORDER BY rowid LIMIT 50").pluck();
    const loadRows = db.prepare('SELECT * FROM contacts WHERE id = ?');
    // The baseline reads the matching ids and their rows, as any search must.
    const bare = (ids: unknown[]) => ids.forEach((id) => loadRows.get(id));

    const ours = {
      name: timeEach(names, (q) => contacts.search({ q, limit: 50, offset: 0, masked: false })),
      number: timeEach(numbers, (q) => contacts.search({ q, limit: 2, offset: 0, masked: false })),
      fragment: timeEach(fragments, (q) => contacts.search({ q, limit: 50, offset: 0, masked: false })),
    };
    const base = {
      name: timeEach(names, (q) => bare(bareName.all(ftsQuery(q)))),
      number: timeEach(numbers, (q) => bare(bareNumber.all(`+380${q.replace(/\D/g, '').slice(1)}`))),
      fragment: timeEach(fragments, (q) => bare(bareFragment.all(`%${q}%`))),
    };
    const found = contacts.search({ q: numbers[0]!, limit: 2, offset: 0, masked: false });
    if (found.length !== 1) throw new Error(`the full-number search found ${found.length} contacts`);
    for (const [kind, title] of [['name', 'search by name'], ['number', 'search by full number, limit 2 (incoming-call card)'], ['fragment', 'search by 5-digit fragment']] as const) {
      figures.push({ name: `${title} p50, ${label}`, value: pct(ours[kind], 50), unit: 'ms', baseline: { name: 'bare indexed SQLite query + rows', value: pct(base[kind], 50) } });
      figures.push({ name: `${title} p99, ${label}`, value: pct(ours[kind], 99), unit: 'ms', baseline: { name: 'bare indexed SQLite query + rows', value: pct(base[kind], 99) }, ...(kind === 'number' ? { target: { max: 2 } } : {}) });
    }
    const lookups = timeEach(numbers, (q) => contacts.matchPhone(q));
    figures.push({ name: `caller lookup matchPhone p99, ${label}`, value: pct(lookups, 99), unit: 'ms', baseline: { name: 'bare e164 index lookup', value: pct(timeEach(numbers, (q) => bareNumber.all(`+380${q.replace(/\D/g, '').slice(1)}`)), 99) }, target: { max: 2 } });

    if (n === sizes[sizes.length - 1]) figures.push(...(await overHttp(db, names, base.name, label)));
    db.close();
  }
  if (MESSAGES > 0) figures.push(...mailFigures());
  if (CALLS > 0) figures.push(...(await callFigures()));
  return figures;
}

/**
 * 8 clients searching at once over HTTP with /healthz probed meanwhile, on the event loop
 * (search threads off: the baseline) and on the search threads; /healthz probed alone first.
 */
async function overHttp(db: Db, names: string[], bareName: number[], label: string): Promise<BenchFigure[]> {
  const onLoop = await searchOverHttp(db, names, 0);
  const threads = defaultSearchThreads();
  const onThreads = await searchOverHttp(db, names, threads);
  return [
    { name: `search by name over HTTP, 8 concurrent clients, ${threads} search threads, p50, ${label}`, value: pct(onThreads.search, 50), unit: 'ms', baseline: { name: 'the same on the event loop', value: pct(onLoop.search, 50) } },
    { name: `search by name over HTTP, 8 concurrent clients, ${threads} search threads, p99, ${label}`, value: pct(onThreads.search, 99), unit: 'ms', baseline: { name: 'the same on the event loop', value: pct(onLoop.search, 99) }, target: { max: 20 } },
    { name: `search by name over HTTP, 8 concurrent clients, throughput, ${label}`, value: onThreads.perSecond, unit: 'req/s', baseline: { name: 'on the event loop', value: onLoop.perSecond } },
    { name: `search by name over HTTP, 8 concurrent clients, p99 vs one bare query, ${label}`, value: pct(onThreads.search, 99), unit: 'ms', baseline: { name: 'bare indexed SQLite query + rows (one client, in process)', value: pct(bareName, 99) } },
    { name: `/healthz p99 while 8 clients search on ${threads} search threads, ${label}`, value: pct(onThreads.health, 99), unit: 'ms', baseline: { name: '/healthz p99 alone', value: pct(onThreads.alone, 99) }, target: { max: 20 } },
    { name: `/healthz p99 while 8 clients search on the event loop, ${label}`, value: pct(onLoop.health, 99), unit: 'ms', baseline: { name: '/healthz p99 alone', value: pct(onLoop.alone, 99) } },
  ];
}

async function searchOverHttp(db: Db, names: string[], searchThreads: number): Promise<{ search: number[]; health: number[]; alone: number[]; perSecond: number }> {
  const dataDir = join(dirname(db.name), 'http-run');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const app = await buildApp({ config: defaultConfig(dataDir), db, uiDir: null, overrides: { contacts: { searchThreads, searchThreadsFrom: 0 } } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (app.server.address() as { port: number }).port;
    const username = `bench${Date.now()}`;
    await insertUser({ db, clock: systemClock }, { username, password: 'correct horse battery staple', displayName: 'Bench', role: 'operator' });
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'correct horse battery staple' } });
    const cookie = `cb_session=${login.cookies.find((c) => c.name === 'cb_session')!.value}`;
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const search: number[] = [];
    const health: number[] = [];
    const alone: number[] = [];
    const probe = async (into: number[]) => {
      const t = performance.now();
      await get(agent, port, '/healthz', '');
      into.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    };
    for (let i = 0; i < 200; i++) await probe(alone);
    // Warm-up: threads started and their caches read, as on an appliance in use.
    await Promise.all(Array.from({ length: 8 }, (_, k) => get(agent, port, `/api/v1/contacts?q=${encodeURIComponent(names[k]!)}&limit=50`, cookie)));
    let running = true;
    const client = async (k: number) => {
      for (let i = 0; i < 150; i++) {
        const t = performance.now();
        const status = await get(agent, port, `/api/v1/contacts?q=${encodeURIComponent(names[(i * 8 + k) % names.length]!)}&limit=50`, cookie);
        if (status !== 200) throw new Error(`search answered ${status}`);
        search.push(performance.now() - t);
      }
    };
    const prober = async () => {
      while (running) await probe(health);
    };
    const probing = prober();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, (_, k) => client(k)));
    const perSecond = search.length / ((performance.now() - t0) / 1000);
    running = false;
    await probing;
    agent.destroy();
    return { search, health, alone, perSecond };
  } finally {
    await app.close();
  }
}

/** Mail over years linked to 100 k contacts (a few with much mail, most with a little), in time order. */
function seedMail(db: Db, n: number): void {
  const thread = db.prepare("INSERT INTO mail_threads (subject_key, last_message_at) VALUES ('order', ?)");
  const message = db.prepare(
    `INSERT INTO mail_messages (message_id, content_hash, thread_id, direction, subject, from_json, to_json, cc_json, received_at, body_text, raw_path, raw_bytes, created_at)
     VALUES (?, ?, ?, 'in', 'Order', '[]', '[]', '[]', ?, 'Hello', ?, 2048, ?)`,
  );
  const link = new MessageRepository(db);
  const t0 = Date.parse('2022-01-01T00:00:00Z');
  const step = (4 * 365 * 86_400_000) / n;
  let threadId = 0;
  for (let start = 0; start < n; start += 20_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + 20_000); i++) {
        const at = new Date(t0 + i * step).toISOString();
        if (i % 5 === 0) threadId = Number(thread.run(at).lastInsertRowid);
        const id = Number(message.run(`<${i}@bench>`, `h${i}`, threadId, at, `raw/${i}.eml`, at).lastInsertRowid);
        link.linkContacts(id, [{ contactId: mailContactOf(i), role: 'from' }]);
      }
    })();
  }
}
// One message in ten goes to contacts 1–10 (busy companies); the rest spread over 100 k contacts.
const mailContactOf = (i: number) => (i % 10 === 0 ? 1 + (i % 10) : 11 + ((i * 7919) % 100_000));

function mailFigures(): BenchFigure[] {
  const label = `${MESSAGES.toLocaleString('en-US')} messages`;
  const db = openDatabase(cached(`mail-${MESSAGES}`, (d) => seedMail(d, MESSAGES), [...SEEDED, 'mail']));
  const repo = new MessageRepository(db);
  const contacts = Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? 1 + (i % 10) : 11 + ((i * 104_729) % 100_000)));
  for (const c of contacts.slice(0, 20)) repo.forContact(c, 20, null);
  const ours = timeEach(contacts, (c) => repo.forContact(c, 20, null));
  const bareIds = db.prepare('SELECT message_id FROM mail_message_contacts WHERE contact_id = ? ORDER BY received_at DESC, message_id DESC LIMIT 20').pluck();
  const bareRow = db.prepare('SELECT * FROM mail_messages WHERE id = ?');
  const base = timeEach(contacts, (c) => bareIds.all(c).forEach((id) => bareRow.get(id)));
  // What the timeline asked before mail/003: every message by date, each checked for the contact.
  const walk = db.prepare(
    `SELECT m.* FROM mail_messages m WHERE EXISTS (SELECT 1 FROM mail_message_contacts c WHERE c.message_id = m.id AND c.contact_id = ?)
       AND (? IS NULL OR m.received_at < ?) ORDER BY m.received_at DESC, m.id DESC LIMIT 20`,
  );
  const before = timeEach(contacts.slice(0, 60), (c) => walk.all(c, null, null));
  db.close();
  return [
    { name: `contact timeline, mail source (20 newest) p99, ${label}`, value: pct(ours, 99), unit: 'ms', baseline: { name: 'bare indexed query + rows', value: pct(base, 99) }, target: { max: 20 } },
    { name: `contact timeline, mail source p50, ${label}`, value: pct(ours, 50), unit: 'ms', baseline: { name: 'the query before the per-contact index (walk by date)', value: pct(before, 50) } },
  ];
}

async function callFigures(): Promise<BenchFigure[]> {
  const label = `${CALLS.toLocaleString('en-US')} calls`;
  const source = cached(`calls-${CALLS}`, (db) => seedCalls(db, CALLS));
  const db = openDatabase(source);
  const repo = new CallsRepository(db);
  const operators = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 200 : 1 + (i % 199)));
  repo.list({ from: null, to: null, limit: 50, operatorId: 200 });
  const ours = timeEach(operators, (operatorId) => repo.list({ from: null, to: null, limit: 50, operatorId }));
  const bareList = db.prepare('SELECT c.* FROM call_operators o JOIN calls c ON c.id = o.call_id WHERE o.operator_id = ? ORDER BY o.started_at DESC LIMIT 50');
  const base = timeEach(operators, (operatorId) => bareList.all(operatorId));
  const open = timeEach([0, 1, 2, 3, 4], () => repo.openLinkedIds());
  const bareOpen = db.prepare('SELECT linked_id FROM calls WHERE id > ?');
  const maxId = (db.prepare('SELECT max(id) AS m FROM calls').get() as { m: number }).m;
  const baseOpen = timeEach([0, 1, 2, 3, 4], () => bareOpen.all(maxId - 20));
  db.close();

  // Start-up: the whole app until /healthz answers 200, on an empty database (the baseline: what
  // registering every capability costs on this machine now) and on the seeded one. The first
  // start of a copy builds retention's own indexes once; the second is every later start.
  const empty = await startupMs(null);
  const dataDir = join(CACHE, 'startup-run');
  const first = await startupMs(source);
  const startup = await startupMs(source, true);
  const appDb = openDatabase(join(dataDir, 'contactbox.sqlite'));
  const app = await buildApp({ config: defaultConfig(dataDir), db: appDb, uiDir: null });
  await app.ready();
  // Health probes while the start-up work (storage forecast, index check) runs on reader threads.
  const probes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const p = performance.now();
    await app.inject({ method: 'GET', url: '/healthz' });
    probes.push(performance.now() - p);
    await new Promise((r) => setTimeout(r, 5));
  }
  await app.close();
  appDb.close();
  rmSync(dataDir, { recursive: true, force: true });
  return [
    { name: `operator's call list (50 newest) p99, ${label}`, value: pct(ours, 99), unit: 'ms', baseline: { name: 'bare indexed join query', value: pct(base, 99) }, target: { max: 20 } },
    { name: `open calls after an AMI reconnect, ${label}`, value: pct(open, 50), unit: 'ms', baseline: { name: 'bare rowid range read of the same 20 rows', value: pct(baseOpen, 50) } },
    { name: `first start-up on a copy (retention builds its indexes once) to /healthz 200, ${label}`, value: first, unit: 'ms', baseline: { name: 'start-up on an empty database', value: empty } },
    { name: `start-up to /healthz 200, ${label}`, value: startup, unit: 'ms', baseline: { name: 'start-up on an empty database', value: empty }, target: { max: 3000 } },
    { name: `/healthz p99 in the first seconds after start, ${label}`, value: pct(probes, 99), unit: 'ms', target: { max: 20 } },
  ];
}

/** Milliseconds from opening the database to /healthz 200 (a fresh copy of `source`, or an empty database). */
async function startupMs(source: string | null, reuse = false): Promise<number> {
  const dataDir = join(CACHE, source ? 'startup-run' : 'startup-empty');
  const file = join(dataDir, 'contactbox.sqlite');
  if (!reuse) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    if (source) copyFileSync(source, file);
  }
  const t = performance.now();
  const db = openDatabase(file);
  const app = await buildApp({ config: defaultConfig(dataDir), db, uiDir: null });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  const ms = performance.now() - t;
  await app.close();
  db.close();
  if (res.statusCode !== 200) throw new Error(`/healthz answered ${res.statusCode}`);
  return ms;
}
