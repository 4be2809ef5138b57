import { randomUUID } from 'node:crypto';
import type { SessionUser } from '../core/auth/sessions.js';
import type { Masker } from '../core/masking.js';
import { AppError } from '../core/errors.js';
import { INTERNS_CONTEXT, isInternalNumber, TelephonyError, type TelephonyPort } from '../telephony/port.js';
import type { ResolvedTelephonyConfig } from '../telephony/config.js';
import type { CallRecord, CallsRepository } from './repository.js';
import type { CallItem } from './schemas.js';
import { toE164 } from './phone.js';

export interface ContactsLookup {
  matchPhone(raw: string): { id: number } | null;
  /** The contact (its phones, E.164) — to dial by contact id. */
  get?(contactId: number): { phones: readonly string[] } | null;
}

export interface CallsServiceDeps {
  repo: CallsRepository;
  port: TelephonyPort | null;
  config: ResolvedTelephonyConfig | null;
  contacts: () => ContactsLookup | null;
  /**
   * Licensing's check before a new outbound dialog, when that capability is loaded: throws the
   * licence error, or returns a function giving the held session back if the call never starts.
   */
  assertCanOpenOutbound: (operatorId: number) => (() => void) | void;
  audit: (entry: { actorId: number; action: string; targetType: string; targetId: number | string; details?: Record<string, unknown> }) => void;
  /** Tell the operator their click-to-call did not start (phone offline, busy…). */
  onOriginateFailed: (operatorId: number, callRef: string, reason: number) => void;
}

/**
 * Who sees which call: admins and supervisors all of them; operators and interns the calls they
 * took part in (any operator leg of theirs). Teams do not exist as data yet, so "my team's
 * calls" is not offered; when they do, this is the one function to widen.
 */
export function canSee(viewer: Pick<SessionUser, 'id' | 'role'>, call: Pick<CallRecord, 'operatorIds' | 'operatorId'>): boolean {
  if (viewer.role === 'admin' || viewer.role === 'supervisor') return true;
  return call.operatorId === viewer.id || call.operatorIds.includes(viewer.id);
}

/** The API shape of a call; the customer's number passes through the viewer's masker. */
export function toItem(r: CallRecord, masker: Masker): CallItem {
  const customerIsFrom = r.direction === 'inbound';
  const customerIsTo = r.direction === 'outbound';
  return {
    id: r.id,
    direction: r.direction,
    from: customerIsFrom ? masker.phone(r.from) : r.from,
    to: customerIsTo ? masker.phone(r.to) : r.to,
    did: r.did,
    trunk: r.trunk,
    queue: r.queue,
    operatorId: r.operatorId,
    startedAt: r.startedAt,
    answeredAt: r.answeredAt,
    endedAt: r.endedAt,
    waitSec: r.waitSec,
    talkSec: r.talkSec,
    disposition: r.disposition,
    contactId: r.contactId,
    recording: r.recording,
  };
}

export class CallsService {
  /** Click-to-calls waiting for their first channel: callRef → contact and operator. */
  readonly pendingOriginates = new Map<string, { contactId: number | null; operatorId: number; actionId: string }>();
  /**
   * OriginateResponse can arrive in the same read as the action's own response, before the
   * caller has the ActionID: failures are kept here briefly so none is missed.
   */
  private readonly earlyFailures = new Map<string, number>();

  /** An OriginateResponse with Response: Failure. */
  originateFailed(actionId: string, reason: number): void {
    for (const [callRef, p] of this.pendingOriginates) {
      if (p.actionId !== actionId) continue;
      this.pendingOriginates.delete(callRef);
      this.deps.onOriginateFailed(p.operatorId, callRef, reason);
      return;
    }
    this.earlyFailures.set(actionId, reason);
    if (this.earlyFailures.size > 100) this.earlyFailures.delete(this.earlyFailures.keys().next().value!);
  }

  constructor(private readonly deps: CallsServiceDeps) {}

  list(viewer: SessionUser, q: { from?: string; to?: string; limit: number }): CallRecord[] {
    const own = viewer.role === 'admin' || viewer.role === 'supervisor' ? null : viewer.id;
    return this.deps.repo.list({ from: q.from ?? null, to: q.to ?? null, limit: q.limit, operatorId: own });
  }

