import { readdirSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { currentUser } from '../core/auth/plugin.js';
import { ErrorResponse } from '../core/route-policy.js';
import { VERSION } from '../version.js';
import { BackupService } from './backups.js';
import { registerSystemMessages } from './errors.js';
import { BackupEntrySchema, NoticesView, SystemView } from './schemas.js';

const DAY_MS = 86_400_000;
const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** The served certificate's end, read once at start (a new certificate needs a restart anyway). */
function certificate(file: string | undefined): { subject: string; notAfter: Date } | null {
  if (!file) return null;
  try {
    const cert = new X509Certificate(readFileSync(file));
    return { subject: cert.subject.replace(/\n/g, ', '), notAfter: new Date(cert.validTo) };
  } catch {
    return null;
  }
}

/**
 * Releases next to the running one (`/opt/contactbox/releases/<version>/dist/appliance/system`),
 * newest first, each with when it was put there (its folder's time: `install` and `upgrade`
 * write a release once and never again), so the page shows when the last upgrade happened.
 */
export function releasesBeside(file: string): { current: string; installed: string[]; rollbackTo: string | null; history: { version: string; installedAt: string | null }[] } {
  const m = /^(.*\/releases)\/([^/]+)\//.exec(file);
  if (!m) return { current: VERSION, installed: [], rollbackTo: null, history: [] };
  let installed: string[] = [];
  try {
    installed = readdirSync(m[1]!).filter((d) => !d.startsWith('.')).sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  } catch {
    installed = [m[2]!];
  }
  const at = (version: string) => {
    try {
      return statSync(join(m[1]!, version)).mtime.toISOString();
    } catch {
      return null;
    }
  };
  return {
    current: m[2]!,
    installed,
    rollbackTo: installed.find((v) => v !== m[2] && v.localeCompare(m[2]!, undefined, { numeric: true }) < 0) ?? null,
    history: installed.map((version) => ({ version, installedAt: at(version) })),
  };
}

/**
 * The `system` capability: what the admin's System page shows beyond component health — the
 * TLS certificate's end, backups (listed, and made now from the console), installed releases —
 * and `/api/v1/notices`, the notices every signed-in user sees on every page (the evaluation
 * licence's end, a filling or full data disk).
 */
export async function systemPlugin(app: FastifyInstance) {
  registerSystemMessages();
  const { config, clock } = app.deps;
  const tlsFile = (config.server as { tls?: { cert?: string } | null }).tls?.cert;
  const cert = certificate(tlsFile);
  const configDir = config.paths.config;
  const backups = new BackupService({
    db: app.deps.db,
    dataDir: config.paths.data,
    configPaths: configDir === config.paths.data ? [] : [join(configDir, 'contactbox.yaml'), join(configDir, 'license.lic'), join(configDir, 'tls')],
    version: VERSION,
    clock,
  });
  const daysLeft = (at: Date) => Math.floor((at.getTime() - clock.now().getTime()) / DAY_MS);
  if (cert) {
    app.deps.health.register('tls', () => {
      const left = daysLeft(cert.notAfter);
      if (left < 0) return `expired: the HTTPS certificate ended on ${cert.notAfter.toISOString().slice(0, 10)}`;
      if (left < 30) return `expiring: the HTTPS certificate ends in ${left} days (${cert.notAfter.toISOString().slice(0, 10)})`;
      return 'ok';
    });
  }

  app.get('/api/v1/system', { config: { access: ['admin'] }, schema: { response: { 200: SystemView, ...errors } } }, async () => ({
    version: VERSION,
    tls: cert ? { subject: cert.subject, notAfter: cert.notAfter.toISOString(), daysLeft: daysLeft(cert.notAfter) } : null,
    backups: { dir: backups.dir, items: backups.list() },
    releases: releasesBeside(fileURLToPath(import.meta.url)),
  }));

  app.post(
    '/api/v1/system/backups',
    { config: { access: ['admin'] }, schema: { body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 201: BackupEntrySchema, ...errors } } },
    async (request, reply) => {
      const made = await backups.create();
      app.deps.audit.record({ actorId: currentUser(request).id, action: 'system.backup', targetType: 'backup', targetId: made.name, details: { name: made.name, bytes: made.bytes } });
      return reply.code(201).send(made);
    },
  );

  app.get('/api/v1/notices', { config: { access: 'user' }, schema: { response: { 200: NoticesView, ...errors } } }, async () => {
    const licensing = app.hasDecorator('licensing') ? (app as unknown as { licensing: { status(): { status: string; evaluationEndsAt: string | null } } }).licensing : null;
    const l = licensing?.status() ?? null;
    const components = await app.deps.health.report();
    const word = (components.storage ?? 'unknown').split(/[\s:]/)[0]!;
    const level = app.deps.storage.full() ? 'full' : word === 'ok' || word === 'warning' || word === 'critical' ? word : 'unknown';
    return {
      licence: l ? { status: l.status, evaluationEndsAt: l.evaluationEndsAt, daysLeft: l.evaluationEndsAt ? Math.max(0, Math.ceil((new Date(l.evaluationEndsAt).getTime() - clock.now().getTime()) / DAY_MS)) : null } : null,
      storage: { level: level as 'ok' | 'warning' | 'critical' | 'full' | 'unknown' },
    };
  });
}
