import type { Writable } from 'node:stream';

/**
 * Holds a socket's writes until the code handling the current I/O event (and the promises it
 * settles) is done (`process.nextTick`), so that every WebSocket frame sent to it meanwhile leaves
 * in one system call instead of one each: a chat message's copy and its ack to the visitor.
 * Nothing is reordered or dropped, and nothing waits for other events: holding until the end of
 * the event-loop turn (`setImmediate`) coalesced more under load but delayed the first messages
 * of a busy turn by the handling of all the others.
 */
const held = new Set<Writable>();
let scheduled = false;

function release(): void {
  scheduled = false;
  for (const stream of held) stream.uncork();
  held.clear();
}

export function holdWrites(stream: Writable | null | undefined): void {
  if (!stream || held.has(stream) || stream.destroyed) return;
  stream.cork();
  held.add(stream);
  if (!scheduled) {
    scheduled = true;
    process.nextTick(release);
  }
}
