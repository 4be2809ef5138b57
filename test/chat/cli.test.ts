import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminSocketPath } from '../../appliance/core/admin-channel.js';
import { runSourceCli } from '../support/cli.js';
import { startChatAppliance, type ChatAppliance } from './support.js';
import type { TestClient } from '../support/test-app.js';

/** `contactbox sites list|add|remove` through the running appliance's admin channel (the CLI never opens the database). */
describe('contactbox sites: chat sites managed from the command line', function () {
  this.timeout(180_000);
  let a: ChatAppliance;
  let admin: TestClient;
  let prefix: string;
  const cli = (...args: string[]) => runSourceCli(['sites', ...args, '--prefix', prefix, '--json']);

  before(async () => {
    a = await startChatAppliance({ sites: 2 });
    admin = await a.client('admin');
    prefix = mkdtempSync(join(tmpdir(), 'contactbox-sites-cli-'));
    // The CLI finds the appliance by its socket under the installation's data directory.
    await a.app.deps.adminChannel.listen(adminSocketPath(join(prefix, 'var/lib/contactbox')));
  });
  after(async () => {
    await a?.close();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it('adds sites counted by registrable domain, refuses a third domain over sites: 2 naming the limit, lists and removes', async () => {
    const first = await cli('add', '--name', 'Shop', '--origin', 'https://shop.example.com.ua', 'https://www.shop.example.com.ua');
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    const added = first.json<{ site: { id: number; snippet: string; secret: string; registrableDomains: string[] }; usage: { domains: string[]; limit: number } }>();
    expect(added.site.registrableDomains).to.deep.equal(['example.com.ua']);
    expect(added.site.snippet).to.match(/^<script src="http:\/\/localhost\/chat\/widget\/[\w-]+\.js" crossorigin="anonymous" async><\/script>$/);
    expect(added.site.secret).to.have.length.greaterThan(20);
    expect(added.usage).to.deep.equal({ domains: ['example.com.ua'], limit: 2 });

    const sameDomain = await cli('add', '--name', 'Main', '--origin', 'https://example.com.ua');
    expect(sameDomain.code, sameDomain.stdout).to.equal(0);
    const other = await cli('add', '--name', 'UA', '--origin', 'https://example.ua');
    expect(other.code, other.stdout).to.equal(0);
    expect(other.json<{ usage: { domains: string[] } }>().usage.domains).to.deep.equal(['example.com.ua', 'example.ua']);

    const over = await cli('add', '--name', 'Third', '--origin', 'https://third.test');
    expect(over.code).to.equal(1);
    expect(over.json<{ error: { code: string; message: string } }>().error).to.deep.include({ code: 'LICENSE_SITES_EXHAUSTED' });
    expect(over.json<{ error: { message: string } }>().error.message).to.contain('2');

    const bad = await cli('add', '--name', 'Bad', '--origin', 'not a url');
    expect(bad.code).to.equal(2);
    expect(bad.json<{ error: { code: string } }>().error.code).to.equal('SITE_ORIGIN_INVALID');

    const list = await cli('list');
    expect(list.code).to.equal(0);
    expect(list.json<{ items: { name: string }[] }>().items.map((s) => s.name)).to.deep.equal(['Main', 'Shop', 'UA']);
    expect(JSON.stringify(list.json())).to.not.contain(added.site.secret);
    // The same sites through the API (one store, one writer).
    expect(((await admin.request('GET', '/api/v1/sites')).json().items as unknown[]).length).to.equal(3);

    const removed = await cli('remove', 'UA');
    expect(removed.code, removed.stdout).to.equal(0);
    expect(removed.json<{ usage: { domains: string[] } }>().usage.domains).to.deep.equal(['example.com.ua']);
    const missing = await cli('remove', 'Nope');
    expect(missing.code).to.equal(2);
    expect(missing.json<{ error: { code: string } }>().error.code).to.equal('SITE_NOT_FOUND');
    const audit = a.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action IN ('chat.site_created', 'chat.site_deleted') AND actor_id IS NULL").get() as { n: number };
    expect(audit.n).to.equal(4);
  });

  it('says the appliance must run when nothing answers on its socket', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'contactbox-sites-cli-stopped-'));
    try {
      const r = await runSourceCli(['sites', 'list', '--prefix', elsewhere, '--json']);
      expect(r.code).to.equal(1);
      expect(r.json<{ error: { code: string } }>().error.code).to.equal('APPLIANCE_NOT_RUNNING');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
