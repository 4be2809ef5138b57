import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { startReader } from '../core/reader.js';
import '../calls/events.js';
import '../agents/events.js';
import '../chat/events.js';
import '../mail/plugin.js';
import { DialogCounter } from './dialogs.js';
import { ReportsRepository } from './repository.js';
import { ReportsService } from './service.js';
import { startExporter } from './export.js';
import { reportRoutes } from './routes.js';
import { registerReportMessages } from './locales/index.js';
import { DEFAULT_SETTINGS, withLookups, type ReportSettings, type SettingsValues } from './settings.js';
import { Wallboard } from './wallboard.js';
import { ScheduleRunner } from './schedules.js';
import { AppError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    reports: { service: ReportsService; wallboard: Wallboard; schedules: ScheduleRunner };
  }
}

const SUPERVISOR_ROLES = new Set(['admin', 'supervisor']);

export const reportsPlugin = fp(
  async function reports(app: FastifyInstance) {
    registerReportMessages();
    const db = app.deps.db;
    const repo = new ReportsRepository(db);
    let settings: ReportSettings | null = null;
    const currentSettings = () => {
      if (!settings) {
        const stored = repo.setting('settings');
        settings = withLookups({ ...DEFAULT_SETTINGS, ...(stored ? (JSON.parse(stored) as Partial<SettingsValues>) : {}) });
      }
      return settings;
    };
    const saveSettings = (values: SettingsValues) => {
      repo.setSetting('settings', JSON.stringify(values));
      settings = null;
    };
    // Names come from the users capability's service, never its table.
    const userName = (id: number): string | null => {
      if (!app.hasDecorator('users')) return null;
      try {
        return app.users.require(id).displayName;
      } catch {
        return null;
      }
    };
    const teamList = () => (app.hasDecorator('teams') ? app.teams.list() : []);
    const reader = startReader(db);
    const exporter = startExporter();
    const service = new ReportsService({
      repo,
      db,
      reader,
      settings: currentSettings,
      teamsOf: (userId) => teamList().filter((t) => t.memberIds.includes(userId)).map((t) => t.id),
      userName,
      teamName: (id) => teamList().find((t) => t.id === id)?.name ?? null,
      siteName: (id) => siteName(id),
    });
    const siteName = (id: number): string | null => {
      if (!app.hasDecorator('chat')) return null;
      try {
        return app.chat.sites.get(id).name;
      } catch {
        return null;
      }
    };
    const dialogs = new DialogCounter({
      repo,
      businessHours: () => currentSettings().businessHours ?? null,
      teamsOf: (userId) => teamList().filter((t) => t.memberIds.includes(userId)).map((t) => t.id),
    });

    const agents = () => (app.hasDecorator('agents') ? app.agents.all().map((a) => ({ ...a, name: userName(a.userId) ?? `#${a.userId}` })) : []);
    const wallboard = new Wallboard({
      now: () => app.deps.clock.now(),
      settings: currentSettings,
      today: (dayStart, now) => service.todayByQueue(dayStart, now),
      agents,
      queues: () => (app.hasDecorator('agents') ? app.agents.queueNames() : []),
      publish: (snapshot) => app.realtime.publish({ type: 'wallboard', render: (viewer) => (SUPERVISOR_ROLES.has(viewer.role) ? snapshot : undefined) }),
    });

    const bus = app.deps.bus;
    bus.subscribe('call.ended', (fact) => {
      service.onCallEnded(fact);
      wallboard.onCall(fact, true);
    });
    bus.subscribe('call.updated', ({ fact }) => {
      if (fact) wallboard.onCall(fact, false);
    });
    // Mail and chat response times, from their capabilities' events.
    bus.subscribe('chat.started', (e) => {
      dialogs.chatStarted(e);
      const name = siteName(e.siteId);
      if (name) repo.rememberName('site', String(e.siteId), name);
    });
    bus.subscribe('chat.accepted', (e) => dialogs.chatAccepted(e));
    bus.subscribe('chat.message', (e) => dialogs.chatMessage(e));
    bus.subscribe('chat.closed', (e) => dialogs.chatClosed(e));
    bus.subscribe('mail.received', (e) => dialogs.mailReceived(e));
    bus.subscribe('mail.sent', (e) => dialogs.mailReplied(e));
    bus.subscribe('agent.state.changed', ({ ended }) => {
      if (ended) service.onAgentInterval(ended);
      wallboard.changed();
    });

    app.addHook('onClose', async () => {
      schedules.stop();
      await schedules.idle().catch(() => undefined);
      wallboard.stop();
      await exporter.close();
      await reader?.close();
    });

    const schedules = new ScheduleRunner({
      repo,
      service,
      exporter,
      mailer: () =>
        app.hasDecorator('mail')
          ? (input) => app.mail.sendTo(null, input)
          : null,
      now: () => app.deps.clock.now(),
      log: (msg, err) => app.log.warn({ err }, msg),
    });
    app.addHook('onReady', async () => {
      schedules.start();
      void schedules.tick();
    });

    reportRoutes(app, {
      schedules: {
        runner: schedules,
        repo,
        defaultTimeZone: () => currentSettings().businessHours?.timeZone ?? 'UTC',
        mailboxRefusal: (viewer, mailboxId) => {
          if (!app.hasDecorator('mail')) return new AppError('REPORT_MAIL_UNAVAILABLE', { reason: 'the mail module is not running' });
          return app.mail.hasMailbox(mailboxId) && app.mail.canUseMailbox(viewer, mailboxId) ? null : new AppError('REPORT_MAILBOX_NOT_FOUND', { id: mailboxId });
        },
      },
      service,
      exporter,
      settings: currentSettings,
      saveSettings: (values) => {
        saveSettings(values);
        wallboard.changed();
      },
      wallboard: () => wallboard.snapshot(),
      lookup: {
        calls: (ids, viewer) => {
          const out = new Map<number, { from: string | null; to: string | null }>();
          if (!app.hasDecorator('calls')) return out;
          const masker = app.deps.masking.forViewer(viewer);
          for (const c of app.calls.repo.getMany(ids)) out.set(c.id, { from: masker.phone(c.from), to: masker.phone(c.to) });
          return out;
        },
        userName,
      },
    });
    app.decorate('reports', { service, wallboard, schedules });
  },
  { name: 'reports', dependencies: ['deps', 'realtime'] },
);
