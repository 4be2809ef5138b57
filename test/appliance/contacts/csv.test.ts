import { expect } from 'chai';
import { parseCsv, csvLine } from '../../../appliance/contacts/csv.js';
import { AppError } from '../../../appliance/core/errors.js';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';

describe('contacts CSV: parser', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF, a BOM and blank lines', () => {
    const rows = parseCsv('\ufeffname,tags\r\n"Doe, ""JD"" John","a;b"\r\n\r\n"two\nlines",x\n', 10);
    expect(rows).to.deep.equal([
      { line: 1, cells: ['name', 'tags'] },
      { line: 2, cells: ['Doe, "JD" John', 'a;b'] },
      { line: 4, cells: ['two\nlines', 'x'] },
    ]);
  });

  it('refuses an unclosed quote and text after a closing quote with the line number', () => {
    for (const [text, line] of [['a\n"open', 2], ['a\n"x"y', 2]] as const) {
      try {
        parseCsv(text, 10);
        expect.fail('parsed');
      } catch (err) {
        expect(err).to.be.instanceOf(AppError);
        expect((err as AppError).code).to.equal('CSV_MALFORMED');
        expect((err as AppError).params.line).to.equal(line);
      }
    }
  });

  it('writes fields so spreadsheets keep them as text', () => {
    expect(csvLine(['=HYPERLINK("x")', 'a,b', '+380671234567'], [true, true, false])).to.equal('"\'=HYPERLINK(""x"")","a,b",+380671234567\r\n');
  });
});

