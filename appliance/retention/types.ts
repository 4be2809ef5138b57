import type { SqlQuery } from './reader.js';

/**
 * The data classes a retention policy can be set for. `chats` may have no registered source yet:
 * its policy can still be set and a run reports it as `registered: false`.
 */
export const POLICY_CLASSES = ['recordings', 'calls', 'mail', 'chats', 'audit'] as const;
export type PolicyClass = (typeof POLICY_CLASSES)[number];

/** What a legal hold can be placed on. */
export const HOLD_SCOPES = ['contact', 'call', 'mail_thread', 'chat'] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];

/** Ids under an active legal hold, by scope (as text: ids of other capabilities may be integers or strings). */
export interface ActiveHolds {
  contact: string[];
  call: string[];
  mail_thread: string[];
  chat: string[];
}

/**
 * Everything a class needs to decide what has expired: items made before `cutoff` (ISO UTC) are
 * expired unless held. `cutoffOf` gives another class's cutoff (null: kept forever) for classes
 * that must not outlive or be outlived by another one (a call record outlives its recordings).
 */
export interface SweepContext {
  cutoff: string;
  holds: ActiveHolds;
  cutoffOf(className: string): string | null;
}

/** One expired item: its id (as text), the bytes it occupies and its files, relative to the data dir. */
export interface ExpiredItem {
  id: string;
  bytes: number;
  files: string[];
  /** Where the next batch continues (the item's age and id), so held items are not read again. */
  cursor?: string;
}

export interface Tally {
  items: number;
  bytes: number;
}

/** A class's size now and its growth over a recent window, for the storage forecast. */
export interface ClassStats {
  items: number;
  bytes: number;
  /** When the oldest item was made (ISO), or null when there is none. */
  oldest: string | null;
  /** Items and bytes made since the window's start. */
  recentItems: number;
  recentBytes: number;
}

/**
 * The one interface a data class plugs into retention with. The registry owns the protocol
 * around it (journal, crash-safe marking, batching, yielding); a class only says what is
 * expired and how to delete given items.
 *
 * Contract:
 *  - `countExpired(ctx)` equals the sum of everything `selectExpired` would return batch after
 *    batch with the same context, so a dry run says exactly what a real run deletes;
 *  - `selectExpired` returns the oldest expired, unheld items first (when the disk is nearly
 *    full the oldest expired data goes first), at most `limit`, synchronously and quickly,
 *    continuing after the previous batch's last `cursor` when given (items it passed over are
 *    held or waiting, and stay so for the run);
 *  - `deleteItems(items)` deletes the files first, then the rows, and is idempotent: an item
 *    whose file or row is already gone counts as deleted (a crashed run is finished this way).
 */
export interface RetentionClass {
  name: string;
  describe: string;
  countExpired(ctx: SweepContext): Tally;
  selectExpired(ctx: SweepContext, limit: number, after?: string | null): ExpiredItem[];
  deleteItems(items: readonly ExpiredItem[]): Promise<void> | void;
  stats(since: string): ClassStats;
  /**
   * The same two reads as SQL (results shaped like `Tally` and `ClassStats`), so the appliance
   * can run them on its reader thread instead of the event loop.
   */
  queries?: { count(ctx: SweepContext): SqlQuery; stats(since: string): SqlQuery };
  /** Largest batch this class deletes at once, when its deletion is one synchronous step. */
  maxBatch?: number;
  /** Folders under the data dir whose files this class owns (for `retention verify`). */
  fileRoots?: readonly string[];
  /** Every file path (relative to the data dir) this class's rows reference. */
  fileRefs?(): Iterable<string>;
}
