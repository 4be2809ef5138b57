import type { Db } from '../../appliance/core/db.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { AmiStandin, ScaledClock } from '../support/asterisk-standin/index.js';
import { telephonyCapability } from '../../appliance/telephony/index.js';
import { callsCapability } from '../../appliance/calls/index.js';
import type { Capability } from '../../appliance/capability.js';

/** Only what calls need, so these tests neither wait for nor depend on other capabilities. */
export const CALL_CAPABILITIES: readonly Capability[] = [telephonyCapability, callsCapability];

/** A user row for an operator who never logs in (no password hashing: fast). */
export function insertOperator(db: Db, username: string): number {
  const now = new Date().toISOString();
  return Number(
    db
      .prepare("INSERT INTO users (username, password_hash, display_name, role, active, created_at, updated_at) VALUES (?, 'x', ?, 'operator', 1, ?, ?)")
      .run(username, username, now, now).lastInsertRowid,
  );
}

export const SPEED = 10;

export interface Rig {
  t: TestApp;
  standin: AmiStandin;
  clock: ScaledClock;
  users: Record<string, number>;
  close(): Promise<void>;
}

/** An app following a stand-in Asterisk over AMI, with op101/op102/op201 linked to users. */
export async function startRig(
  options: { secret?: string; backoffMs?: number; speed?: number; overrides?: Record<string, unknown>; capabilities?: readonly Capability[]; telephony?: Record<string, unknown> } = {},
): Promise<Rig> {
  const standin = new AmiStandin();
  const port = await standin.start();
  const clock = new ScaledClock(options.speed ?? SPEED);
  const t = await buildTestApp({
    clock,
    capabilities: options.capabilities ?? CALL_CAPABILITIES,
    config: { telephony: { mode: 'local', ami: { host: '127.0.0.1', port, username: 'crm', secret: options.secret ?? 'crmsecret' }, ...options.telephony } },
    overrides: { telephony: { amiBackoff: { initialMs: options.backoffMs ?? 50, maxMs: 400 } }, ...options.overrides },
  });
  const users: Record<string, number> = {};
  for (const op of ['op101', 'op102', 'op201']) {
    users[op] = insertOperator(t.db, `user-${op}`);
    t.app.calls.repo.setEndpoint(users[op]!, `PJSIP/${op}`);
  }
  t.app.calls.refreshEndpoints();
  return {
    t,
    standin,
    clock,
    users,
    async close() {
      await t.close();
      await standin.stop();
    },
  };
}

export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Row {
  id: number;
  linked_id: string;
  direction: string;
  disposition: string | null;
  wait_sec: number;
  talk_sec: number;
  from_number: string | null;
  to_number: string | null;
  did: string | null;
  trunk: string | null;
  queue: string | null;
  operator_id: number | null;
  ended_at: string | null;
  reconciled: number;
  transferred: number;
  held: number;
}

export function callRows(db: Db): Row[] {
  return db.prepare('SELECT * FROM calls ORDER BY id').all() as Row[];
}
