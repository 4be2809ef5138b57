import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../appliance/app.js';
import { defaultConfig, type Config } from '../../appliance/config.js';
import { openDatabase, type Db } from '../../appliance/core/db.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { insertUser } from '../../appliance/core/auth/plugin.js';
import type { Role } from '../../appliance/core/auth/sessions.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  /** Creates a user and returns a logged-in client for them. */
  userClient(role: Role, username?: string, password?: string): Promise<TestClient>;
  close(): Promise<void>;
}

/** A logged-in browser-like client over `app.inject()`: sends the cookie and the CSRF token. */
export interface TestClient {
  userId: number;
  username: string;
  password: string;
  cookie: string;
  csrfToken: string;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function buildTestApp(
  options: Partial<Omit<AppDeps, 'config' | 'db'>> & { config?: Partial<Config>; clock?: ManualClock; /** Parent of the data directory (default the system's temp directory). */ under?: string } = {},
): Promise<TestApp> {
  const { under, ...deps } = options;
  const dataDir = mkdtempSync(join(under ?? tmpdir(), 'contactbox-test-'));
  const config = defaultConfig(dataDir, options.config ?? {});
  const db = openDatabase(join(dataDir, 'contactbox.sqlite'));
  const clock = options.clock ?? new ManualClock(new Date());
  const app = await buildApp({ uiDir: null, ...deps, config, db, clock });
  await app.ready();
  let counter = 0;
  return {
    app,
    db,
    clock,
    config,
    dataDir,
    async userClient(role, username = `${role}${++counter}`, password = 'correct horse battery staple') {
      const userId = await insertUser({ db, clock }, { username, password, displayName: `Test ${username}`, role });
      return login(app, username, password, userId);
    },
    async close() {
      await app.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(app: FastifyInstance, username: string, password: string, userId = 0): Promise<TestClient> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login of ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'cb_session');
  if (!setCookie) throw new Error('login set no session cookie');
  const cookie = `cb_session=${setCookie.value}`;
  const { csrfToken, id } = res.json() as { csrfToken: string; id: number };
  return {
    userId: userId || id,
    username,
    password,
    cookie,
    csrfToken,
    request(method, url, body, headers = {}) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: { cookie, 'x-csrf-token': csrfToken, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
  };
}
