/**
 * Live events from the server (`/api/v1/events`, messages `{type, at, data}`), with reconnection.
 * The server closes with 4401 when the session ends (logout elsewhere, deactivation): then we stop
 * and let the app show the login page instead of hammering the server.
 */
export interface LiveMessage {
  type: string;
  at: string;
  data: unknown;
}

type Listener = (message: LiveMessage) => void;

export class LiveEvents {
  private socket: WebSocket | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly statusListeners = new Set<(online: boolean) => void>();
  private retryMs = 1000;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private stopped = true;
  online = false;

  constructor(
    private readonly onSessionEnded: () => void,
    /** Asked when a connection is refused before opening: a 401 there means the session is gone. */
    private readonly verifySession: () => Promise<void>,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pinger) clearInterval(this.pinger);
    this.socket?.close(1000, 'leaving');
    this.socket = null;
    this.setOnline(false);
  }

  on(type: string, listener: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  onStatus(listener: (online: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events`;
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.retryMs = 1000;
      this.setOnline(true);
      this.pinger = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('ping'), 25_000);
    });
    socket.addEventListener('message', (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      for (const listener of [...(this.listeners.get(message.type) ?? []), ...(this.listeners.get('*') ?? [])]) listener(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.pinger) clearInterval(this.pinger);
      if (this.socket !== socket) return;
      this.setOnline(false);
      if (this.stopped) return;
      if (event.code === 4401) {
        this.stopped = true;
        this.onSessionEnded();
        return;
      }
      if (!opened) this.verifySession().catch(() => undefined);
      this.timer = setTimeout(() => !this.stopped && this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    });
  }

  private setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    for (const listener of this.statusListeners) listener(online);
  }
}
