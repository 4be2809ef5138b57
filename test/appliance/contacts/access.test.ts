import { expect } from 'chai';
import fp from 'fastify-plugin';
import type { RouteOptions } from 'fastify';
import { capabilities } from '../../../appliance/capabilities.js';
import type { Capability } from '../../../appliance/capability.js';
import { insertUser } from '../../../appliance/core/auth/plugin.js';
import type { Role } from '../../../appliance/core/auth/sessions.js';
import { buildTestApp, type TestApp, type TestClient } from '../../support/test-app.js';

type Status = number;
interface Row {
  method: string;
  /** The route as registered (for the completeness check). */
  route: string;
  /** Creates what the call needs and returns the concrete request. */
  prepare(t: TestApp): Promise<{ url: string; body?: unknown; headers?: Record<string, string> }> | { url: string; body?: unknown; headers?: Record<string, string> };
  expect: Record<Role, Status>;
}

const ALL = (s: Status): Record<Role, Status> => ({ admin: s, supervisor: s, operator: s, intern: s });
const ADMIN_ONLY = (s: Status): Record<Role, Status> => ({ admin: s, supervisor: 403, operator: 403, intern: 403 });
const ROLES: Role[] = ['admin', 'supervisor', 'operator', 'intern'];
let seq = 0;

const contact = (t: TestApp) => t.app.contacts.create({ name: `C${++seq}`, phones: ['+380671234567'] }, null).id;
const team = (t: TestApp) => t.app.teams.create({ name: `Team ${++seq}` }, 1).id;
const user = (t: TestApp) => insertUser({ db: t.db, clock: t.clock }, { username: `u${++seq}`, password: 'x', displayName: 'U', role: 'operator' });

/** Every route of contacts and users, and what each role gets. */
const table: Row[] = [
  { method: 'POST', route: '/api/v1/contacts', prepare: () => ({ url: '/api/v1/contacts', body: { name: 'New' } }), expect: ALL(201) },
  { method: 'GET', route: '/api/v1/contacts', prepare: () => ({ url: '/api/v1/contacts?q=C' }), expect: ALL(200) },
  { method: 'GET', route: '/api/v1/contacts/:id', prepare: (t) => ({ url: `/api/v1/contacts/${contact(t)}` }), expect: ALL(200) },
  { method: 'PATCH', route: '/api/v1/contacts/:id', prepare: (t) => ({ url: `/api/v1/contacts/${contact(t)}`, body: { status: 'client' } }), expect: ALL(200) },
  {
    method: 'POST', route: '/api/v1/contacts/:id/merge',
    prepare: (t) => ({ url: `/api/v1/contacts/${contact(t)}/merge`, body: { otherId: contact(t) } }),
    expect: { admin: 200, supervisor: 200, operator: 200, intern: 403 },
  },
  { method: 'POST', route: '/api/v1/contacts/:id/notes', prepare: (t) => ({ url: `/api/v1/contacts/${contact(t)}/notes`, body: { body: 'hi' } }), expect: ALL(201) },
  { method: 'GET', route: '/api/v1/contacts/:id/timeline', prepare: (t) => ({ url: `/api/v1/contacts/${contact(t)}/timeline` }), expect: ALL(200) },
  {
    method: 'POST', route: '/api/v1/contacts/import',
    prepare: () => ({ url: '/api/v1/contacts/import', body: 'name,phones\nImported,0501112233\n', headers: { 'content-type': 'text/csv' } }),
    expect: { admin: 201, supervisor: 201, operator: 403, intern: 403 },
  },
  {
    // Nobody started an import with this key: found or not, only importers may ask.
    method: 'GET', route: '/api/v1/contacts/import/progress',
    prepare: () => ({ url: '/api/v1/contacts/import/progress?key=never-started' }),
    expect: { admin: 404, supervisor: 404, operator: 403, intern: 403 },
  },
  { method: 'GET', route: '/api/v1/contacts/tags', prepare: () => ({ url: '/api/v1/contacts/tags?prefix=v' }), expect: ALL(200) },
  { method: 'GET', route: '/api/v1/contacts/export.csv', prepare: () => ({ url: '/api/v1/contacts/export.csv' }), expect: ALL(200) },
  { method: 'GET', route: '/api/v1/users', prepare: () => ({ url: '/api/v1/users' }), expect: ALL(200) },
  { method: 'GET', route: '/api/v1/users/:id', prepare: () => ({ url: '/api/v1/users/1' }), expect: ALL(200) },
  {
    method: 'POST', route: '/api/v1/users',
    prepare: () => ({ url: '/api/v1/users', body: { username: `n${++seq}`, password: 'orange-Tulip-42-river', displayName: 'N', role: 'intern' } }),
    expect: ADMIN_ONLY(201),
  },
  { method: 'PATCH', route: '/api/v1/users/:id', prepare: async (t) => ({ url: `/api/v1/users/${await user(t)}`, body: { displayName: 'Renamed' } }), expect: ADMIN_ONLY(200) },
  { method: 'POST', route: '/api/v1/users/:id/deactivate', prepare: async (t) => ({ url: `/api/v1/users/${await user(t)}/deactivate`, body: {} }), expect: ADMIN_ONLY(200) },
  {
    method: 'POST', route: '/api/v1/users/:id/reactivate',
    prepare: async (t) => {
      const id = await user(t);
      t.db.prepare('UPDATE users SET active = 0 WHERE id = ?').run(id);
      return { url: `/api/v1/users/${id}/reactivate` };
    },
    expect: ADMIN_ONLY(200),
  },
  { method: 'PUT', route: '/api/v1/me/language', prepare: () => ({ url: '/api/v1/me/language', body: { language: 'en' } }), expect: ALL(200) },
  { method: 'GET', route: '/api/v1/teams', prepare: () => ({ url: '/api/v1/teams' }), expect: ALL(200) },
  { method: 'GET', route: '/api/v1/teams/:id', prepare: (t) => ({ url: `/api/v1/teams/${team(t)}` }), expect: ALL(200) },
  { method: 'POST', route: '/api/v1/teams', prepare: () => ({ url: '/api/v1/teams', body: { name: `T${++seq}` } }), expect: ADMIN_ONLY(201) },
  { method: 'PATCH', route: '/api/v1/teams/:id', prepare: (t) => ({ url: `/api/v1/teams/${team(t)}`, body: { description: 'd' } }), expect: ADMIN_ONLY(200) },
  { method: 'DELETE', route: '/api/v1/teams/:id', prepare: (t) => ({ url: `/api/v1/teams/${team(t)}` }), expect: ADMIN_ONLY(204) },
  { method: 'GET', route: '/api/v1/settings/masking', prepare: () => ({ url: '/api/v1/settings/masking' }), expect: ADMIN_ONLY(200) },
  {
    method: 'PUT', route: '/api/v1/settings/masking',
    prepare: () => ({ url: '/api/v1/settings/masking', body: { maskedRoles: ['intern'], phoneVisibleTail: 2 } }),
    expect: ADMIN_ONLY(200),
  },
  { method: 'GET', route: '/api/v1/audit', prepare: () => ({ url: '/api/v1/audit?limit=5' }), expect: ADMIN_ONLY(200) },
];

