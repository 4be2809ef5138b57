import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from '../../appliance/app.js';
import { defaultConfig } from '../../appliance/config.js';
import { openDatabase, type Db } from '../../appliance/core/db.js';
import { systemClock, type Clock } from '../../appliance/core/clock.js';
import { insertUser } from '../../appliance/core/auth/plugin.js';
import type { Role } from '../../appliance/core/auth/sessions.js';
import type { Capability } from '../../appliance/capability.js';
import { contactsCapability } from '../../appliance/contacts/index.js';
import { usersCapability } from '../../appliance/users/index.js';
import { retentionCapability } from '../../appliance/retention/index.js';
import { licensingCapability } from '../../appliance/licensing/index.js';
import { chatCapability } from '../../appliance/chat/index.js';
import type { ModuleName } from '../../appliance/licensing/license-file.js';
import { login, type TestClient } from '../support/test-app.js';
import { DEV_BUILD, facts, license } from '../licensing/helpers.js';

export const CHAT_CAPABILITIES: Capability[] = [contactsCapability, usersCapability, retentionCapability, licensingCapability, chatCapability];

export interface ChatAppliance {
  app: FastifyInstance;
  db: Db;
  dir: string;
  /** http://127.0.0.1:PORT */
  url: string;
  client(role: Role, name?: string): Promise<TestClient & { displayName: string }>;
  createUser(role: Role, username: string, password: string, displayName?: string): Promise<number>;
  close(): Promise<void>;
}

export interface ChatApplianceOptions {
  sessions?: number;
  sites?: number;
  modules?: ModuleName[];
  clock?: Clock;
  chatConfig?: Record<string, unknown>;
  capabilities?: Capability[];
  uiDir?: string | null;
  /** More config sections (e.g. `mail`). */
  config?: Record<string, unknown>;
}

/** An appliance with chat on 127.0.0.1 (random port), real clock, a development-signed licence. */
export async function startChatAppliance(options: ChatApplianceOptions = {}): Promise<ChatAppliance> {
  const dir = mkdtempSync(join(tmpdir(), 'contactbox-chat-'));
  const licenseFile = join(dir, 'license.lic');
  writeFileSync(licenseFile, license({ sessions: options.sessions ?? 5, sites: options.sites ?? 5, modules: options.modules ?? ['telephony', 'mail', 'chat', 'reports'] }));
  const db = openDatabase(join(dir, 'contactbox.sqlite'));
  const config = defaultConfig(dir, { ...(options.config ?? {}), licensing: { file: licenseFile }, chat: options.chatConfig ?? {} } as never);
  const clock = options.clock ?? systemClock;
  const app = await buildApp({
    config,
    db,
    clock,
    uiDir: options.uiDir ?? null,
    ...(process.env.CHAT_TEST_LOG ? { logger: { level: 'error' } } : {}),
    capabilities: options.capabilities ?? CHAT_CAPABILITIES,
    overrides: { licensing: { facts: async () => facts('server-a'), build: DEV_BUILD, env: {}, tickMs: 3_600_000 }, retention: { intervalMs: 0 } },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  let n = 0;
  const createUser = (role: Role, username: string, password: string, displayName = username) => insertUser({ db, clock }, { username, password, displayName, role });
  return {
    app,
    db,
    dir,
    url: `http://127.0.0.1:${port}`,
    createUser,
    async client(role, name) {
      const username = name ?? `${role}${++n}`;
      const password = 'correct horse battery staple';
      const id = await createUser(role, username, password, `Test ${username}`);
      return { ...(await login(app, username, password, id)), displayName: `Test ${username}` };
    },
    async close() {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Frame = Record<string, unknown> & { t: string };

/** A widget-like visitor socket: keeps every frame received, waits for conditions. */
export class VisitorSocket {
  frames: Frame[] = [];
  ws!: WebSocket;
  closed = false;

  static async open(base: string, key: string, origin: string): Promise<VisitorSocket> {
    const v = new VisitorSocket();
    await v.connect(base, key, origin);
    return v;
  }

  connect(base: string, key: string, origin: string): Promise<void> {
    this.closed = false;
    this.ws = new WebSocket(`${base.replace(/^http/, 'ws')}/chat/ws/${key}`, { headers: { origin } });
    this.ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    this.ws.on('close', () => (this.closed = true));
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    });
  }

  send(frame: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  async waitFor(pred: (f: Frame) => boolean, what: string, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** An operator's live-events socket (/api/v1/events) with the session cookie. */
export class OperatorEvents {
  events: Frame[] = [];
  ws!: WebSocket;

  static async open(base: string, cookie: string): Promise<OperatorEvents> {
    const o = new OperatorEvents();
    o.ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/events`, { headers: { cookie, origin: base } });
    o.ws.on('message', (data) => o.events.push(JSON.parse(String(data)) as Frame));
    await new Promise<void>((resolve, reject) => {
      o.ws.once('open', () => resolve());
      o.ws.once('error', reject);
    });
    return o;
  }

  async waitFor(pred: (f: Frame) => boolean, what: string, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
