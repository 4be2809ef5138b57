import type { MessageRepository } from './message-repository.js';

const PREFIX = /^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|rv|odp|antw|ответ|отв|на|пересл|fw)(?:\s*\[\d+\])?\s*:\s*)+/i;

/** `Re: Fwd:  Order 42` and `order 42` share a key: replies keep the original's subject. */
export function subjectKey(subject: string): string {
  return subject.replace(PREFIX, '').replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 500);
}

export function looksLikeReply(subject: string): boolean {
  return PREFIX.test(subject);
}

const SUBJECT_WINDOW_MS = 30 * 24 * 3600_000;

/**
 * The thread of a new message: the thread of any message it answers (In-Reply-To, then
 * References from the nearest back), else — for a reply whose headers were lost by the
 * sender's client — the latest thread with the same subject and a shared contact within 30
 * days, else a new thread. Runs inside the batch transaction.
 */
export function threadFor(
  repo: MessageRepository,
  m: { inReplyTo: string | null; references: readonly string[]; subject: string },
  contactIds: readonly number[],
  at: string,
): number {
  const candidates = [m.inReplyTo, ...[...m.references].reverse()].filter((x): x is string => !!x);
  for (const id of candidates) {
    const thread = repo.threadOfMessageId(id);
    if (thread !== null) {
      repo.touchThread(thread, at);
      return thread;
    }
  }
  const key = subjectKey(m.subject);
  if (looksLikeReply(m.subject)) {
    const since = new Date(new Date(at).getTime() - SUBJECT_WINDOW_MS).toISOString();
    const thread = repo.threadBySubject(key, contactIds, since);
    if (thread !== null) {
      repo.touchThread(thread, at);
      return thread;
    }
  }
  return repo.createThread(key, at);
}
