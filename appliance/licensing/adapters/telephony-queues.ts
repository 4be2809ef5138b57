import type { FastifyInstance } from 'fastify';
import type { TelephonyPort } from '../../telephony/port.js';
import type { QueueControlPort, QueueMember } from '../queue-enforcer.js';

/**
 * Licensing's view of the telephony port: pause/unpause queue members, and list them with
 * their pause reason (AMI QueueStatus → QueueMember events carry Paused and PausedReason).
 * The port's `queuePause` is used as is; the member list needs `queueMembers()` on the port.
 * Returns null while telephony is absent or cannot list members — enforcement then relies on
 * refusing outbound dialogs only, and `status()` reports that queues are not being held.
 */
type PortWithMembers = TelephonyPort & { queueMembers?: () => Promise<QueueMember[]> };

export function queueControlFrom(app: FastifyInstance): QueueControlPort | null {
  if (!app.hasDecorator('telephony')) return null;
  const port = (app as unknown as { telephony: { port: PortWithMembers | null } }).telephony.port;
  if (!port || typeof port.queueMembers !== 'function') return null;
  return {
    listQueueMembers: () => port.queueMembers!(),
    queuePause: (r) => port.queuePause(r.queue, r.interface, r.paused, r.reason),
  };
}

/** 'no-telephony' (absent or disabled), 'unsupported' (a port that cannot list queue members) or 'ok'. */
export function queueControlState(app: FastifyInstance): 'no-telephony' | 'unsupported' | 'ok' {
  if (!app.hasDecorator('telephony')) return 'no-telephony';
  const port = (app as unknown as { telephony: { port: PortWithMembers | null } }).telephony.port;
  if (!port) return 'no-telephony';
  return typeof port.queueMembers === 'function' ? 'ok' : 'unsupported';
}

/** Re-applies the hold after the link to Asterisk comes back (an Asterisk restart forgets pauses). */
export function onTelephonyLinkUp(app: FastifyInstance, listener: () => void): (() => void) | null {
  if (!app.hasDecorator('telephony')) return null;
  const port = (app as unknown as { telephony: { port: TelephonyPort | null } }).telephony.port;
  if (!port) return null;
  return port.on((event) => {
    if (event.type === 'link.up') listener();
  });
}
