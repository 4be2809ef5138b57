import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Clock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import type { BuildInfo } from './build-info.js';
import { advanceMarks, marksFromValues, mergeMarks, readSideFile, writeSideFile, type ClockMarks } from './clock-guard.js';
import { DialogCounter, type DialogKind, type OpenDialog } from './dialog-counter.js';
import { fingerprintOf } from './fingerprint.js';
import type { VendorKey } from './keys.js';
import type { ModuleName } from './license-file.js';
import { QueueEnforcer, type QueueControlPort } from './queue-enforcer.js';
import { hourOf, type LicensingRepository, type UsageHour } from './repository.js';
import { EVALUATION, licenseSummary, resolveState, type LicenseState } from './state.js';
import { clockRolledBack, verifyLicense, type Verification } from './verify.js';
import type { MachineFactsPort } from './adapters/system-facts.js';

export type Direction = 'inbound' | 'outbound';

export interface LicensingServiceDeps {
  repo: LicensingRepository;
  clock: Clock;
  licenseFile: string;
  sideFile: string;
  facts: MachineFactsPort;
  build: BuildInfo;
  trusted: ReadonlySet<VendorKey['id']>;
  queues: () => QueueControlPort | null;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Called when the status, the limits or the reason change (live update of the UI). */
  onChange?: (state: LicenseState) => void;
}

/** What `status()` and `GET /api/v1/license` report (and, with the same fields, `contactbox license show`). */
export interface LicenseStatus {
  status: LicenseState['status'];
  reason: string | null;
  detail: string | null;
  id: string | null;
  customer: string | null;
  sessions: number;
  modules: ModuleName[];
  sites: number;
  issuedAt: string | null;
  expires: string | null;
  updatesUntil: string | null;
  fingerprint: string;
  fingerprintMatch: boolean | null;
  evaluationEndsAt: string | null;
  clockRolledBack: boolean;
  inUse: number;
  /** The highest number of dialogs open at once in the last 30 days. */
  peak: number;
  /** Whether queue members are paused because every session is in use. */
  holdingQueues: boolean;
  /** Whether inbound calls can be held in their queues (telephony connected and able to list members). */
  queueControl: boolean;
}

const PEAK_WINDOW_MS = 30 * 86_400_000;

/**
 * The licence in force and the enforcement of its limits. One instance per app (built in
 * plugin.ts); everything outside comes in through `deps`.
 */
export class LicensingService {
  /** Read on first need: an installation without a licence file never waits for the machine's facts. */
  private fingerprint: string | null = null;
  private fingerprinting: Promise<string> | null = null;
  private marks: ClockMarks = { firstSeen: null, latestSeen: null };
  private licenseText: string | null = null;
  private state!: LicenseState;
  private readonly counter: DialogCounter;
  /**
   * Dialogs restored from the database at start that their owner has not reported again yet.
   * A call that ended while the appliance was down is never closed by anyone, so restored calls
   * that are not re-opened soon after the telephony link comes up are dropped (`dropUnconfirmed`).
   */
  private readonly unconfirmed: Set<string>;
  readonly enforcer: QueueEnforcer;

  constructor(private readonly deps: LicensingServiceDeps) {
    const restored = deps.repo.openDialogs();
    this.counter = new DialogCounter(restored);
    this.unconfirmed = new Set(restored.map((d) => d.dialogId));
    this.enforcer = new QueueEnforcer(deps.queues, () => this.atLimit(), (err) => deps.log.error({ err }, 'could not pause or unpause queue members'));
  }

  /** Reads the machine's facts, the clock marks and the licence file; call once before use. */
  async start(): Promise<void> {
    this.marks = mergeMarks(
      marksFromValues(this.deps.repo.state('first_seen'), this.deps.repo.state('latest_seen')),
      readSideFile(this.deps.sideFile),
    );
    this.readLicenseFile();
    if (this.licenseText !== null) await this.ensureFingerprint();
    this.tick();
  }

  /** This server's fingerprint, read from the machine's facts once. */
  async ensureFingerprint(): Promise<string> {
    if (this.fingerprint !== null) return this.fingerprint;
    this.fingerprinting ??= this.deps.facts().then((facts) => (this.fingerprint = fingerprintOf(facts)));
    try {
      return await this.fingerprinting;
    } finally {
      this.fingerprinting = null;
    }
  }

  /** Re-reads the licence file (after it changed on disk); a new licence takes effect at once. */
  async reload(): Promise<LicenseState> {
    // Facts are read again (a licence may have been issued after hardware changed), into a
    // local first: a tick while they are read must still judge with the previous fingerprint.
    this.fingerprint = fingerprintOf(await this.deps.facts());
    this.readLicenseFile();
    this.recompute();
    return this.state;
  }

