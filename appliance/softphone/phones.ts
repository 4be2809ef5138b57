import { randomBytes } from 'node:crypto';
import type { Db } from '../core/db.js';
import type { Clock } from '../core/clock.js';

export interface Phone {
  userId: number;
  /** The SIP user name, also the Asterisk endpoint, AOR and auth name. */
  sipUser: string;
  sipPassword: string;
  createdAt: string;
}

interface Row {
  user_id: number;
  sip_user: string;
  sip_password: string;
  created_at: string;
}

/** The SIP user (and Asterisk endpoint) of a user's phone. */
export const sipUserOf = (userId: number) => `cb-op-${userId}`;

const toPhone = (r: Row): Phone => ({ userId: r.user_id, sipUser: r.sip_user, sipPassword: r.sip_password, createdAt: r.created_at });

/**
 * The softphones the appliance has issued: one per user, created on first use with a random
 * password nobody types. Detaching (offboarding) deletes it, so a returning user gets new
 * credentials and the old ones stop working once Asterisk's endpoints are re-rendered.
 */
export class PhoneBook {
  private readonly byUser;
  private readonly insert;
  private readonly remove;
  private readonly all;
  private readonly rotate;
  private readonly revokedOne;
  private readonly revokedAll;
  private readonly markRevoked;
  private readonly unmarkRevoked;
  private readonly listeners = new Set<() => void>();

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {
    this.byUser = db.prepare('SELECT * FROM softphone_phones WHERE user_id = ?');
    this.insert = db.prepare('INSERT OR IGNORE INTO softphone_phones (user_id, sip_user, sip_password, created_at) VALUES (?, ?, ?, ?)');
    this.remove = db.prepare('DELETE FROM softphone_phones WHERE user_id = ?');
    this.all = db.prepare('SELECT * FROM softphone_phones ORDER BY user_id');
    this.rotate = db.prepare('UPDATE softphone_phones SET sip_password = ?, created_at = ? WHERE user_id = ?');
    this.revokedOne = db.prepare('SELECT revoked_at FROM softphone_revoked WHERE user_id = ?');
    this.revokedAll = db.prepare('SELECT user_id, revoked_at FROM softphone_revoked ORDER BY user_id');
    this.markRevoked = db.prepare('INSERT OR REPLACE INTO softphone_revoked (user_id, revoked_at) VALUES (?, ?)');
    this.unmarkRevoked = db.prepare('DELETE FROM softphone_revoked WHERE user_id = ?');
  }

  /** Whether an administrator took this user's phone away (it is then not issued again by itself). */
  isRevoked(userId: number): boolean {
    return this.revokedOne.get(userId) !== undefined;
  }

  /** Users whose phone an administrator revoked, with when. */
  revoked(): { userId: number; revokedAt: string }[] {
    return (this.revokedAll.all() as { user_id: number; revoked_at: string }[]).map((r) => ({ userId: r.user_id, revokedAt: r.revoked_at }));
  }

  /** An administrator takes the phone away: the credentials are deleted and not issued again until `grant`. */
  revoke(userId: number): boolean {
    this.markRevoked.run(userId, this.clock.now().toISOString());
    return this.detach(userId);
  }

  /** An administrator gives a phone (back): issued now, revocation lifted. */
  grant(userId: number): Phone {
    this.unmarkRevoked.run(userId);
    return this.issue(userId);
  }

  /** New password for the same SIP user (a desk phone set up with the old one stops registering). */
  reset(userId: number): Phone | null {
    const changed = this.rotate.run(this.random(24).toString('base64url'), this.clock.now().toISOString(), userId).changes > 0;
    if (changed) this.emit();
    return this.find(userId);
  }

  find(userId: number): Phone | null {
    const row = this.byUser.get(userId) as Row | undefined;
    return row ? toPhone(row) : null;
  }

  /** The user's phone, issued now if they have none yet. */
  issue(userId: number): Phone {
    const existing = this.find(userId);
    if (existing) return existing;
    // 192 random bits: a password that only machines handle.
    this.insert.run(userId, sipUserOf(userId), this.random(24).toString('base64url'), this.clock.now().toISOString());
    this.emit();
    return this.find(userId)!;
  }

  detach(userId: number): boolean {
    const removed = this.remove.run(userId).changes > 0;
    if (removed) this.emit();
    return removed;
  }

  /** Every issued phone, for rendering Asterisk's WebRTC endpoints. */
  list(): Phone[] {
    return (this.all.all() as Row[]).map(toPhone);
  }

  /** Called after a phone is issued or detached (Asterisk's endpoint list must follow). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