describe('contacts CSV: import and export over HTTP', () => {
  let t: TestApp;
  let admin: TestClient;
  beforeEach(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin', 'boss');
  });
  afterEach(async () => t.close());

  const importCsv = (client: TestClient, text: string) => client.request('POST', '/api/v1/contacts/import', text, { 'content-type': 'text/csv' });
  const count = () => (t.db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;

  it('imports every row in one transaction', async () => {
    const res = await importCsv(admin, 'Name,Phones,Emails,Tags,Status,Owner,Kind\nОлена,067 111 22 33;+1 202 555 0143,O@x.example,vip;wholesale,client,boss,person\nAcme Ltd,,,,lead,,company\n');
    expect(res.statusCode, res.body).to.equal(201);
    expect(res.json().created).to.equal(2);
    const olena = t.app.contacts.get(res.json().ids[0])!;
    expect(olena).to.deep.include({ name: 'Олена', status: 'client', ownerId: admin.userId, kind: 'person' });
    expect(olena.phones).to.deep.equal(['+380671112233', '+12025550143']);
    expect(olena.emails).to.deep.equal(['o@x.example']);
    expect(t.app.contacts.get(res.json().ids[1])!.kind).to.equal('company');
  });

  it('imports nothing when any row is wrong, and lists every bad row with its line and reason', async () => {
    await admin.request('PUT', '/api/v1/me/language', { language: 'uk' });
    const res = await importCsv(admin, 'name,phones,emails,owner\nGood,0671112233,,\nBad phone,12345,,\n,0671112233,,\nBad mail,,nope,\nBad owner,,,ghost\n');
    expect(res.statusCode).to.equal(400);
    expect(res.json().error.code).to.equal('CSV_ROWS_INVALID');
    expect(res.json().error.message).to.equal('4 рядки містять помилки; нічого не імпортовано.');
    expect(res.json().rows.map((r: { line: number; code: string }) => [r.line, r.code])).to.deep.equal([
      [3, 'PHONE_INVALID'], [4, 'NAME_INVALID'], [5, 'EMAIL_INVALID'], [6, 'OWNER_UNKNOWN'],
    ]);
    expect(res.json().rows[0].message).to.equal('Номер телефону №1 недійсний.');
    expect(count()).to.equal(0);
  });

  it('refuses unknown columns, a missing name column, an empty file, JSON sent as CSV, and over-long rows', async () => {
    expect((await importCsv(admin, 'name,fax\nA,1\n')).json().error.code).to.equal('CSV_UNKNOWN_COLUMN');
    expect((await importCsv(admin, 'phones\n0671112233\n')).json().error.code).to.equal('CSV_MISSING_COLUMN');
    expect((await importCsv(admin, '\n\n')).json().error.code).to.equal('CSV_EMPTY');
    const json = await admin.request('POST', '/api/v1/contacts/import', { name: 'x' });
    expect(json.statusCode).to.equal(415);
    const long = await importCsv(admin, `name\n${'a'.repeat(300)}\n`);
    expect(long.json().rows[0].code).to.equal('NAME_TOO_LONG');
    const many = await importCsv(admin, `name,phones\nX,${Array.from({ length: 25 }, (_, i) => `06711122${String(i).padStart(2, '0')}`).join(';')}\n`);
    expect(many.json().rows[0].code).to.equal('TOO_MANY_VALUES');
    expect(count()).to.equal(0);
  });

  it('exports every contact (merged-away ones excluded) with formula-looking text neutralised; interns get masks', async () => {
    await admin.request('POST', '/api/v1/contacts', { name: '=cmd|calc', phones: ['0671112233'], emails: ['a@b.example'], tags: ['x', 'y'] });
    const res = await admin.request('GET', '/api/v1/contacts/export.csv');
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.contain('contacts.csv');
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('id,name,kind,status,owner,phones,emails,tags,created_at');
    expect(lines[1]).to.match(/^1,'=cmd\|calc,person,lead,,\+380671112233,a@b\.example,x;y,/);
    const intern = await t.userClient('intern');
    const masked = await intern.request('GET', '/api/v1/contacts/export.csv');
    expect(masked.body).to.contain('+380 67 *** ** 33').and.contain('a***@b.example');
    expect(masked.body).to.not.contain('1112233');
    const audit = (await admin.request('GET', '/api/v1/audit?action=contact.export')).json();
    expect(audit.items).to.have.length(2);
  });

  it('round-trips: an export imports back as the same contacts', async () => {
    await admin.request('POST', '/api/v1/contacts', { name: 'Round, "trip"', phones: ['0671112233', '+1 202 555 0143'], emails: ['r@t.example'], tags: ['a'], status: 'client' });
    const exported = (await admin.request('GET', '/api/v1/contacts/export.csv')).body;
    const reimport = exported.replace(/^\ufeff/, '').split('\r\n').map((l) => l.split(',').slice(1, -1).join(',')).join('\n')
      .replace('name,kind,status,owner,phones,emails,tags', 'name,kind,status,owner,phones,emails,tags');
    const res = await importCsv(admin, reimport);
    expect(res.statusCode, res.body).to.equal(201);
    const copy = t.app.contacts.get(res.json().ids[0])!;
    const original = t.app.contacts.get(1)!;
    expect({ ...copy, id: 0, createdAt: '', updatedAt: '' }).to.deep.equal({ ...original, id: 0, createdAt: '', updatedAt: '' });
  });

  it('checks a 10,000-row file in slices: other requests are answered meanwhile, progress is readable, each row is normalised once', async function () {
    this.timeout(180_000);
    const lines = ['name,phones,emails,tags'];
    for (let i = 0; i < 10_000; i++) lines.push(`Client ${i},067 ${String(1_000_000 + i).slice(0, 3)} ${String(1_000_000 + i).slice(3, 5)} ${String(1_000_000 + i).slice(5)},c${i}@mail.example,bulk`);
    const csv = `${lines.join('\n')}\n`;
    const service = t.app.contacts;
    let normalised = 0;
    const prepareInput = service.prepareInput.bind(service);
    service.prepareInput = (input) => (normalised++, prepareInput(input));
    const key = 'import-10k-1';
    let answered = false;
    const importing = admin.request('POST', '/api/v1/contacts/import', csv, { 'content-type': 'text/csv', 'idempotency-key': key }).finally(() => (answered = true));
    const seen: { phase: string; checked: number; rows: number }[] = [];
    let healthWhileChecking = 0;
    let refusedTwin: number | null = null;
    while (!answered) {
      const progress = await admin.request('GET', `/api/v1/contacts/import/progress?key=${key}`);
      if (progress.statusCode === 200) {
        const state = progress.json();
        seen.push(state);
        if (state.phase === 'checking' && state.checked < state.rows) {
          if ((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode === 200 && !answered) healthWhileChecking++;
          // The same import sent again while it runs is refused, not stored twice.
          refusedTwin ??= (await admin.request('POST', '/api/v1/contacts/import', csv, { 'content-type': 'text/csv', 'idempotency-key': key })).statusCode;
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    const res = await importing;
    expect(res.statusCode, res.body).to.equal(201);
    expect(res.json().created).to.equal(10_000);
    expect(healthWhileChecking, 'health answered while rows were being checked').to.be.greaterThan(0);
    expect(refusedTwin).to.equal(409);
    const checkedCounts = seen.filter((s) => s.phase === 'checking').map((s) => s.checked);
    expect(checkedCounts.length).to.be.greaterThan(1);
    expect(checkedCounts).to.deep.equal([...checkedCounts].sort((a, b) => a - b));
    expect(seen.every((s) => s.rows === 10_000)).to.equal(true);
    expect(normalised, 'each row normalised once').to.equal(10_000);
    expect(count()).to.equal(10_000);
    const done = (await admin.request('GET', `/api/v1/contacts/import/progress?key=${key}`)).json();
    expect(done).to.deep.equal({ key, phase: 'done', rows: 10_000, checked: 10_000, stored: 10_000 });
    // Progress is the importer's own: another admin, or a key never used, gets a coded 404.
    const other = await t.userClient('admin');
    const foreign = await other.request('GET', `/api/v1/contacts/import/progress?key=${key}`);
    expect(foreign.statusCode).to.equal(404);
    expect(foreign.json().error.code).to.equal('IMPORT_NOT_FOUND');
  });

  it('shows a refused import as refused in its progress, with nothing stored', async () => {
    const res = await admin.request('POST', '/api/v1/contacts/import', 'name,phones\nGood,0671112233\nBad,12345\n', { 'content-type': 'text/csv', 'idempotency-key': 'bad-1' });
    expect(res.statusCode).to.equal(400);
    const state = (await admin.request('GET', '/api/v1/contacts/import/progress?key=bad-1')).json();
    expect(state).to.deep.include({ phase: 'refused', rows: 2, checked: 2, stored: 0 });
    expect(count()).to.equal(0);
  });
});
