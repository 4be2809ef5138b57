import { expect } from 'chai';
import { startChatAppliance, type ChatAppliance } from './support.js';
import type { TestClient } from '../support/test-app.js';

describe('chat sites API: origins, registrable domains and the licence', () => {
  let a: ChatAppliance;
  let admin: TestClient;
  before(async () => {
    a = await startChatAppliance({ sites: 2 });
    admin = await a.client('admin');
  });
  after(async () => a.close());

  it('counts two sites under one registrable domain once and refuses a third domain over sites: 2, naming the limit', async () => {
    const shop = await admin.request('POST', '/api/v1/sites', { name: 'Shop', origins: ['https://shop.example.com.ua'] });
    expect(shop.statusCode, shop.body).to.equal(201);
    const body = shop.json();
    expect(body.registrableDomain).to.equal('example.com.ua');
    expect(body.snippet).to.match(/^<script src="http:\/\/[^/]+\/chat\/widget\/[A-Za-z0-9_-]+\.js" crossorigin="anonymous" async><\/script>$/);
    expect(body.secret).to.be.a('string').with.length.above(30);

    const main = await admin.request('POST', '/api/v1/sites', { name: 'Main', origins: ['https://example.com.ua', 'https://www.example.com.ua'] });
    expect(main.statusCode, main.body).to.equal(201);
    const second = await admin.request('POST', '/api/v1/sites', { name: 'Other', origins: ['https://example.ua'] });
    expect(second.statusCode, second.body).to.equal(201);

    const third = await admin.request('POST', '/api/v1/sites', { name: 'Third', origins: ['https://another.com'] });
    expect(third.statusCode).to.equal(409);
    expect(third.json().error.code).to.equal('LICENSE_SITES_EXHAUSTED');
    expect(third.json().error.message).to.contain('2');

    // A fourth site under a domain already counted still fits.
    const blog = await admin.request('POST', '/api/v1/sites', { name: 'Blog', origins: ['https://blog.example.ua'] });
    expect(blog.statusCode, blog.body).to.equal(201);

    const list = await admin.request('GET', '/api/v1/sites');
    expect(list.statusCode).to.equal(200);
    expect(list.json().items).to.have.length(4);
    expect(list.json().usage).to.deep.equal({ domains: ['example.com.ua', 'example.ua'], limit: 2 });
  });

  it('refuses what is not an origin, an origin another site has, and non-admins, with coded errors', async () => {
    const bad = await admin.request('POST', '/api/v1/sites', { name: 'X', origins: ['ftp://example.com.ua'] });
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('SITE_ORIGIN_INVALID');
    const path = await admin.request('POST', '/api/v1/sites', { name: 'X', origins: ['https://example.com.ua/shop'] });
    expect(path.json().error.code).to.equal('SITE_ORIGIN_INVALID');
    const taken = await admin.request('POST', '/api/v1/sites', { name: 'X', origins: ['https://SHOP.example.com.ua:443'] });
    expect(taken.statusCode).to.equal(409);
    expect(taken.json().error.code).to.equal('SITE_ORIGIN_TAKEN');
    const operator = await a.client('operator');
    const refused = await operator.request('POST', '/api/v1/sites', { name: 'X', origins: ['https://example.com.ua'] });
    expect(refused.statusCode).to.equal(403);
    const tz = await admin.request('POST', '/api/v1/sites', { name: 'X', origins: ['https://tz.example.com.ua'], settings: { timezone: 'Mars/Olympus' } });
    expect(tz.statusCode).to.equal(400);
    expect(tz.json().error.code).to.equal('SITE_SETTINGS_INVALID');
  });

  it('lets an admin change settings and rotate the secret (audited)', async () => {
    const list = (await admin.request('GET', '/api/v1/sites')).json().items as { id: number }[];
    const id = list[0]!.id;
    const patched = await admin.request('PATCH', `/api/v1/sites/${id}`, { settings: { texts: { uk: { greeting: 'Вітаємо!' } }, form: { name: 'required', email: 'optional', phone: 'off', consent: 'off' } } });
    expect(patched.statusCode, patched.body).to.equal(200);
    expect(patched.json().settings.texts.uk.greeting).to.equal('Вітаємо!');
    const rotated = await admin.request('POST', `/api/v1/sites/${id}/secret`);
    expect(rotated.statusCode).to.equal(200);
    expect(rotated.json().secret).to.be.a('string');
    const audit = a.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'chat.site%' ORDER BY id").all() as { action: string }[];
    expect(audit.map((r) => r.action)).to.include.members(['chat.site_created', 'chat.site_updated', 'chat.site_secret_rotated']);
  });
});