  /** Periodic: moves the clock marks forward, re-judges dates, records the hour's peak. */
  tick(): void {
    const now = this.deps.clock.now();
    const next = advanceMarks(this.marks, now);
    if (next.firstSeen !== this.marks.firstSeen || next.latestSeen !== this.marks.latestSeen) {
      this.marks = next;
      this.deps.repo.setState('first_seen', next.firstSeen!.toISOString());
      this.deps.repo.setState('latest_seen', next.latestSeen!.toISOString());
      try {
        writeSideFile(this.deps.sideFile, next);
      } catch (err) {
        this.deps.log.warn({ err }, 'could not write the licence clock file');
      }
    }
    this.recompute();
    this.deps.repo.recordPeak(hourOf(now), this.counter.inUse, this.state.sessions);
    // Outbound holds expire silently; this also re-applies the hold if Asterisk lost it.
    void this.enforcer.request();
  }

  current(): LicenseState {
    return this.state;
  }

  /** Null until first needed; the status route calls ensureFingerprint() first. */
  currentFingerprint(): string | null {
    return this.fingerprint;
  }

  status(): LicenseStatus {
    const s = this.state;
    const since = hourOf(new Date(this.deps.clock.now().getTime() - PEAK_WINDOW_MS));
    return {
      ...licenseSummary(s, this.counter.inUse, Math.max(this.deps.repo.peakSince(since), this.counter.inUse)),
      issuedAt: s.payload?.issuedAt ?? null,
      fingerprint: this.fingerprint ?? '',
      clockRolledBack: s.clockRolledBack,
      holdingQueues: this.enforcer.holding,
      queueControl: this.deps.queues() !== null,
    };
  }

  /** The verdict this service gives on a licence text (for `contactbox license activate`, which installs it as root). */
  async judge(text: string): Promise<Verification> {
    await this.ensureFingerprint();
    return this.check(text);
  }

  /** Checks a licence file's text against this server without installing it. */
  private check(text: string): Verification {
    return verifyLicense(text, this.verifyContext());
  }

  /**
   * Installs a licence (admin upload): verified first, then written to a temp file, fsynced and
   * renamed over the old one, so a refused or half-written licence never replaces a good one.
   */
  async activate(text: string): Promise<LicenseState> {
    await this.ensureFingerprint();
    const v = this.check(text);
    if (!v.ok) throw new AppError(v.code, { detail: v.detail });
    try {
      writeFileAtomic(this.deps.licenseFile, text.endsWith('\n') ? text : `${text}\n`);
    } catch (err) {
      // Typically the service user may not write the configuration directory.
      this.deps.log.error({ err, file: this.deps.licenseFile }, 'could not save the licence file');
      throw new AppError('LICENSE_NOT_SAVED', { reason: (err as NodeJS.ErrnoException).code ?? 'write failed' }, err);
    }
    return this.reload();
  }

  /**
   * Called before a dialog is opened (an operator's outbound call, a chat taken). Throws the
   * licence error when no session is free; otherwise holds a session for the dialog until its
   * 'dialog.opened' arrives (or a minute passes). The returned function gives the hold back
   * when the attempt fails before the dialog opens.
   */
  assertCanOpenDialog(direction: Direction, options: { operatorId?: number | null } = {}): () => void {
    this.assertActive();
    const now = this.deps.clock.now();
    const committed = this.counter.committed(now.getTime());
    if (committed >= this.state.sessions) {
      this.deps.repo.recordRefused(hourOf(now), this.counter.inUse, this.state.sessions);
      this.deps.log.info({ direction, inUse: this.counter.inUse, sessions: this.state.sessions }, 'dialog refused: licensed sessions exhausted');
      throw new AppError('LICENSE_SESSIONS_EXHAUSTED', { sessions: this.state.sessions });
    }
    const release = this.counter.reserve(options.operatorId ?? null, now.getTime());
    // A held session counts for the queues too: an inbound call must not take it meanwhile.
    void this.enforcer.request();
    return () => {
      release();
      void this.enforcer.request();
    };
  }

  assertModule(name: ModuleName): void {
    this.assertActive();
    if (!this.state.modules.includes(name)) throw new AppError('LICENSE_MODULE_NOT_LICENSED', { module: name });
  }

  /** A route preHandler refusing requests for a module the licence does not include. */
  requireModule(name: ModuleName): preHandlerAsyncHookHandler {
    return async () => {
      this.assertModule(name);
    };
  }

  /** For the chat capability: whether one more site fits (`inUseSites` = sites already set up). */
  assertSiteAvailable(inUseSites: number): void {
    this.assertActive();
    if (inUseSites >= this.state.sites) throw new AppError('LICENSE_SITES_EXHAUSTED', { sites: this.state.sites });
  }

