/**
 * Holds inbound calls in their queues while every licensed session is in use. Asterisk keeps
 * a caller in the queue (music, position and hold-time announcements) as long as no member is
 * available, so pausing the members is how "wait with an announcement instead of being dropped"
 * is done. Members are paused with the reason 'licence' and only members paused with that
 * reason are unpaused, so an operator's own pause (a break) is never lifted by us, and after a
 * restart our pauses are still recognisable. Busy members are paused too: QueuePause never
 * touches a call in progress, and a member who hangs up must not pick the next caller while
 * the other dialogs still hold every session.
 */
export const LICENSE_PAUSE_REASON = 'licence';

export interface QueueMember {
  queue: string;
  /** The member's interface, e.g. PJSIP/op101. */
  interface: string;
  paused: boolean;
  pausedReason: string | null;
}

/** What licensing needs from telephony (a narrow view of appliance/telephony's port). */
export interface QueueControlPort {
  listQueueMembers(): Promise<QueueMember[]>;
  queuePause(request: { queue: string; interface: string; paused: boolean; reason: string }): Promise<void>;
}

export class QueueEnforcer {
  private running: Promise<void> | null = null;
  private dirty = false;
  /** Whether the last completed pass left the queues held (members paused). */
  holding = false;

  constructor(
    private readonly port: () => QueueControlPort | null,
    private readonly atLimit: () => boolean,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Brings the queues in line with the current count; calls made meanwhile coalesce into one more pass. */
  request(): Promise<void> {
    if (this.running) {
      this.dirty = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.dirty = false;
        try {
          await this.pass();
        } catch (err) {
          this.onError(err);
        }
      } while (this.dirty);
      this.running = null;
    })();
    return this.running;
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass(): Promise<void> {
    const port = this.port();
    if (!port) return;
    const members = await port.listQueueMembers();
    // Judged after the await: the count may have moved while the member list was fetched.
    const hold = this.atLimit();
    for (const m of members) {
      if (hold && !m.paused) {
        await port.queuePause({ queue: m.queue, interface: m.interface, paused: true, reason: LICENSE_PAUSE_REASON });
      } else if (!hold && m.paused && m.pausedReason === LICENSE_PAUSE_REASON) {
        await port.queuePause({ queue: m.queue, interface: m.interface, paused: false, reason: LICENSE_PAUSE_REASON });
      }
      if (this.atLimit() !== hold) {
        this.dirty = true;
        return;
      }
    }
    this.holding = hold;
  }
}
