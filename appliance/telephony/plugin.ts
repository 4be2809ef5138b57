import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { readTelephonyConfig, type ResolvedTelephonyConfig } from './config.js';
import { AmiTelephony } from './ami/adapter.js';
import { AriClient } from './ari/client.js';
import { AriEventStream } from './ari/events.js';
import type { TelephonyPort } from './port.js';

/** What other capabilities get: the port (null when telephony is off) and its configuration. */
export interface TelephonyService {
  port: TelephonyPort | null;
  ari: Pick<AriClient, 'storedRecording' | 'deleteStoredRecording' | 'channels'> | null;
  /** Events of our Stasis application (DTMF, its recordings), when ARI is configured. */
  ariEvents: AriEventStream | null;
  config: ResolvedTelephonyConfig | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    telephony: TelephonyService;
  }
}

/** Test and embedding hook: `overrides.telephony` replaces the adapters built from the config. */
export interface TelephonyOverrides {
  port?: TelephonyPort;
  ari?: TelephonyService['ari'];
  config?: Partial<ResolvedTelephonyConfig>;
  /** Reconnect backoff of the AMI link (tests use short ones). */
  amiBackoff?: { initialMs: number; maxMs: number };
}

export const telephonyPlugin = fp(
  async function telephony(app: FastifyInstance) {
    const config = readTelephonyConfig(app.deps.config.telephony);
    const overrides = (app.deps.overrides.telephony ?? {}) as TelephonyOverrides;
    const resolved: ResolvedTelephonyConfig | null = config
      ? { ...config, ...overrides.config }
      : overrides.port
        ? { mode: 'local', dialPrefix: '9', outboundContext: 'from-operators', ...overrides.config }
        : null;
    let port: TelephonyPort | null = overrides.port ?? null;
    if (!port && config?.ami) {
      port = new AmiTelephony({ ...config.ami, backoff: overrides.amiBackoff, now: () => app.deps.clock.now() });
    }
    const ari = overrides.ari ?? (config?.ari ? new AriClient(config.ari) : null);
    const ariEvents = config?.ari && !overrides.port ? new AriEventStream({ ...config.ari, backoff: overrides.amiBackoff }) : null;
    app.decorate('telephony', { port, ari, ariEvents, config: resolved } satisfies TelephonyService);
    app.deps.health.register('telephony', () => (port ? port.status() : 'disabled'));
    if (ariEvents) {
      app.deps.health.register('ari', () => ariEvents.status());
      app.addHook('onReady', async () => ariEvents.start());
      app.addHook('onClose', async () => ariEvents.stop());
    }
    if (port) {
      // Start after every capability subscribed, so no early event is missed.
      app.addHook('onReady', async () => port!.start());
      app.addHook('onClose', async () => port!.stop());
    }
  },
  { name: 'telephony', dependencies: ['deps'] },
);
