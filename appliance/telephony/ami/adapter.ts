import { AmiClient, type AmiClientOptions } from './client.js';
import { SUBSCRIBED_EVENTS, fromCoreShowChannel, toTelephonyEvent } from './events.js';
import type { OriginateRequest, QueueMemberRequest, QueueMemberState, TelephonyEvent, TelephonyPort } from '../port.js';

/** `TelephonyPort` over AMI: events from the AMI stream, commands as AMI actions. */
export class AmiTelephony implements TelephonyPort {
  private readonly client: AmiClient;
  private readonly listeners = new Set<(e: TelephonyEvent) => void>();

  constructor(options: Omit<AmiClientOptions, 'events'>) {
    this.client = new AmiClient({ ...options, events: SUBSCRIBED_EVENTS });
    this.client.onEvent((m, at) => {
      const event = toTelephonyEvent(m, at);
      if (event) this.emit(event);
    });
    this.client.onLink((s) =>
      this.emit(s.up ? { type: 'link.up', at: s.at, uptimeSec: s.uptimeSec } : { type: 'link.down', at: s.at, reason: s.reason }),
    );
  }

  status(): string {
    return this.client.status();
  }

  start(): void {
    this.client.start();
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  on(listener: (event: TelephonyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: TelephonyEvent): void {
    for (const l of this.listeners) l(event);
  }

  async originate(r: OriginateRequest): Promise<{ actionId: string }> {
    const response = await this.client.action({
      Action: 'Originate',
      Channel: r.endpoint,
      ...(r.application ? { Application: r.application.name, Data: r.application.data } : { Context: r.context, Exten: r.exten, Priority: 1 }),
      CallerID: r.callerId,
      Timeout: r.timeoutMs ?? 30_000,
      Async: 'true',
      ChannelId: r.channelId,
      Variable: Object.entries(r.variables ?? {}).map(([k, v]) => `${k}=${v}`),
    });
    return { actionId: response.ActionID ?? '' };
  }

  async hangup(channel: string): Promise<void> {
    await this.client.action({ Action: 'Hangup', Channel: channel, Cause: 16 });
  }

  async reloadModule(module: string): Promise<void> {
    await this.client.action({ Action: 'Reload', Module: module });
  }

  async redirect(channel: string, context: string, exten: string): Promise<void> {
    await this.client.action({ Action: 'Redirect', Channel: channel, Context: context, Exten: exten, Priority: 1 });
  }

  async queueAdd(r: QueueMemberRequest): Promise<void> {
    await this.client.action({ Action: 'QueueAdd', Queue: r.queue, Interface: r.interface, MemberName: r.memberName, Paused: r.paused ? 'true' : 'false' });
  }

  async queueRemove(queue: string, iface: string): Promise<void> {
    await this.client.action({ Action: 'QueueRemove', Queue: queue, Interface: iface });
  }

  async queuePause(queue: string | null, iface: string, paused: boolean, reason?: string): Promise<void> {
    await this.client.action({ Action: 'QueuePause', Queue: queue ?? undefined, Interface: iface, Paused: paused ? 'true' : 'false', Reason: reason });
  }

  async queueMembers(): Promise<QueueMemberState[]> {
    const items = await this.client.list({ Action: 'QueueStatus' }, ['QueueParams', 'QueueMember', 'QueueEntry', 'QueueStatusComplete']);
    return items
      .filter((m) => m.Event === 'QueueMember' && m.Queue && (m.Location || m.StateInterface))
      .map((m) => ({
        queue: m.Queue!,
        interface: m.Location || m.StateInterface!,
        paused: m.Paused === '1',
        pausedReason: m.PausedReason ? m.PausedReason : null,
      }));
  }

  async endpointStates(): Promise<{ endpoint: string; state: string }[]> {
    const items = await this.client.list({ Action: 'PJSIPShowEndpoints' }, ['EndpointList', 'EndpointListComplete']);
    return items.filter((e) => e.Event === 'EndpointList' && e.ObjectName).map((e) => ({ endpoint: e.ObjectName!, state: e.DeviceState ?? 'Unknown' }));
  }

  async channels() {
    const items = await this.client.list({ Action: 'CoreShowChannels' }, ['CoreShowChannel', 'CoreShowChannelsComplete']);
    return items.map(fromCoreShowChannel).filter((c): c is NonNullable<typeof c> => c !== null);
  }
}
