import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import './events.js';
import './errors.js';
import { CallsRepository, type CallRecord } from './repository.js';
import { CallTracker } from './tracker.js';
import { CallsService, canSee, toItem, type ContactsLookup } from './service.js';
import { callRoutes } from './routes.js';
import type { CallState } from './machine.js';
import { toE164 } from './phone.js';
import { RecordingPipeline, recordingSourceFor, type Transcoder } from './recordings.js';
import { FfmpegTranscoder } from './transcoder.js';
import { hangUpEndpoints } from '../telephony/port.js';
import { recordingRoutes } from './recording-routes.js';

/** Test hook (`overrides.calls`): a transcoder other than ffmpeg. */
export interface CallsOverrides {
  transcoder?: Transcoder;
}

type MaybeContacts = {
  contacts?: ContactsLookup;
  timeline?: { register(source: unknown): void };
  licensing?: { assertCanOpenDialog(direction: 'outbound', options?: { operatorId?: number | null }): (() => void) | void };
};

export const callsPlugin = fp(
  async function calls(app: FastifyInstance) {
    const repo = new CallsRepository(app.deps.db);
    const telephony = app.hasDecorator('telephony') ? app.telephony : { port: null, ari: null, ariEvents: null, config: null };
    const other = app as unknown as MaybeContacts;
    const contacts = () => (app.hasDecorator('contacts') ? (other.contacts ?? null) : null);
    const overrides = (app.deps.overrides.calls ?? {}) as CallsOverrides;

    const service = new CallsService({
      repo,
      port: telephony.port,
      config: telephony.config,
      contacts,
      assertCanOpenOutbound: (operatorId) => (app.hasDecorator('licensing') ? other.licensing!.assertCanOpenDialog('outbound', { operatorId }) : undefined),
      audit: (e) => app.deps.audit.record(e),
      onOriginateFailed: (operatorId, callRef, reason) =>
        app.realtime.publish({ type: 'call.originate_failed', userIds: [operatorId], render: () => ({ callRef, reason }) }),
    });

    const recordings = new RecordingPipeline({
      repo,
      dataDir: app.deps.config.paths.data,
      source: recordingSourceFor(telephony.config, telephony.ari),
      transcoder: overrides.transcoder ?? new FfmpegTranscoder(),
      now: () => app.deps.clock.now(),
      log: app.log,
    });

    let endpoints = repo.endpoints();
    const refreshEndpoints = () => (endpoints = repo.endpoints());
    if (app.hasDecorator('phones')) {
      // Operators' browser softphones identify them on calls without an admin linking each one.
      const syncPhones = () => {
        repo.syncIssuedPhones(app.phones.list().map((p) => ({ userId: p.userId, endpoint: `PJSIP/${p.sipUser}` })), 'PJSIP/cb-op-%');
        refreshEndpoints();
      };
      syncPhones();
      app.phones.onChange(syncPhones);
    }
    // `ringingOperatorIds`: whose phone rings for this call right now (a queue ringing members, a
    // transfer to a colleague). A desk-phone operator's workspace opens the caller's card from it,
    // as a softphone's does from the SIP INVITE.
    const publishCall = (callId: number, ringingOperatorIds: number[]) => {
      const record = repo.get(callId);
      if (!record) return;
      app.realtime.publish({
        type: 'call.updated',
        render: (viewer) => (canSee(viewer, record) ? { ...toItem(record, app.deps.masking.forViewer(viewer)), ringingOperatorIds } : undefined),
      });
    };

    const tracker = new CallTracker(
      repo,
      {
        operatorOf: (endpoint) => endpoints.get(endpoint) ?? null,
        isOperator: (endpoint) => endpoints.has(endpoint),
        dialPrefix: telephony.config?.dialPrefix ?? '9',
        operatorContext: telephony.config?.outboundContext,
      },
      {
        changed: (callId, call, summary) => {
          app.deps.bus.publish('call.updated', { callId, fact: { callId, linkedId: call.linkedId, contactId: null, summary, stints: call.stints } });
          publishCall(
            callId,
            call.legs.filter((l) => l.role === 'operator' && l.operatorId !== null && !l.upAt && !l.endedAt).map((l) => l.operatorId!),
          );
        },
        dialogOpened: (dialogId, operatorId, at) => app.deps.bus.publish('dialog.opened', { dialogId, kind: 'call', operatorId, at }),
        dialogClosed: (dialogId, at) => app.deps.bus.publish('dialog.closed', { dialogId, at }),
        dialogSnapshot: (dialogs) => app.deps.bus.publish('dialog.snapshot', { kind: 'call', dialogs, at: app.deps.clock.now().toISOString() }),
        ended: (callId, call, summary, contactId) => {
          app.deps.bus.publish('call.ended', { callId, linkedId: call.linkedId, contactId, summary, stints: call.stints });
          service.pendingOriginates.delete(call.linkedId);
          if (call.recordingFiles.length > 0) recordings.enqueue(callId, call.recordingFiles);
        },
        contactOf: (call: CallState, summary) => {
          const pending = service.pendingOriginates.get(call.linkedId);
          if (pending?.contactId) return pending.contactId;
          const number = summary.direction === 'inbound' ? summary.from : summary.direction === 'outbound' ? summary.to : null;
          const e164 = toE164(number);
          const found = e164 ? contacts()?.matchPhone(e164) : null;
          return found?.id ?? null;
        },
      },
      () => app.deps.clock.now(),
    );

    const port = telephony.port;
    if (port) {
      // Offboarding: calls on a deactivated user's desk phones end now (their softphone's calls
      // are ended by the softphone capability, which owns those credentials).
      app.deps.bus.subscribe('user.deactivated', async ({ userId }) => {
        const ended = await hangUpEndpoints(port, repo.endpointsOfUser(userId));
        if (ended.length) app.log.info({ userId, channels: ended }, "a deactivated user's calls were hung up");
      });
      port.on((event) => {
        if (event.type === 'link.up') {
          refreshEndpoints();
          port
            .channels()
            .then((channels) => tracker.reconcile(channels))
            .catch((err) => app.log.warn({ err }, 'could not list channels after reconnect'));
          return;
        }
        if (event.type === 'originate.result') {
          if (!event.success) service.originateFailed(event.actionId, event.reason);
          return;
        }
        tracker.handle(event);
      });
    }

    app.addHook('onClose', async () => {
      tracker.flush();
      await recordings.idle();
    });

    callRoutes(app, service, repo, refreshEndpoints);
    recordingRoutes(app, repo, (viewer, callId) => {
      const call = repo.get(callId);
      return !!call && canSee(viewer, call);
    });

    if (app.hasDecorator('contacts')) {
      const bus = app.deps.bus as unknown as { subscribe(event: string, listener: (payload: unknown) => void): () => void };
      bus.subscribe('contact.merged', (p) => {
        const { keptId, mergedId } = p as { keptId?: unknown; mergedId?: unknown };
        if (typeof keptId === 'number' && typeof mergedId === 'number') repo.repointContact(mergedId, keptId);
      });
    }

    if (app.hasDecorator('timeline')) {
      other.timeline!.register({
        type: 'call',
        list: (contactId: number, viewer: import('../core/auth/sessions.js').SessionUser, opts: { limit: number; before?: string }) => {
          const own = viewer.role === 'admin' || viewer.role === 'supervisor' ? null : viewer.id;
          const masker = app.deps.masking.forViewer(viewer);
          return repo
            .list({ from: null, to: null, limit: opts.limit, operatorId: own, contactId, before: opts.before })
            .map((r: CallRecord) => ({ type: 'call', at: r.startedAt, id: r.id, data: toItem(r, masker) }));
        },
      });
    }
    app.decorate('calls', { tracker, service, repo, recordings, refreshEndpoints });
  },
  { name: 'calls', dependencies: ['deps', 'realtime'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    calls: { tracker: CallTracker; service: CallsService; repo: CallsRepository; recordings: RecordingPipeline; refreshEndpoints: () => void };
  }
}
