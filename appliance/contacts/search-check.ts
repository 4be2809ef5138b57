import type { Db } from '../core/db.js';
import type { Reader } from '../core/reader.js';
import { rebuildSearchIndexes } from './migrations.js';

/**
 * The check at start: each search table must hold one row per row it indexes. The triggers
 * write both in one transaction, so after a crash they agree; a database restored from an
 * older file, edited by hand or damaged is what this catches. Counting reads whole tables, so
 * a large database is counted on the reader thread, never on the event loop.
 */
const COUNTS_SQL = `SELECT
  (SELECT count(*) FROM contacts WHERE merged_into IS NULL) AS live,
  (SELECT count(*) FROM contact_words) AS words,
  (SELECT count(DISTINCT contact_id * 64 + position % 64) FROM contact_phones) AS phones,
  (SELECT count(*) FROM contact_phone_grams) AS phoneGrams,
  (SELECT count(DISTINCT contact_id * 64 + position % 64) FROM contact_emails) AS emails,
  (SELECT count(*) FROM contact_email_grams) AS emailGrams`;

interface Counts {
  live: number;
  words: number;
  phones: number;
  phoneGrams: number;
  emails: number;
  emailGrams: number;
}

/** Below this many contacts the count takes a few milliseconds and runs on this thread. */
const SMALL = 20_000;
const BATCH_IDS = 2_000;

export type SearchIndexState = 'checking' | 'ok' | 'rebuilding' | 'failed';

export async function searchIndexesAgree(db: Db, reader: Reader | null): Promise<boolean> {
  const top = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM contacts').get() as { n: number }).n;
  const c = top < SMALL || !reader ? (db.prepare(COUNTS_SQL).get() as Counts) : await reader.get<Counts>({ sql: COUNTS_SQL, params: [] });
  return c.live === c.words && c.phones === c.phoneGrams && c.emails === c.emailGrams;
}

/** Rebuilds every search table, a batch of contact ids per transaction, yielding to requests between batches. */
export async function rebuildSearchInBatches(db: Db, isClosing: () => boolean = () => false): Promise<void> {
  const top = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM contacts').get() as { n: number }).n;
  for (let from = 0; from <= top && !isClosing(); from += BATCH_IDS) {
    db.transaction(() => rebuildSearchIndexes(db, from, from + BATCH_IDS - 1))();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
