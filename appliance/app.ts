import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { Db } from './core/db.js';
import { runMigrations } from './core/db.js';
import type { Clock } from './core/clock.js';
import { systemClock } from './core/clock.js';
import { coreMigrations } from './core/migrations.js';
import { AuditLog } from './core/audit.js';
import { EventBus } from './core/events.js';
import { HealthRegistry } from './core/health.js';
import { MaskingService } from './core/masking.js';
import { LookupGuard } from './core/lookup-guard.js';
import { installErrorHandler } from './core/error-handler.js';
import { enforceRouteContracts } from './core/route-policy.js';
import { authPlugin } from './core/auth/plugin.js';
import { realtimePlugin } from './core/realtime.js';
import { registerCoreMessages } from './core/locales/index.js';
import { capabilities as allCapabilities } from './capabilities.js';
import type { Capability } from './capability.js';
import { VERSION } from './version.js';
import { ErrorResponse } from './core/route-policy.js';
import { StorageState } from './core/storage-state.js';
import { AdminChannel } from './core/admin-channel.js';

const AJV_OPTIONS = { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } as const;

const HealthDetails = Type.Object({
  status: Type.String(),
  version: Type.String(),
  db: Type.String(),
  telephony: Type.String(),
  mail: Type.String(),
  components: Type.Record(Type.String(), Type.String()),
  /** The last write refused for lack of disk space, while the condition lasts (for the admin console's warning). */
  diskFull: Type.Union([Type.Object({ since: Type.String(), lastAt: Type.String(), refusedWrites: Type.Integer() }), Type.Null()]),
});

/** What admins (and root, over the admin channel) see of the appliance's parts. */
async function healthDetails(deps: ResolvedDeps) {
  const components = await deps.health.report();
  return {
    status: components.db === 'ok' && !deps.storage.full() ? 'ok' : 'degraded',
    version: VERSION,
    db: components.db ?? 'unknown',
    telephony: components.telephony ?? 'disabled',
    mail: components.mail ?? 'disabled',
    components,
    diskFull: deps.storage.full(),
  };
}

/** Everything the app needs from outside; tests pass fakes, server.ts passes the real ones. */
export interface AppDeps {
  config: Config;
  db: Db;
  clock?: Clock;
  /** Which capabilities to load; default all of them. */
  capabilities?: readonly Capability[];
  /** Per-capability overrides (fake adapters in tests), keyed by capability name. */
  overrides?: Record<string, unknown>;
  logger?: FastifyServerOptions['logger'];
  /** A ready pino logger (the appliance's rotated log file); wins over `logger`. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** TLS material for an HTTPS server; omitted for `inject()` tests. */
  https?: { key: Buffer; cert: Buffer } | null;
  /** Where the built browser UI lives; default dist/ui next to this code. */
  uiDir?: string | null;
}

export interface ResolvedDeps {
  config: Config;
  db: Db;
  clock: Clock;
  audit: AuditLog;
  bus: EventBus;
  health: HealthRegistry;
  masking: MaskingService;
  /** Budget, audit and admin alerts for masked viewers' lookups by a full number or address. */
  lookups: LookupGuard;
  /** Writes refused for lack of disk space (the error handler reports them here). */
  storage: StorageState;
  /** Operations root runs through the local admin socket (the CLI, while the appliance runs). */
  adminChannel: AdminChannel;
  overrides: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: ResolvedDeps;
  }
}

export function migrationsOf(capabilities: readonly Capability[]) {
  return [...coreMigrations, ...capabilities.flatMap((c) => c.migrations)];
}

