import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../appliance/app.js';
import type { Capability } from '../../appliance/capability.js';
import { defaultConfig } from '../../appliance/config.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { openDatabase, type Db } from '../../appliance/core/db.js';
import { insertUser } from '../../appliance/core/auth/plugin.js';
import type { Role } from '../../appliance/core/auth/sessions.js';
import { licensingCapability } from '../../appliance/licensing/index.js';
import type { LicensingOverrides } from '../../appliance/licensing/plugin.js';
import { login, type TestClient } from '../support/test-app.js';
import { DEV_BUILD, facts } from './helpers.js';

/**
 * An appliance with the licensing capability on a database and licence file that outlive the
 * app, so a test can restart it. The fake machine is server A (recorded facts).
 */
export interface LicensingHarness {
  dir: string;
  licenseFile: string;
  dbFile: string;
  clock: ManualClock;
  overrides: LicensingOverrides;
  app: FastifyInstance;
  db: Db;
  start(): Promise<FastifyInstance>;
  restart(): Promise<FastifyInstance>;
  client(role: Role): Promise<TestClient>;
  publish(event: 'dialog.opened' | 'dialog.closed' | 'dialog.snapshot', payload: unknown): void;
  close(): Promise<void>;
}

export function licensingHarness(
  options: { clock?: ManualClock; extra?: Capability[]; licenseFile?: string; otherOverrides?: Record<string, unknown> } = {},
): LicensingHarness {
  const dir = mkdtempSync(join(tmpdir(), 'contactbox-licensing-'));
  const dbFile = join(dir, 'contactbox.sqlite');
  const licenseFile = options.licenseFile ?? join(dir, 'license.lic');
  const overrides: LicensingOverrides = { facts: async () => facts('server-a'), build: DEV_BUILD, env: {}, tickMs: 3_600_000 };
  let users = 0;
  const h: LicensingHarness = {
    dir,
    licenseFile,
    dbFile,
    clock: options.clock ?? new ManualClock('2026-11-25T12:00:00Z'),
    overrides,
    app: null as unknown as FastifyInstance,
    db: null as unknown as Db,
    async start() {
      h.db = openDatabase(dbFile);
      const config = defaultConfig(dir, { licensing: { file: licenseFile } });
      h.app = await buildApp({ config, db: h.db, clock: h.clock, uiDir: null, capabilities: [licensingCapability, ...(options.extra ?? [])], overrides: { ...options.otherOverrides, licensing: overrides } });
      await h.app.ready();
      return h.app;
    },
    async restart() {
      await h.app.close();
      h.db.close();
      return h.start();
    },
    async client(role) {
      const username = `${role}${++users}`;
      const password = 'correct horse battery staple';
      const userId = await insertUser({ db: h.db, clock: h.clock }, { username, password, displayName: username, role });
      return login(h.app, username, password, userId);
    },
    publish(event, payload) {
      (h.app.deps.bus.publish as (e: string, p: unknown) => void)(event, payload);
    },
    async close() {
      await h.app?.close();
      h.db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