  dialogOpened(event: { dialogId: string; kind: DialogKind; operatorId: number | null; at: string }): void {
    const now = this.deps.clock.now();
    const dialog: OpenDialog = { dialogId: event.dialogId, kind: event.kind, operatorId: event.operatorId, openedAt: event.at };
    this.unconfirmed.delete(event.dialogId);
    if (!this.counter.opened(dialog, now.getTime())) return;
    this.deps.repo.dialogOpened(dialog);
    this.deps.repo.recordPeak(hourOf(now), this.counter.inUse, this.state.sessions);
    if (this.counter.inUse > this.state.sessions) {
      // Never cut: a call that was already ringing when the last session was taken is let through and recorded.
      this.deps.log.warn({ inUse: this.counter.inUse, sessions: this.state.sessions, dialogId: event.dialogId }, 'dialogs over the licensed sessions');
    }
    void this.enforcer.request();
  }

  dialogClosed(event: { dialogId: string }): void {
    this.unconfirmed.delete(event.dialogId);
    if (!this.counter.closed(event.dialogId, this.deps.clock.now().getTime())) return;
    this.deps.repo.dialogClosed(event.dialogId);
    void this.enforcer.request();
  }

  /** Replaces the open dialogs of one kind with what their owner reports (after a reconnect or restart). */
  replaceOpenDialogs(kind: DialogKind, dialogs: readonly OpenDialog[]): void {
    for (const d of this.counter.list()) if (d.kind === kind) this.unconfirmed.delete(d.dialogId);
    const { added, removed } = this.counter.replaceKind(kind, dialogs);
    if (added.length === 0 && removed.length === 0) return;
    this.deps.repo.replaceKind(kind, dialogs);
    this.deps.log.info({ kind, added: added.length, removed: removed.length }, 'open dialogs reconciled');
    void this.enforcer.request();
  }

  /** Drops restored dialogs of `kind` that were not reported open again (called a while after the telephony link is up). */
  dropUnconfirmed(kind: DialogKind): string[] {
    const stale = this.counter.list().filter((d) => d.kind === kind && this.unconfirmed.has(d.dialogId));
    if (stale.length === 0) return [];
    const now = this.deps.clock.now().getTime();
    for (const d of stale) {
      this.unconfirmed.delete(d.dialogId);
      this.counter.closed(d.dialogId, now);
      this.deps.repo.dialogClosed(d.dialogId);
    }
    this.deps.log.info({ kind, dropped: stale.map((d) => d.dialogId) }, 'restored dialogs no longer open were dropped');
    void this.enforcer.request();
    return stale.map((d) => d.dialogId);
  }

  openDialogs(): OpenDialog[] {
    return this.counter.list();
  }

  usage(from: Date, to: Date): UsageHour[] {
    return this.deps.repo.usage(hourOf(from), to.toISOString());
  }

  private atLimit(): boolean {
    return this.counter.committed(this.deps.clock.now().getTime()) >= this.state.sessions;
  }

  private assertActive(): void {
    const s = this.state;
    if (s.status === 'evaluation-ended') {
      throw new AppError('LICENSE_EVALUATION_ENDED', { days: EVALUATION.days, date: (s.evaluationEndsAt ?? '').slice(0, 10) });
    }
    if (s.status === 'invalid' && s.sessions === 0) throw new AppError('LICENSE_NOT_ACTIVE', { reason: s.reason ?? 'unknown' });
  }

  private verifyContext() {
    return {
      fingerprint: this.fingerprint ?? '',
      now: this.deps.clock.now(),
      latestSeen: this.marks.latestSeen,
      build: this.deps.build,
      trusted: this.deps.trusted,
    };
  }

  private readLicenseFile(): void {
    try {
      this.licenseText = readFileSync(this.deps.licenseFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.deps.log.error({ err }, 'cannot read the licence file');
      this.licenseText = null;
    }
  }

  private recompute(): void {
    const previous = this.state;
    const now = this.deps.clock.now();
    const verification = this.licenseText === null ? null : verifyLicense(this.licenseText, this.verifyContext());
    // Evaluation days are counted up to the latest time seen, so a clock turned back does not add days.
    const judgedAt = new Date(Math.max(now.getTime(), this.marks.latestSeen?.getTime() ?? 0));
    this.state = resolveState({ verification, firstSeen: this.marks.firstSeen, now: judgedAt, clockRolledBack: clockRolledBack(now, this.marks.latestSeen) });
    const changed =
      !previous ||
      previous.status !== this.state.status ||
      previous.sessions !== this.state.sessions ||
      previous.reason !== this.state.reason ||
      previous.payload?.licenseId !== this.state.payload?.licenseId ||
      previous.modules.join() !== this.state.modules.join();
    if (changed) {
      this.deps.log.info({ status: this.state.status, sessions: this.state.sessions, reason: this.state.reason }, 'licence state');
      void this.enforcer.request();
      this.deps.onChange?.(this.state);
    }
  }
}
