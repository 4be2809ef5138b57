import { endpointOf, TelephonyError, type ChannelRef, type ChannelState } from '../port.js';

export interface AriOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  timeoutMs?: number;
}

interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller?: { number?: string };
  connected?: { number?: string };
  dialplan?: { context?: string; exten?: string };
  creationtime?: string;
}

const STATES: Record<string, ChannelState> = { Down: 'down', Ring: 'ring', Ringing: 'ringing', Up: 'up', Busy: 'busy' };

/**
 * The parts of ARI the appliance uses, over fetch: the channel list (a second opinion when
 * reconciling) and stored recordings, which is how a remote Asterisk's recordings reach local
 * disk. ARI serves only files under its recording spool (`/var/spool/asterisk/recording`).
 */
export class AriClient {
  constructor(private readonly options: AriOptions) {}

  private async get(path: string, method: 'GET' | 'DELETE' = 'GET'): Promise<Response> {
    const auth = Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(`${this.options.url.replace(/\/$/, '')}/ari${path}`, {
        method,
        headers: { authorization: `Basic ${auth}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new TelephonyError(`cannot reach ARI at ${this.options.url}: ${(err as Error).message}`, 'unavailable');
    }
    if (res.status === 401) throw new TelephonyError('ARI refused the username or password', 'rejected');
    if (res.status === 404) throw new TelephonyError(`ARI has no ${path}`, 'rejected');
    if (!res.ok) throw new TelephonyError(`ARI answered ${res.status} for ${path}`, 'unavailable');
    return res;
  }

  async channels(): Promise<Array<ChannelRef & { durationSec: number | null }>> {
    const list = (await (await this.get('/channels')).json()) as AriChannel[];
    const now = Date.now();
    return list.map((c) => ({
      uniqueId: c.id,
      // ARI does not report the Linkedid; the channel's own id is the best key it has.
      linkedId: c.id,
      name: c.name,
      endpoint: endpointOf(c.name),
      state: STATES[c.state] ?? 'other',
      callerNum: c.caller?.number || null,
      connectedNum: c.connected?.number || null,
      context: c.dialplan?.context ?? null,
      exten: c.dialplan?.exten ?? null,
      durationSec: c.creationtime ? Math.max(0, Math.round((now - Date.parse(c.creationtime.replace(/\+0000$/, 'Z'))) / 1000)) : null,
    }));
  }

  /** The bytes of a stored recording (`name` without its extension, relative to the spool). */
  async storedRecording(name: string): Promise<Buffer> {
    const res = await this.get(`/recordings/stored/${encodeURIComponent(name)}/file`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Deletes a stored recording once its copy is safe here, so the remote spool does not keep it. */
  async deleteStoredRecording(name: string): Promise<void> {
    await this.get(`/recordings/stored/${encodeURIComponent(name)}`, 'DELETE');
  }
}
