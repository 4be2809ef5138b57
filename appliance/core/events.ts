import { EventEmitter } from 'node:events';

/**
 * The in-process event bus: services publish domain events after their state is stored;
 * realtime fan-out, reports and other capabilities subscribe. Capabilities extend
 * `DomainEvents` by module augmentation so that payloads stay typed.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DomainEvents {
  /** `handoverTo`: the colleague who received their contacts (null: none chosen). */
  'user.deactivated': { userId: number; actorId: number | null; handoverTo?: number | null };
}

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: true });

  constructor(private readonly onListenerError: (event: string, err: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(100);
  }

  publish<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
    for (const listener of this.emitter.listeners(event as string)) {
      // A failing subscriber must not break the publisher or the other subscribers.
      try {
        const result = (listener as (p: unknown) => unknown)(payload);
        if (result instanceof Promise) result.catch((err) => this.onListenerError(event as string, err));
      } catch (err) {
        this.onListenerError(event as string, err);
      }
    }
  }

  subscribe<K extends keyof DomainEvents>(event: K, listener: (payload: DomainEvents[K]) => void | Promise<void>): () => void {
    this.emitter.on(event as string, listener);
    return () => this.emitter.off(event as string, listener);
  }
}