const MINE = /^\/api\/v1\/(contacts|users|teams|settings\/masking|audit|me\/language)(\/|$)/;

describe('contacts and users: every role on every route', () => {
  let t: TestApp;
  const registered: string[] = [];
  const clients = {} as Record<Role, TestClient>;
  const recorder: Capability = {
    name: 'route-recorder',
    migrations: [],
    plugin: fp(async (app) => {
      app.addHook('onRoute', (r: RouteOptions) => {
        for (const m of ([] as string[]).concat(r.method as string)) if (m !== 'HEAD' && MINE.test(r.url)) registered.push(`${m} ${r.url}`);
      });
    }),
  };
  before(async () => {
    t = await buildTestApp({ capabilities: [recorder, ...capabilities] });
    for (const role of ROLES) clients[role] = await t.userClient(role);
  });
  after(async () => t.close());

  it('the table covers every route these capabilities register', () => {
    expect([...new Set(registered)].sort()).to.deep.equal(table.map((r) => `${r.method} ${r.route}`).sort());
  });

  for (const row of table) {
    it(`${row.method} ${row.route}: ${ROLES.map((r) => `${r} ${row.expect[r]}`).join(', ')}, anonymous 401`, async () => {
      for (const role of ROLES) {
        const { url, body, headers } = await row.prepare(t);
        const res = await clients[role].request(row.method, url, body, headers);
        expect(res.statusCode, `${role}: ${res.body}`).to.equal(row.expect[role]);
        if (res.statusCode === 403) expect(res.json().error.code).to.equal('FORBIDDEN');
      }
      const { url, body, headers } = await row.prepare(t);
      const anon = await t.app.inject({ method: row.method as 'GET', url, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }) });
      expect(anon.statusCode).to.equal(401);
      expect(anon.json().error.code).to.equal('AUTH_REQUIRED');
    });
  }
});
