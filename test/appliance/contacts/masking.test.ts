import { expect } from 'chai';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { maskerFor, maskText } from '../../../appliance/core/masking.js';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';

const PHONE = '+380 67 123 45 67';
const PHONE2 = '+1 202 555 0143';
const EMAIL = 'Ivan.Petrenko@Example.com';
/** Every form in which the raw values could leak: as typed, E.164, digits, national, subscriber part, address parts. */
const RAW_TEXT = ['+380671234567', '380671234567', '0671234567', '671234567', '1234567', '+12025550143', '2025550143', '5550143', 'ivan.petrenko', 'van.petrenko', 'petrenko@'];
const RAW_DIGITS = ['671234567', '1234567', '2025550143', '5550143'];

/** Collects every string in a JSON document or every cell of a CSV file. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function leaks(body: string, contentType: string): string[] {
  const found: string[] = [];
  const lower = body.toLowerCase();
  for (const raw of RAW_TEXT) if (lower.includes(raw.toLowerCase())) found.push(`text "${raw}"`);
  // Digit strings split by formatting ("67 123 45 67") are caught per value: digits of each string field or cell.
  const values = contentType.startsWith('application/json') ? strings(JSON.parse(body)) : body.split(/[,\r\n;]/);
  for (const v of values) {
    const digits = v.replace(/\D/g, '');
    for (const raw of RAW_DIGITS) if (digits.includes(raw)) found.push(`digits ${raw} in "${v}"`);
  }
  return found;
}

describe('masking: an intern receives no unmasked phone number or e-mail address anywhere', () => {
  let t: TestApp;
  let admin: TestClient;
  let intern: TestClient;
  let id: number;
  beforeEach(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin');
    intern = await t.userClient('intern');
    const created = await admin.request('POST', '/api/v1/contacts', { name: 'Ivan', phones: [PHONE, PHONE2], emails: [EMAIL], tags: ['vip'] });
    id = created.json().id;
    await admin.request('POST', `/api/v1/contacts/${id}/notes`, { body: `Call him on ${PHONE} or 067-123-45-67, or write to ${EMAIL}` });
    await admin.request('POST', '/api/v1/contacts', { name: 'Other', phones: ['+380 50 765 43 21'] });
    // A lead made by another capability from an unknown caller: its name is the number.
    t.app.contacts.createLead({ name: '', phones: ['067 123 45 67'] });
    // A source of another capability that masks its own fields, as sources must.
    t.app.timeline.register({
      type: 'fake-call',
      list: (contactId, viewer) => [{ type: 'fake-call', at: t.clock.now().toISOString(), contactId, from: t.app.deps.masking.forViewer(viewer).phone('+380671234567') }],
    });
  });
  afterEach(async () => t.close());

  it('the admin sees the raw values (so the scan below can fail)', async () => {
    const res = await admin.request('GET', `/api/v1/contacts/${id}/timeline`);
    expect(leaks(res.body, res.headers['content-type'] as string)).to.not.deep.equal([]);
    const exp = await admin.request('GET', '/api/v1/contacts/export.csv');
    expect(exp.body).to.contain('+380671234567').and.contain('ivan.petrenko@example.com');
  });

  it('scans every response an intern can get, and the export, for the raw values', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v1/contacts'],
      ['GET', `/api/v1/contacts?q=${encodeURIComponent(PHONE)}`],
      ['GET', '/api/v1/contacts?q=0671234567'],
      ['GET', `/api/v1/contacts?q=${encodeURIComponent(EMAIL)}`],
      ['GET', '/api/v1/contacts?q=Ivan'],
      ['GET', '/api/v1/contacts?tag=vip'],
      ['GET', `/api/v1/contacts/${id}`],
      ['GET', `/api/v1/contacts/${id}/timeline`],
      ['GET', '/api/v1/contacts/export.csv'],
      ['PATCH', `/api/v1/contacts/${id}`, { name: 'Ivan P' }],
      ['PATCH', `/api/v1/contacts/${id}`, { phones: ['+380 67 123 45 67'] }],
      ['POST', `/api/v1/contacts/${id}/notes`, { body: 'spoke to him' }],
      ['POST', `/api/v1/contacts/${id}/merge`, { otherId: id + 1 }],
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/teams'],
      ['GET', '/api/v1/contacts/999999'],
    ];
    let scanned = 0;
    for (const [method, url, body] of calls) {
      const res = await intern.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).to.be.below(500);
      expect(leaks(res.body, String(res.headers['content-type'])), `${method} ${url} → ${res.body}`).to.deep.equal([]);
      scanned++;
    }
    expect(scanned).to.equal(calls.length);
  });

  it('an intern finds the contact by a full number or address, sees it masked, and cannot probe with fragments', async () => {
    const byNumber = (await intern.request('GET', `/api/v1/contacts?q=${encodeURIComponent('067 123 45 67')}`)).json();
    expect(byNumber.items.map((c: { id: number }) => c.id).sort()).to.deep.equal([id, id + 2]);
    const ivan = byNumber.items.find((c: { id: number }) => c.id === id);
    expect(ivan.phones[0]).to.equal('+380 67 *** ** 67');
    expect(ivan.emails[0]).to.equal('i***@example.com');
    expect(byNumber.items.find((c: { id: number }) => c.id === id + 2).name).to.equal('+380 67 *** ** 67');
    expect(ivan.masked).to.equal(true);
    const byMail = (await intern.request('GET', `/api/v1/contacts?q=${encodeURIComponent(EMAIL)}`)).json();
    expect(byMail.items.map((c: { id: number }) => c.id)).to.deep.equal([id]);
    // Fragments would let an intern guess hidden digits or letters one at a time.
    expect((await intern.request('GET', '/api/v1/contacts?q=1234')).json().items).to.deep.equal([]);
    expect((await intern.request('GET', '/api/v1/contacts?q=%2B38067123')).json().items).to.deep.equal([]);
    expect((await intern.request('GET', '/api/v1/contacts?q=petrenko%40')).json().items).to.deep.equal([]);
    expect((await admin.request('GET', '/api/v1/contacts?q=1234')).json().items).to.have.length(2);
  });

  it('an intern creating a contact with raw values gets it back masked, and cannot replace masked values', async () => {
    const res = await intern.request('POST', '/api/v1/contacts', { name: 'Walk-in', phones: ['+380 93 111 22 33'], emails: ['walkin@example.org'] });
    expect(res.statusCode).to.equal(201);
    expect(res.json().phones).to.deep.equal(['+380 93 *** ** 33']);
    expect(res.json().emails).to.deep.equal(['w***@example.org']);
    const patch = await intern.request('PATCH', `/api/v1/contacts/${id}`, { emails: [] });
    expect(patch.statusCode).to.equal(403);
    expect(patch.json().error.code).to.equal('MASKED_FIELD_READONLY');
    expect(t.app.contacts.get(id)!.emails).to.deep.equal(['ivan.petrenko@example.com']);
  });

  it('follows the admin’s policy: unmasking interns shows raw values, masking operators hides them', async () => {
    const op = await t.userClient('operator');
    await admin.request('PUT', '/api/v1/settings/masking', { maskedRoles: ['operator'], phoneVisibleTail: 2 });
    const opView = await op.request('GET', `/api/v1/contacts/${id}`);
    expect(leaks(opView.body, 'application/json')).to.deep.equal([]);
    const internView = await intern.request('GET', `/api/v1/contacts/${id}`);
    expect(internView.json().phones).to.include('+380671234567');
  });

  it('live WebSocket events about contacts reach an intern masked and an admin unmasked', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const listen = async (client: TestClient) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: client.cookie } });
      const messages: string[] = [];
      socket.on('message', (m) => messages.push(String(m)));
      await new Promise<void>((resolve, reject) => {
        socket.once('message', () => resolve());
        socket.once('error', reject);
      });
      return { socket, messages };
    };
    const internWs = await listen(intern);
    const adminWs = await listen(admin);
    const other = (await admin.request('POST', '/api/v1/contacts', { name: 'Dup', phones: ['+380 67 123 45 67'], emails: [EMAIL] })).json();
    await admin.request('PATCH', `/api/v1/contacts/${id}`, { tags: ['vip', 'key'] });
    await admin.request('POST', `/api/v1/contacts/${id}/notes`, { body: `new number ${PHONE}` });
    await admin.request('POST', `/api/v1/contacts/${id}/merge`, { otherId: other.id });
    const types = (ms: string[]) => ms.map((m) => JSON.parse(m).type).filter((x: string) => x.startsWith('contact.'));
    for (let i = 0; i < 50 && types(internWs.messages).length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(types(internWs.messages)).to.deep.equal(['contact.created', 'contact.updated', 'contact.note_added', 'contact.merged']);
    for (const m of internWs.messages) expect(leaks(m, 'application/json'), m).to.deep.equal([]);
    expect(adminWs.messages.some((m) => leaks(m, 'application/json').length > 0)).to.equal(true);
    internWs.socket.close();
    adminWs.socket.close();
  });

  it('masks numbers and addresses typed into free text for masked viewers, but not dates or short numbers', () => {
    const text = 'Call 067 123 45 67 or (050) 765-43-21 after 25.11.2026 or 2026-11-25, order 4521, mail a.b@c.example';
    expect(maskText(text, maskerFor({ role: 'admin' }))).to.equal(text);
    const masked = maskText(text, maskerFor({ role: 'intern' }));
    expect(masked).to.not.contain('123 45').and.not.contain('765-43').and.not.contain('a.b@');
    expect(masked).to.contain('25.11.2026').and.contain('2026-11-25').and.contain('order 4521').and.contain('a***@c.example');
  });

  it('redacts the contact’s own raw values from a timeline source that forgot to mask (defence in depth)', async () => {
    t.app.timeline.register({
      type: 'careless',
      list: (contactId) => (contactId === id ? [{ type: 'careless', at: t.clock.now().toISOString(), from: '+380671234567', text: 'dialled 0671234567', to: ['IVAN.PETRENKO@example.com'] }] : []),
    });
    const res = await intern.request('GET', `/api/v1/contacts/${id}/timeline`);
    expect(leaks(res.body, 'application/json')).to.deep.equal([]);
    const item = res.json().items.find((i: { type: string }) => i.type === 'careless');
    expect(item).to.deep.include({ from: '+380 67 *** ** 67', text: 'dialled +380 67 *** ** 67', to: ['i***@example.com'] });
    const adminView = (await admin.request('GET', `/api/v1/contacts/${id}/timeline`)).json().items.find((i: { type: string }) => i.type === 'careless');
    expect(adminView.from).to.equal('+380671234567');
  });
});
