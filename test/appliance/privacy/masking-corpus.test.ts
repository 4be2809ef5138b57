import { expect } from 'chai';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { maskerFor, maskText } from '../../../appliance/core/masking.js';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';
import { allForms, corpus, leaksIn, leaksInBody, stringsOf } from './corpus.js';
import { messageDetail, messageItem, timelineItem } from '../../../appliance/mail/view.js';
import { messageView } from '../../../appliance/chat/view.js';
import type { MessageRow } from '../../../appliance/mail/types.js';

describe('masking corpus: every spelling of a number or address is masked for interns', () => {
  const intern = maskerFor({ role: 'intern' });

  it('the corpus is not empty and its detector finds every raw form (so the scans below can fail)', () => {
    expect(allForms.length).to.be.greaterThan(40);
    for (const f of allForms) expect(leaksIn([`note: ${f.form} end`]), f.form).to.not.deep.equal([]);
  });

  it('each form, alone and inside text, becomes the one mask of its value', () => {
    for (const f of allForms) {
      for (const text of [f.form, `call ${f.form} today`, `${f.form}.pdf`, `Re: ${f.form}`]) {
        const masked = maskText(text, intern);
        expect(leaksIn([masked]), `${JSON.stringify(text)} → ${JSON.stringify(masked)}`).to.deep.equal([]);
        expect(masked, JSON.stringify(text)).to.contain(f.mask);
      }
      expect(maskText(f.form, maskerFor({ role: 'admin' }))).to.equal(f.form);
    }
  });

  it('mail (subject, sender name, attachment file names, body) and chat (text, file name) views mask every form', () => {
    for (const f of allForms) {
      const mail: MessageRow = {
        id: 1, contactIds: [], messageId: `<${f.form}@mail.example>`, threadId: 1, mailboxId: 1, direction: 'in',
        subject: `Re: ${f.form}`, from: [{ name: f.form, address: 'zoryana.kovalchuk@example.com' }], to: [], cc: [], inReplyTo: null, references: [],
        date: null, receivedAt: '2026-11-25T12:00:00.000Z', bodyText: `Call me on ${f.form} or write.`, assigneeId: null, originalAssigneeId: null,
        // An address glued to the form, whatever its spelling (`a@x.com-b [at] y [dot] com.pdf` included).
        attachments: [{ name: `${f.form}.pdf`, bytes: 10, contentType: 'application/pdf' }, { name: `client@example.com-${f.form}.pdf`, bytes: 10, contentType: 'application/pdf' }],
      };
      const views = [messageItem(mail, intern), messageDetail(mail, intern), timelineItem(mail, intern)];
      expect(leaksIn(views.flatMap(stringsOf)), f.form).to.deep.equal([]);
      const chat = messageView({ conversationId: 1, seq: 1, author: 'visitor', operatorId: null, clientId: null, text: `my number ${f.form}`, file: { sha256: 'x', name: `${f.form}.png`, type: 'image/png', bytes: 1 }, at: '2026-11-25T12:00:00.000Z' } as never, intern, null);
      expect(leaksIn(stringsOf(chat)), f.form).to.deep.equal([]);
    }
  });

  it('the phone and address maskers give the same mask for every spelling', () => {
    for (const f of allForms) {
      if (f.kind === 'phone' && !/[a-z]/i.test(f.form)) expect(intern.phone(f.form), f.form).to.equal(f.mask);
      if (f.kind === 'email' && !/[<:({[]/.test(f.form)) expect(intern.email(f.form), f.form).to.equal(f.mask);
    }
  });
});

describe('masking corpus over HTTP: tags, names, notes, search, export and live events', function () {
  this.timeout(120_000);
  let t: TestApp;
  let admin: TestClient;
  let intern: TestClient;

  before(async () => {
    t = await buildTestApp();
    admin = await t.userClient('admin');
    intern = await t.userClient('intern');
  });
  after(async () => t.close());

  it('an intern receives no raw value from any response, the CSV export or the live events', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { cookie: intern.cookie } });
    const events: string[] = [];
    ws.on('message', (m) => events.push(String(m)));
    await new Promise((r) => ws.once('message', r));

    const ids: number[] = [];
    for (const [i, f] of allForms.entries()) {
      const tags = f.form.length <= 50 ? [f.form, 'corpus'] : ['corpus'];
      const res = await admin.request('POST', '/api/v1/contacts', { name: `Corpus ${i} ${f.form}`, tags });
      expect(res.statusCode, res.body).to.equal(201);
      ids.push(res.json().id);
      const note = await admin.request('POST', `/api/v1/contacts/${res.json().id}/notes`, { body: `Subject: call back on ${f.form} please` });
      expect(note.statusCode, note.body).to.equal(201);
      await admin.request('PATCH', `/api/v1/contacts/${res.json().id}`, { tags: [...tags, 'seen'] });
    }
    // The admin's view holds the raw forms: the scan is able to fail.
    const adminList = await admin.request('GET', '/api/v1/contacts?tag=corpus&limit=200');
    expect(leaksInBody(adminList.body, 'application/json')).to.not.deep.equal([]);

    const urls = [
      '/api/v1/contacts?limit=200',
      '/api/v1/contacts?tag=corpus&limit=200',
      '/api/v1/contacts?q=Corpus&limit=200',
      '/api/v1/contacts/export.csv',
      ...ids.flatMap((id) => [`/api/v1/contacts/${id}`, `/api/v1/contacts/${id}/timeline`]),
    ];
    for (const url of urls) {
      const res = await intern.request('GET', url);
      expect(res.statusCode, `${url} ${res.body}`).to.equal(200);
      expect(leaksInBody(res.body, String(res.headers['content-type'])), url).to.deep.equal([]);
    }
    // Name fragments that match only inside a hidden value confirm nothing.
    for (const probe of ['oryana', 'kovalchuk', 'zoryana.kov']) {
      expect((await intern.request('GET', `/api/v1/contacts?q=${probe}`)).json().items, probe).to.deep.equal([]);
    }
    const list = (await intern.request('GET', '/api/v1/contacts?tag=corpus&limit=200')).json().items as { tags: string[] }[];
    expect(list).to.have.length(allForms.length);
    expect(list.flatMap((c) => c.tags)).to.include('+380 67 *** ** 19').and.include('z***@example.com');

    for (let i = 0; i < 200 && events.filter((e) => e.includes('contact.note_added')).length < allForms.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.includes('"contact.note_added"'))).to.have.length(allForms.length);
    expect(leaksIn(events.flatMap((e) => stringsOf(JSON.parse(e))))).to.deep.equal([]);
    ws.close();
  });

  it('every value of the corpus is in it at least twice (a form list that shrinks is a bug)', () => {
    for (const v of corpus) expect(v.forms.length, v.value).to.be.greaterThan(1);
  });
});
