import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../appliance/app.js';
import { defaultConfig } from '../../../appliance/config.js';
import { openDatabase, type Db } from '../../../appliance/core/db.js';
import { insertUser } from '../../../appliance/core/auth/plugin.js';
import { systemClock } from '../../../appliance/core/clock.js';
import { login, type TestClient } from '../../support/test-app.js';
import type { Dovecot } from '../../support/dovecot.js';
import type { MailOverrides } from '../../../appliance/mail/plugin.js';

/** An app on a data dir the test controls (so a second process or a restart can reuse it). */
export interface MailApp {
  app: FastifyInstance;
  db: Db;
  dataDir: string;
  close(): Promise<void>;
}

export async function openMailApp(dataDir: string, options: { overrides?: MailOverrides; mail?: Record<string, unknown> } = {}): Promise<MailApp> {
  const config = defaultConfig(dataDir, { mail: { autoStart: false, ...options.mail } } as never);
  const db = openDatabase(join(dataDir, 'contactbox.sqlite'));
  const app = await buildApp({ uiDir: null, config, db, clock: systemClock, overrides: options.overrides ? { mail: options.overrides } : {} });
  await app.ready();
  return {
    app,
    db,
    dataDir,
    async close() {
      await app.close();
      db.close();
    },
  };
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'contactbox-mail-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;
export async function client(m: MailApp, role: 'admin' | 'supervisor' | 'operator' | 'intern', name = `${role}${++counter}`): Promise<TestClient> {
  const password = 'correct horse battery staple';
  const userId = await insertUser({ db: m.db, clock: systemClock }, { username: name, password, displayName: `Test ${name}`, role });
  return login(m.app, name, password, userId);
}

export function mailboxBody(dovecot: Dovecot, address: string, extra: Record<string, unknown> = {}) {
  return {
    address,
    imap: { host: '127.0.0.1', port: dovecot.port, security: 'none', username: dovecot.username, password: dovecot.password },
    smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: '', password: '' },
    ...extra,
  };
}

export function count(db: Db, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}
