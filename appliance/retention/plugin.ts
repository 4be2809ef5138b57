import { registerRetentionOperations } from './admin-ops.js';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { RetentionService } from './service.js';
import type { RetentionClass, HoldScope } from './types.js';
import { createRetention, forecastAsync } from './setup.js';
import { startReader } from './reader.js';
import { retentionRoutes } from './routes.js';
import { registerRetentionMessages } from './errors.js';
import { statfsProbe, type DiskProbe, type StorageForecast } from './forecast.js';
import { tableExists } from './classes/shared.js';

/** What other capabilities see as `app.retention`. */
export interface RetentionApi {
  /** Plugs a data class (e.g. chats) into retention; its policy applies from the next run. */
  register(cls: RetentionClass): void;
  service: RetentionService;
}

declare module 'fastify' {
  interface FastifyInstance {
    retention: RetentionApi;
  }
}

/** Test overrides (`overrides.retention`): a fixed disk, a different schedule. */
export interface RetentionOverrides {
  disk?: DiskProbe;
  /** Milliseconds between scheduled runs (default one day); 0 turns the schedule off. */
  intervalMs?: number;
  /** Delay before the first scheduled run after start (default 10 minutes). */
  firstRunDelayMs?: number;
}

const DAY = 86_400_000;
const HOLD_TABLES: Partial<Record<HoldScope, string>> = { contact: 'contacts', call: 'calls', mail_thread: 'mail_threads', chat: 'chat_conversations' };

export const retentionPlugin = fp(
  async function retention(app: FastifyInstance) {
    registerRetentionMessages();
    const { db, clock, config, audit, health, overrides } = app.deps;
    const dataDir = config.paths.data;
    const own = (overrides.retention ?? {}) as RetentionOverrides;
    // Mail is deleted through the mail capability (tombstones), looked up when needed because
    // it may register after retention.
    type MailApi = { deleteMessages(ids: number[], reason: string): unknown };
    const mailDeleter = () => {
      const mail = (app as unknown as { mail?: MailApi }).mail;
      return mail && typeof mail.deleteMessages === 'function' ? async (ids: number[]) => {
            await mail.deleteMessages(ids, 'retention');
          } : null;
    };
    const reader = startReader(db);
    const { service, config: section } = createRetention({ db, clock, dataDir, audit, config: config.retention, log: app.log, reader, extra: { mailDeleter } });
    const disk = own.disk ?? statfsProbe;
    registerRetentionOperations(app.deps.adminChannel, { service, dataDir, clock, config: section });
    // The forecast scans every class's table, so health probes read the last one computed (at
    // start, by the schedule, or by an admin opening it) instead of scanning on every /healthz.
    let lastForecast: StorageForecast | null = null;
    let started = 0;
    let applied = 0;
    const forecast = async () => {
      const mine = ++started;
      const f = await forecastAsync(service, dataDir, clock, section, disk);
      // An older computation finishing late never replaces a newer one.
      if (mine > applied) {
        applied = mine;
        lastForecast = f;
      }
      return f;
    };

    app.decorate('retention', { register: (cls: RetentionClass) => service.register(cls), service } satisfies RetentionApi);

    const existsStatements = new Map<HoldScope, ((id: string) => boolean) | undefined>();
    const targetExists = (scope: HoldScope, targetId: string): boolean | undefined => {
      if (!existsStatements.has(scope)) {
        const table = HOLD_TABLES[scope];
        const stmt = table && tableExists(db, table) ? db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`) : undefined;
        existsStatements.set(scope, stmt ? (id: string) => Boolean(stmt.get(id)) : undefined);
      }
      return existsStatements.get(scope)?.(targetId);
    };
    await retentionRoutes(app, { service, forecast, targetExists });

    // A held contact merged into another: its calls and mail now carry the other id, so the
    // hold follows them there (audited like any hold).
    type Contacts = { onMerge(handler: (keptId: number, mergedId: number) => void): void };
    if (app.hasDecorator('contacts')) {
      (app as unknown as { contacts: Contacts }).contacts.onMerge((keptId, mergedId) => service.followMerge(keptId, mergedId));
    }

    // The console and `status` show this; warnings at 80 % and 90 % disk use. The full forecast
    // scans every class's table, so it is computed at start, after each scheduled run and when
    // an admin opens it; the disk's fill level (one statfs) is read on every probe.
    const diskNow = () => {
      const facts = disk(dataDir);
      return facts.totalBytes > 0 ? ((facts.totalBytes - facts.freeBytes) / facts.totalBytes) * 100 : 0;
    };
    // Sizing every class reads whole tables (tens of seconds at ten million calls): at start it
    // runs on the reader thread while the app already serves; storage says "unknown" until then.
    app.addHook('onReady', async () => {
      forecast().catch((err) => app.log.warn({ err }, 'retention: storage forecast at start failed'));
    });
    health.register('storage', () => {
      const used = diskNow();
      if (used >= 90) return `critical: the data disk is ${used.toFixed(1)} % full; new recordings are still kept`;
      const f = lastForecast;
      if (f && f.level !== 'ok') return `${f.level}: ${f.warnings[0] ?? ''}`.trim();
      if (used >= 80) return `warning: the data disk is ${used.toFixed(1)} % full`;
      return f ? 'ok' : 'unknown';
    });

    // The daily sweep. When the disk is nearly full it runs hourly: expired data goes first, but
    // unexpired data is never deleted to make room — the admin is warned instead.
    const interval = own.intervalMs ?? DAY;
    let timer: NodeJS.Timeout | null = null;
    let lastRun = 0;
    const tick = async () => {
      timer = null;
      try {
        const used = diskNow();
        if (used >= 80) app.log.warn({ usedPercent: Math.round(used * 10) / 10 }, 'retention: the data disk is filling up; new data is still kept');
        const due = clock.now().getTime() - lastRun >= interval || used >= 90;
        if (due && !service.running) {
          lastRun = clock.now().getTime();
          await service.run({ trigger: 'schedule', actor: 'schedule' });
          const f = await forecast();
          if (f.level !== 'ok') app.log.warn({ warnings: f.warnings }, 'retention: storage forecast warning');
        }
      } catch (err) {
        app.log.error({ err }, 'retention: scheduled run failed');
      } finally {
        if (!closing) schedule(Math.min(interval, 60 * 60_000));
      }
    };
    let closing = false;
    const schedule = (ms: number) => {
      timer = setTimeout(() => void tick(), ms);
      timer.unref();
    };
    if (interval > 0 && section.schedule !== false) schedule(own.firstRunDelayMs ?? 10 * 60_000);
    app.addHook('onClose', async () => {
      closing = true;
      if (timer) clearTimeout(timer);
      await service.stop();
      await reader?.close();
    });
  },
  { name: 'retention', dependencies: ['deps', 'auth'] },
);
