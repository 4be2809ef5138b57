import type { Language } from '../config.js';
import { reportText as translate } from './locales/index.js';
import { lastWholePeriod } from './periods.js';
import type { ReportsRepository, ScheduleRow } from './repository.js';
import type { ReportsService } from './service.js';
import type { Exporter } from './export.js';
import { agentsSheet, queuesSheet } from './sheets.js';

/** How the reports are mailed: the mail capability's outgoing path (its `sendTo`), or null without mail. */
export type ReportMailer = (input: {
  mailboxId: number;
  to: string[];
  subject: string;
  text: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
}) => Promise<number>;

export interface ScheduleRunnerDeps {
  repo: ReportsRepository;
  service: ReportsService;
  exporter: Exporter;
  mailer: () => ReportMailer | null;
  now: () => Date;
  log: (msg: string, err?: unknown) => void;
}

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
const RETRY_MS = 15 * 60_000;

/**
 * Scheduled reports: each schedule mails the last whole day, ISO week or month (cut in its time
 * zone) once, as the same CSV/XLSX file the download gives, from a company mailbox through the
 * mail capability. `tick()` runs every minute; a period is due when it is not the one last sent.
 * A failed sending is recorded on the schedule (`lastError`) and tried again 15 minutes later;
 * a period missed while the appliance was stopped is sent at the next start (only the latest).
 */
export class ScheduleRunner {
  private readonly retryAfter = new Map<number, number>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: ScheduleRunnerDeps) {}

  start(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when the pass under way (if any) is over. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** The period a schedule made now would have sent last: its first mail is for the next one. */
  currentKey(period: ScheduleRow['period'], timeZone: string): string {
    return lastWholePeriod(period, this.d.now().getTime(), timeZone).key;
  }

  /** Sends every schedule whose last whole period was not sent yet; one pass at a time. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = this.d.now().getTime();
    for (const s of this.d.repo.schedules()) {
      const period = lastWholePeriod(s.period, now, s.timeZone);
      if (s.lastSentFor === period.key) continue;
      if ((this.retryAfter.get(s.id) ?? 0) > now) continue;
      await this.send(s).catch(() => undefined);
    }
  }

  /** Mails one schedule's last whole period now; resolves with the period and the stored message. */
  async send(s: ScheduleRow): Promise<{ sentFor: string; from: string; to: string; messageId: number }> {
    const period = lastWholePeriod(s.period, this.d.now().getTime(), s.timeZone);
    try {
      const mailer = this.d.mailer();
      if (!mailer) throw new Error('the mail capability is not running');
      const language = s.language as Language;
      const range = this.d.service.range(period.from.toISOString(), period.to.toISOString());
      const sheet = s.report === 'queues' ? queuesSheet(language, await this.d.service.queues(range)) : agentsSheet(language, (await this.d.service.agents(range)).items);
      const content = await this.d.exporter.build(s.format, [sheet]);
      const to = new Date(period.to.getTime() - 1000);
      const fmt = (d: Date) => new Intl.DateTimeFormat(language, { timeZone: s.timeZone, dateStyle: 'medium' }).format(d);
      const vars = { name: s.name, from: fmt(period.from), to: fmt(to) };
      const messageId = await mailer({
        mailboxId: s.mailboxId,
        to: s.recipients,
        subject: translate(language, 'reports.col.subject', vars),
        text: translate(language, 'reports.col.body', vars),
        attachments: [{ filename: `${s.report}_${period.key}.${s.format}`, content, contentType: CONTENT_TYPE[s.format] }],
      });
      this.d.repo.scheduleSent(s.id, { sentFor: period.key });
      this.retryAfter.delete(s.id);
      return { sentFor: period.key, from: period.from.toISOString(), to: period.to.toISOString(), messageId };
    } catch (err) {
      const message = (err as { message?: string }).message ?? String(err);
      this.d.repo.scheduleSent(s.id, { error: message });
      this.retryAfter.set(s.id, this.d.now().getTime() + RETRY_MS);
      this.d.log(`scheduled report ${s.id} (${s.name}) for ${period.key} not sent`, err);
      throw err;
    }
  }
}
