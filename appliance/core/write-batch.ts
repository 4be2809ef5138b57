import type { Writable } from 'node:stream';

/**
 * Holds a socket's writes until the end of the current turn of the event loop (`setImmediate`),
 * so that every WebSocket frame sent to it meanwhile leaves in one system call instead of one
 * each: a chat message's copy and its ack to the visitor, or, when the process was kept waiting,
 * the events of every message that piled up meanwhile to each operator. Nothing is reordered or
 * dropped; a frame waits at most until the events at hand are handled.
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
    setImmediate(release);
  }
}
