import fp from 'fastify-plugin';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildInfo, developmentTrustEnabled, type BuildInfo } from './build-info.js';
import { sideFilePath } from './clock-guard.js';
import { trustedKeyIds } from './keys.js';
import { registerLicensingMessages } from './messages.js';
import type { QueueControlPort } from './queue-enforcer.js';
import { LicensingRepository } from './repository.js';
import { licensingRoutes } from './routes.js';
import { LicensingService } from './service.js';
import { realMachineFacts, recordedMachineFacts, type MachineFactsPort } from './adapters/system-facts.js';
import { watchLicenseFile } from './adapters/license-watcher.js';
import { onTelephonyLinkUp, queueControlFrom, queueControlState } from './adapters/telephony-queues.js';
import { parseDialogClosed, parseDialogOpened, parseDialogSnapshot } from './dialog-events.js';
import './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    licensing: LicensingService;
  }
}

/** Test and embedding hooks: `overrides.licensing`. */
export interface LicensingOverrides {
  facts?: MachineFactsPort;
  queues?: QueueControlPort | null;
  build?: BuildInfo;
  env?: NodeJS.ProcessEnv;
  /** How often dates are re-judged and the clock marks moved (default 60 s). */
  tickMs?: number;
  /** How long after the telephony link comes up restored calls may take to be reported again (default 20 s). */
  reconfirmMs?: number;
}

/** The `licensing` section of the config file (optional). */
interface LicensingConfig {
  /** Where the licence file is; default `license.lic` in the config directory. */
  file?: string;
}

export const licensingPlugin = fp(
  async function licensing(app: FastifyInstance) {
    registerLicensingMessages();
    const overrides = (app.deps.overrides.licensing ?? {}) as LicensingOverrides;
    const section = (app.deps.config.licensing ?? {}) as LicensingConfig;
    const build = overrides.build ?? buildInfo();
    const env = overrides.env ?? process.env;
    const licenseFile = section.file ?? join(app.deps.config.paths.config, 'license.lic');
    // Recorded facts stand in for the machine only where development keys are trusted too.
    const factsFile = developmentTrustEnabled(build, env) ? env.CONTACTBOX_FACTS_FILE : undefined;
    const facts = overrides.facts ?? (factsFile ? recordedMachineFacts(factsFile) : realMachineFacts());

    const service = new LicensingService({
      repo: new LicensingRepository(app.deps.db),
      clock: app.deps.clock,
      licenseFile,
      sideFile: sideFilePath(app.deps.config.paths.data),
      facts,
      build,
      trusted: trustedKeyIds(build, env),
      // Resolved on each use: telephony may be registered after this plugin.
      queues: () => (overrides.queues !== undefined ? overrides.queues : queueControlFrom(app)),
      log: app.log,
      // The UI hides unlicensed modules; admins also see the new limits.
      onChange: (state) =>
        app.realtime.publish({
          type: 'license.changed',
          render: (viewer) => (viewer.role === 'admin' ? { modules: state.modules, status: state.status, sessions: state.sessions, reason: state.reason } : { modules: state.modules }),
        }),
    });
    await service.start();
    app.decorate('licensing', service);
    // `contactbox license activate` asks for this service's verdict before it installs a file,
    // and has the new file applied at once after (the file watcher would take a few seconds).
    app.deps.adminChannel.register('license.judge', async (args) => service.judge(String(args.text ?? '')));
    app.deps.adminChannel.register('license.reload', async () => {
      await service.reload();
      return service.status();
    });
    app.deps.health.register('licensing', () => service.status().status);

    const bus = app.deps.bus as unknown as { subscribe(event: string, listener: (payload: unknown) => void): () => void };
    const unsubscribe = [
      bus.subscribe('dialog.opened', (p) => {
        const event = parseDialogOpened(p);
        if (event) service.dialogOpened(event);
        else app.log.warn({ payload: p }, 'ignored a malformed dialog.opened event');
      }),
      bus.subscribe('dialog.closed', (p) => {
        const event = parseDialogClosed(p);
        if (event) service.dialogClosed(event);
        else app.log.warn({ payload: p }, 'ignored a malformed dialog.closed event');
      }),
      bus.subscribe('dialog.snapshot', (p) => {
        const event = parseDialogSnapshot(p);
        if (event) service.replaceOpenDialogs(event.kind, event.dialogs);
        else app.log.warn({ payload: p }, 'ignored a malformed dialog.snapshot event');
      }),
    ];

    const stopWatching = watchLicenseFile(licenseFile, () => {
      service.reload().catch((err) => app.log.error({ err }, 'could not reload the licence'));
    });
    const timer = setInterval(() => {
      try {
        service.tick();
      } catch (err) {
        app.log.error({ err }, 'licence tick failed');
      }
    }, overrides.tickMs ?? 60_000);
    timer.unref();
    let stopLinkWatch: (() => void) | null = null;
    let reconfirm: NodeJS.Timeout | null = null;
    app.addHook('onReady', async () => {
      if (overrides.queues === undefined && queueControlState(app) === 'unsupported') {
        app.log.warn('the telephony port cannot list queue members: inbound calls over the licensed sessions cannot be held in their queues');
      }
      stopLinkWatch = onTelephonyLinkUp(app, () => {
        // The calls capability reconciles with Asterisk's channels on link-up and reports the
        // calls still up; restored calls it does not report by then ended while we were down.
        if (reconfirm) clearTimeout(reconfirm);
        reconfirm = setTimeout(() => service.dropUnconfirmed('call'), overrides.reconfirmMs ?? 20_000);
        reconfirm.unref();
        void service.enforcer.request();
      });
      void service.enforcer.request();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      if (reconfirm) clearTimeout(reconfirm);
      stopWatching();
      stopLinkWatch?.();
      for (const off of unsubscribe) off();
      await service.enforcer.settled();
    });

    await app.register(async (scope) => licensingRoutes(scope, service));
  },
  { name: 'licensing', dependencies: ['deps'] },
);