export function defaultUiDir(): string | null {
  for (const rel of ['../ui/', '../dist/ui/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

const SLOW_REQUEST_MS = 1000;

export async function buildApp(input: AppDeps): Promise<FastifyInstance> {
  const capabilities = input.capabilities ?? allCapabilities;
  registerCoreMessages();
  const clock = input.clock ?? systemClock;
  runMigrations(input.db, migrationsOf(capabilities));

  const app = Fastify({
    ...(input.loggerInstance ? { loggerInstance: input.loggerInstance } : { logger: input.logger ?? false }),
    // Two info lines per request cost about 40 % of throughput; errors are logged by the error
    // handler and slow requests by the hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // On close: idle keep-alive connections end at once, in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ...(input.https ? { https: input.https } : {}),
    ajv: { customOptions: AJV_OPTIONS },
    // Query strings and path parameters are text on the wire and are read as the schema's types
    // (`?limit=20` → 20); JSON bodies are taken as sent: `123`, `true` or `["a"]` is no name.
    schemaController: {
      compilersFactory: {
        buildValidator: ((externalSchemas: never, options: { customOptions?: object } = {}) => {
          const coercing = AjvCompiler()(externalSchemas, options as never);
          const exact = AjvCompiler()(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } } as never);
          return (route: { httpPart?: string }) => (route.httpPart === 'body' ? exact : coercing)(route as never);
        }) as never,
      },
    },
  }) as unknown as FastifyInstance;

  const health = new HealthRegistry();
  const adminChannel = new AdminChannel();
  const audit = new AuditLog(input.db, clock);
  const deps: ResolvedDeps = {
    config: input.config,
    db: input.db,
    clock,
    audit,
    bus: new EventBus((event, err) => app.log.error({ err, event }, 'event subscriber failed')),
    health,
    masking: new MaskingService(input.db, clock),
    lookups: new LookupGuard(input.db, clock, audit),
    storage: new StorageState(clock),
    adminChannel,
    overrides: input.overrides ?? {},
  };
  await app.register(fp(async (instance) => { instance.decorate('deps', deps); }, { name: 'deps' }));

  enforceRouteContracts(app);
  installErrorHandler(app);
  await app.register(authPlugin);
  await app.register(realtimePlugin);
  // A masked user's burst of lookups reaches every admin's open console at once (and the audit log).
  deps.lookups.onAlert((alert) =>
    app.realtime.publish({ type: 'masking.alert', render: (viewer) => (viewer.role === 'admin' ? alert : undefined) }),
  );

  health.register('db', () => (input.db.prepare('SELECT 1 AS ok').get() ? 'ok' : 'error'));
  health.register('telephony', () => 'disabled');
  health.register('mail', () => 'disabled');

  // Anyone on the LAN may ask whether the appliance is up and which version runs; the states of
  // its parts (mailbox addresses, Asterisk's refusals, the licence, the disk) are for admins
  // (`GET /api/v1/health`) and for root through the admin channel (`contactbox status`).
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { response: { 200: Type.Object({ status: Type.String(), version: Type.String() }) } } },
    async () => {
      const components = await health.report();
      return { status: components.db === 'ok' ? 'ok' : 'degraded', version: VERSION };
    },
  );
  app.get(
    '/api/v1/health',
    { config: { access: ['admin'] }, schema: { response: { 200: HealthDetails, '4xx': ErrorResponse } } },
    async () => healthDetails(deps),
  );
  adminChannel.register('health', () => healthDetails(deps));
  adminChannel.register('ping', () => ({ version: VERSION, pid: process.pid }));

  for (const capability of capabilities) {
    await app.register(capability.plugin);
  }

  const uiDir = input.uiDir === undefined ? defaultUiDir() : input.uiDir;
  if (uiDir) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: uiDir, prefix: '/', index: 'index.html', wildcard: false });
    // Client-side routes (/admin, /contacts/42) get the app's page.
    app.get('/*', { config: { access: 'public' } }, (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }

  // A refused WebSocket upgrade has had its HTTP answer; its socket belongs to no server any more,
  // so nothing else would ever close it (and app.close() would wait for it forever).
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket' && reply.statusCode >= 400) request.raw.socket?.destroy();
  });

  // Request logging that costs nothing per normal request: one line for a slow one.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.elapsedTime >= SLOW_REQUEST_MS) app.log.warn({ method: request.method, url: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'slow request');
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  return app;
}