  get(viewer: SessionUser, id: number): CallRecord {
    const call = this.deps.repo.get(id);
    // A call the viewer may not see is reported as absent: its existence is not theirs to know.
    if (!call || !canSee(viewer, call)) throw new AppError('CALL_NOT_FOUND', { id });
    return call;
  }

  private requirePort(): { port: TelephonyPort; config: ResolvedTelephonyConfig } {
    if (!this.deps.port || !this.deps.config) throw new AppError('TELEPHONY_DISABLED');
    return { port: this.deps.port, config: this.deps.config };
  }

  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof TelephonyError) {
        throw new AppError(err.kind === 'rejected' ? 'TELEPHONY_REJECTED' : 'TELEPHONY_UNAVAILABLE', { reason: err.message }, err);
      }
      throw err;
    }
  }

  /** Rings the operator's phone first; when they answer, the dialplan dials the customer. */
  /**
   * A supervisor listens to, whispers to (the operator alone hears them) or barges into an
   * operator's call: their own phone rings, and on answer Asterisk's ChanSpy joins the operator's
   * channel (`q` quiet, `w` whisper, `B` barge, `E` ends with the spied call). Audited.
   */
  async spy(viewer: SessionUser, id: number, mode: 'listen' | 'whisper' | 'barge'): Promise<void> {
    const call = this.get(viewer, id);
    const live = call.endedAt ? [] : call.legs.filter((l) => l.role === 'operator' && !l.endedAt);
    const leg = live.find((l) => l.upAt) ?? live[0];
    if (!leg) throw new AppError('CALL_NOT_IN_PROGRESS', { id });
    const { port } = this.requirePort();
    const endpoint = this.deps.repo.endpointOfUser(viewer.id);
    if (!endpoint) throw new AppError('NO_ENDPOINT');
    const options = { listen: 'qE', whisper: 'qwE', barge: 'qBE' }[mode];
    await this.command(() =>
      port.originate({
        endpoint,
        context: '',
        exten: '',
        application: { name: 'ChanSpy', data: `${leg.channel},${options}` },
        callerId: `"${mode}" <${id}>`,
        channelId: `spy-${randomUUID()}`,
      }),
    );
    this.deps.audit({ actorId: viewer.id, action: `call.${mode}`, targetType: 'call', targetId: id, details: { channel: leg.channel, operatorId: leg.operatorId } });
  }

  /**
   * The outside number a click-to-call or a transfer dials: a contact's first number, or a number
   * typed in — never by an intern, who dials by contact only and never handles raw digits.
   */
  private outsideNumber(viewer: SessionUser, body: { contactId: number } | { number: string }, refusal: 'FORBIDDEN' | 'TRANSFER_OUTSIDE_BY_CONTACT_ONLY'): { e164: string; contactId: number | null } {
    let raw: string | null;
    let contactId: number | null = null;
    if ('contactId' in body) {
      const contacts = this.deps.contacts();
      if (!contacts?.get) throw new AppError('CONTACTS_UNAVAILABLE');
      raw = contacts.get(body.contactId)?.phones[0] ?? null;
      if (!raw) throw new AppError('CONTACT_NOT_FOUND_FOR_CALL', { id: body.contactId });
      contactId = body.contactId;
    } else {
      if (viewer.role === 'intern') throw new AppError(refusal);
      raw = body.number;
    }
    const e164 = toE164(raw);
    if (!e164) throw new AppError('INVALID_PHONE_NUMBER');
    if (contactId === null) contactId = this.deps.contacts()?.matchPhone(e164)?.id ?? null;
    return { e164, contactId };
  }

  async clickToCall(viewer: SessionUser, body: { contactId: number } | { number: string }): Promise<{ callRef: string }> {
    const { port, config } = this.requirePort();
    const { e164, contactId } = this.outsideNumber(viewer, body, 'FORBIDDEN');
    const endpoint = this.deps.repo.endpointOfUser(viewer.id);
    if (!endpoint) throw new AppError('NO_ENDPOINT');
    const release = this.deps.assertCanOpenOutbound(viewer.id);
    const callRef = `cb-${randomUUID()}`;
    const digits = e164.slice(1);
    let actionId: string;
    try {
      // Through the dialplan (never straight to PJSIP/x@trunk): the outbound routes pick the
      // trunk and enforce each GSM line's one-call limit.
      ({ actionId } = await this.command(() =>
        port.originate({
          endpoint,
          context: config.outboundContext,
          exten: `${config.dialPrefix}${digits}`,
          callerId: `"${e164}" <${digits}>`,
          channelId: callRef,
          variables: { CRM_CALL_ID: callRef },
        }),
      ));
    } catch (err) {
      if (typeof release === 'function') release();
      throw err;
    }
    this.pendingOriginates.set(callRef, { contactId, operatorId: viewer.id, actionId });
    const early = this.earlyFailures.get(actionId);
    if (early !== undefined) {
      this.earlyFailures.delete(actionId);
      this.originateFailed(actionId, early);
    }
    this.deps.audit({ actorId: viewer.id, action: 'call.originate', targetType: 'call', targetId: callRef, details: { contactId } });
    return { callRef };
  }

  private liveCallFor(viewer: SessionUser, id: number): CallRecord {
    const call = this.get(viewer, id);
    if (call.endedAt) throw new AppError('CALL_NOT_IN_PROGRESS', { id });
    if (viewer.role !== 'admin' && viewer.role !== 'supervisor' && call.operatorId !== viewer.id) throw new AppError('NOT_YOUR_CALL', { id });
    return call;
  }

  async hangup(viewer: SessionUser, id: number): Promise<void> {
    const { port } = this.requirePort();
    const call = this.liveCallFor(viewer, id);
    const open = call.legs.filter((l) => !l.endedAt);
    // Hanging up the customer's leg ends the bridge; the other legs follow.
    const target = open.find((l) => l.role === 'external') ?? open[0];
    if (!target) throw new AppError('CALL_NOT_IN_PROGRESS', { id });
    await this.command(() => port.hangup(target.channel));
    this.deps.audit({ actorId: viewer.id, action: 'call.hangup', targetType: 'call', targetId: id });
  }

  /**
   * Blind transfer: the customer's leg goes to a colleague or a queue (an internal number), or out
   * to a number under click-to-call's rules: interns only to a contact, never to typed digits, and
   * an outside leg needs the licence's outbound dialog. An intern's internal transfer runs in the
   * interns' context, which has no outbound routes (the same one their phone's REFER uses).
   */
  async transfer(viewer: SessionUser, id: number, target: { exten: string } | { contactId: number }): Promise<void> {
    const { port, config } = this.requirePort();
    const call = this.liveCallFor(viewer, id);
    const open = call.legs.filter((l) => !l.endedAt);
    const customer = open.find((l) => l.role === 'external') ?? open.find((l) => l.operatorId !== viewer.id);
    if (!customer) throw new AppError('CALL_NOT_IN_PROGRESS', { id });
    if ('exten' in target && isInternalNumber(target.exten)) {
      const context = viewer.role === 'intern' ? INTERNS_CONTEXT : config.outboundContext;
      await this.command(() => port.redirect(customer.channel, context, target.exten));
      this.deps.audit({ actorId: viewer.id, action: 'call.transfer', targetType: 'call', targetId: id, details: { exten: target.exten } });
      return;
    }
    const { e164, contactId } = this.outsideNumber(viewer, 'exten' in target ? { number: target.exten } : target, 'TRANSFER_OUTSIDE_BY_CONTACT_ONLY');
    const release = this.deps.assertCanOpenOutbound(viewer.id);
    try {
      await this.command(() => port.redirect(customer.channel, config.outboundContext, `${config.dialPrefix}${e164.slice(1)}`));
    } catch (err) {
      if (typeof release === 'function') release();
      throw err;
    }
    // Like click-to-call: the contact is recorded, a typed number only for those who may see it.
    this.deps.audit({ actorId: viewer.id, action: 'call.transfer', targetType: 'call', targetId: id, details: { outside: true, contactId } });
  }

  async queueAction(viewer: SessionUser, body: { action: 'login' | 'logout' | 'pause' | 'unpause'; queue: string; reason?: string }): Promise<void> {
    const { port } = this.requirePort();
    const endpoint = this.deps.repo.endpointOfUser(viewer.id);
    if (!endpoint) throw new AppError('NO_ENDPOINT');
    await this.command(async () => {
      if (body.action === 'login') await port.queueAdd({ queue: body.queue, interface: endpoint, memberName: viewer.displayName });
      else if (body.action === 'logout') await port.queueRemove(body.queue, endpoint);
      else await port.queuePause(body.queue, endpoint, body.action === 'pause', body.reason);
    });
    this.deps.audit({ actorId: viewer.id, action: `queue.${body.action}`, targetType: 'queue', targetId: body.queue });
  }
}
