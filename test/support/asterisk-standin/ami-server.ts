import { createServer, type Server, type Socket } from 'node:net';
import { parseFields, type AmiScenario } from './scenario.js';
import { AMI_READ } from '../../../installer/provisioning/render-services.js';

/**
 * The AMI half of the Asterisk stand-in: banner, Login/Logoff, actions answered by ActionID in
 * the wording the real Asterisk 22 used in the traces, and scenario events replayed with their
 * recorded timing (optionally sped up). It keeps a channel table from the events it replays, so
 * CoreShowChannels after a reconnect reports what a real Asterisk would.
 */
export interface StandinChannel {
  fields: Record<string, string>;
  createdAtMs: number;
}

export interface AmiStandinOptions {
  username?: string;
  secret?: string;
  banner?: string;
  /** Send FullyBooted after a login (the real one does); off to test clients that must not depend on it. */
  fullyBooted?: boolean;
  /** The user's `read` classes in manager.conf; default exactly what the installer provisions. */
  read?: string;
}

/** The classes of a comma list (`system,call,all` → system, call), lower case. */
function classes(list: string): Set<string> {
  return new Set(list.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'all'));
}

const EVERY_CLASS = 'system,call,log,verbose,command,agent,user,config,dtmf,reporting,cdr,dialplan,originate,agent,cc,aoc,test,security,message';

export class AmiStandin {
  private server: Server | null = null;
  private readonly clients = new Set<Socket>();
  private readonly loggedIn = new Set<Socket>();
  /** Per logged-in socket: the event classes it receives (the user's read ∩ the login's Events). */
  private readonly receives = new Map<Socket, Set<string>>();
  readonly channels = new Map<string, StandinChannel>();
  /** Queue members (`support` has op101 and op102 as in the lab), changed by QueueAdd/Remove/Pause. */
  readonly queues = new Map<string, Map<string, { name: string; membership: 'static' | 'dynamic'; paused: boolean; reason: string }>>([
    [
      'support',
      new Map([
        ['PJSIP/op101', { name: 'Operator 101', membership: 'static' as const, paused: false, reason: '' }],
        ['PJSIP/op102', { name: 'Operator 102', membership: 'static' as const, paused: false, reason: '' }],
      ]),
    ],
  ]);
  /** Every action received (fields), for assertions. */
  readonly actions: Record<string, string>[] = [];
  private timers: NodeJS.Timeout[] = [];
  private bootedAt = Date.now();
  port = 0;
  /** How many events were sent to at least one client / to nobody (link down). */
  delivered = 0;
  undelivered = 0;
  /** Hook for tests: extra replies to actions (e.g. script an Originate's events). */
  onAction: ((fields: Record<string, string>, reply: (text: string) => void) => boolean) | null = null;

  constructor(private readonly options: AmiStandinOptions = {}) {}

  async start(port = 0): Promise<number> {
    this.bootedAt = Date.now();
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    this.cancelScenario();
    for (const s of this.clients) s.destroy();
    this.clients.clear();
    this.loggedIn.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts every client's TCP connection; Asterisk itself (the scenario) keeps going. */
  dropClients(): void {
    for (const s of this.clients) s.destroy();
  }

  /** Asterisk restarts: every channel dies, clients are cut, the port is closed for `downMs`. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    this.channels.clear();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start(this.port);
  }

  get clientCount(): number {
    return this.loggedIn.size;
  }

  /** Replays a scenario's events; resolves after the last one. */
  play(scenario: AmiScenario, speed = 1): Promise<void> {
    return new Promise((resolve) => {
      const last = scenario.messages.at(-1)?.t ?? 0;
      for (const m of scenario.messages) {
        this.timers.push(setTimeout(() => this.emitEvent(m.text, m.fields), (m.t * 1000) / speed));
      }
      this.timers.push(setTimeout(resolve, (last * 1000) / speed + 5));
    });
  }

  cancelScenario(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** Sends one event to every logged-in client and updates the channel table. */
  emitEvent(text: string, fields = parseFields(text.trimEnd())): void {
    this.track(fields);
    if (this.loggedIn.size === 0) {
      this.undelivered++;
      return;
    }
    this.delivered++;
    // As Asterisk: an event reaches a session only if one of its Privilege classes is readable there.
    const privilege = fields.Privilege === undefined ? null : classes(fields.Privilege);
    for (const s of this.loggedIn) {
      const readable = this.receives.get(s);
      if (privilege && readable && ![...privilege].some((c) => readable.has(c))) continue;
      s.write(text);
    }
    // After Shutdown the real Asterisk closes the TCP connection without another word.
    if (fields.Event === 'Shutdown') for (const s of this.loggedIn) s.end();
  }

  private track(f: Record<string, string>): void {
    const id = f.Uniqueid;
    if (!id || !f.Channel) return;
    if (f.Event === 'Hangup') {
      this.channels.delete(id);
      return;
    }
    const existing = this.channels.get(id);
    if (existing) {
      for (const k of ['ChannelState', 'ChannelStateDesc', 'CallerIDNum', 'CallerIDName', 'ConnectedLineNum', 'ConnectedLineName', 'Context', 'Exten', 'Priority', 'Linkedid']) {
        if (f[k] !== undefined) existing.fields[k] = f[k]!;
      }
      if (f.Event === 'Newexten' && f.Application) {
        existing.fields.Application = f.Application;
        existing.fields.ApplicationData = f.AppData ?? '';
      }
      if (f.Event === 'BridgeEnter') existing.fields.BridgeId = f.BridgeUniqueid ?? '';
    } else if (f.Event === 'Newchannel') {
      this.channels.set(id, { fields: { ...f }, createdAtMs: Date.now() });
    }
  }

  private accept(socket: Socket): void {
    this.clients.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => {
      this.clients.delete(socket);
      this.loggedIn.delete(socket);
      this.receives.delete(socket);
    });
    socket.on('error', () => {});
    socket.write(`${this.options.banner ?? 'Asterisk Call Manager/11.0.0'}\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        this.handle(socket, parseFields(block));
      }
    });
  }

  private handle(socket: Socket, f: Record<string, string>): void {
    this.actions.push(f);
    const id = f.ActionID !== undefined ? `ActionID: ${f.ActionID}\r\n` : '';
    const reply = (text: string): void => void socket.write(text);
    const action = (f.Action ?? '').toLowerCase();
    if (action === 'login') {
      if (f.Username === (this.options.username ?? 'crm') && f.Secret === (this.options.secret ?? 'crmsecret')) {
        reply(`Response: Success\r\n${id}Message: Authentication accepted\r\n\r\n`);
        const uptime = Math.round((Date.now() - this.bootedAt) / 1000);
        const read = classes(this.options.read === 'all' ? EVERY_CLASS : (this.options.read ?? AMI_READ));
        const events = (f.Events ?? 'on').toLowerCase();
        const wanted = events === 'on' || events === 'yes' ? read : events === 'off' || events === 'no' ? new Set<string>() : classes(events);
        this.receives.set(socket, new Set([...wanted].filter((c) => read.has(c))));
        if (this.options.fullyBooted !== false && this.receives.get(socket)!.has('system')) {
          reply(`Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: ${uptime}\r\nLastReload: ${uptime}\r\nStatus: Fully Booted\r\n\r\n`);
        }
        this.loggedIn.add(socket);
      } else {
        // As the real one does: say so, then close the socket.
        reply(`Response: Error\r\n${id}Message: Authentication failed\r\n\r\n`);
        socket.end();
      }
      return;
    }
    if (!this.loggedIn.has(socket)) {
      reply(`Response: Error\r\n${id}Message: Authentication Required\r\n\r\n`);
      return;
    }
    if (this.onAction?.(f, reply)) return;
    switch (action) {
      case 'logoff':
        reply(`Response: Goodbye\r\n${id}Message: Thanks for all the fish.\r\n\r\n`);
        socket.end();
        return;
      case 'ping':
        reply(`Response: Success\r\n${id}Ping: Pong\r\nTimestamp: ${(Date.now() / 1000).toFixed(6)}\r\n\r\n`);
        return;
      case 'coreshowchannels':
        return this.coreShowChannels(reply, id);
      case 'originate':
        if (f.Async === 'true') reply(`Response: Success\r\n${id}Message: Originate successfully queued\r\n\r\n`);
        else reply(`Response: Error\r\n${id}Message: Originate failed\r\n\r\n`);
        return;
      case 'hangup':
      case 'redirect': {
        const known = [...this.channels.values()].some((c) => c.fields.Channel === f.Channel);
        if (!known) reply(`Response: Error\r\n${id}Message: ${action === 'hangup' ? 'No such channel' : `Channel does not exist: ${f.Channel ?? ''}`}\r\n\r\n`);
        else reply(`Response: Success\r\n${id}Message: ${action === 'hangup' ? 'Channel Hungup' : 'Redirect successful'}\r\n\r\n`);
        return;
      }
      // Replies and errors in Asterisk 22's own words (app_queue.c), compared with the real one in test/asterisk/.
      case 'queueadd': {
        const q = this.queues.get(f.Queue ?? '');
        if (!f.Queue || !f.Interface) return reply(`Response: Error\r\n${id}Message: 'Queue' and 'Interface' not set.\r\n\r\n`);
        if (!q) return reply(`Response: Error\r\n${id}Message: Unable to add interface to queue: No such queue\r\n\r\n`);
        if (q.has(f.Interface)) return reply(`Response: Error\r\n${id}Message: Unable to add interface: Already there\r\n\r\n`);
        q.set(f.Interface, { name: f.MemberName ?? f.Interface, membership: 'dynamic', paused: f.Paused === 'true', reason: '' });
        reply(`Response: Success\r\n${id}Message: Added interface to queue\r\n\r\n`);
        return;
      }
      case 'queueremove': {
        const q = this.queues.get(f.Queue ?? '');
        if (!f.Queue || !f.Interface) return reply(`Response: Error\r\n${id}Message: Need 'Queue' and 'Interface' parameters.\r\n\r\n`);
        if (!q) return reply(`Response: Error\r\n${id}Message: Unable to remove interface from queue: No such queue\r\n\r\n`);
        const m = q.get(f.Interface);
        if (!m) return reply(`Response: Error\r\n${id}Message: Unable to remove interface: Not there\r\n\r\n`);
        if (m.membership === 'static') return reply(`Response: Error\r\n${id}Message: Member not dynamic\r\n\r\n`);
        q.delete(f.Interface);
        reply(`Response: Success\r\n${id}Message: Removed interface from queue\r\n\r\n`);
        return;
      }
      case 'queuepause': {
        if (!f.Interface || !f.Paused) return reply(`Response: Error\r\n${id}Message: Need 'Interface' and 'Paused' parameters.\r\n\r\n`);
        let found = false;
        for (const [name, q] of this.queues) {
          if (f.Queue && f.Queue !== name) continue;
          const m = q.get(f.Interface);
          if (!m) continue;
          found = true;
          Object.assign(m, { paused: f.Paused === 'true', reason: f.Paused === 'true' ? (f.Reason ?? '') : '' });
        }
        if (!found) return reply(`Response: Error\r\n${id}Message: Interface not found\r\n\r\n`);
        reply(`Response: Success\r\n${id}Message: Interface ${f.Paused === 'true' ? 'paused' : 'unpaused'} successfully\r\n\r\n`);
        return;
      }
      case 'queuestatus':
        return this.queueStatus(reply, id);
      default:
        reply(
          `Response: Error\r\n${id}Message: Invalid/unknown command: ${f.Action ?? ''}. Use Action: ListCommands to show available commands.\r\n\r\n`,
        );
    }
  }

  private queueStatus(reply: (t: string) => void, id: string): void {
    reply(`Response: Success\r\n${id}EventList: start\r\nMessage: Queue status will follow\r\n\r\n`);
    let items = 0;
    for (const [queue, members] of this.queues) {
      items++;
      reply(`Event: QueueParams\r\nQueue: ${queue}\r\nMax: 0\r\nStrategy: ringall\r\nCalls: 0\r\nHoldtime: 0\r\nTalkTime: 0\r\nCompleted: 0\r\nAbandoned: 0\r\nServiceLevel: 0\r\nServicelevelPerf: 0.0\r\nServicelevelPerf2: 0.0\r\nWeight: 0\r\n${id}\r\n`);
      for (const [iface, m] of members) {
        items++;
        reply(
          `Event: QueueMember\r\nQueue: ${queue}\r\nName: ${m.name}\r\nLocation: ${iface}\r\nStateInterface: ${iface}\r\nMembership: ${m.membership}\r\nPenalty: 0\r\n` +
            `CallsTaken: 0\r\nLastCall: 0\r\nLastPause: 0\r\nLoginTime: ${Math.floor(this.bootedAt / 1000)}\r\nInCall: 0\r\nStatus: 5\r\nPaused: ${m.paused ? 1 : 0}\r\n` +
            `PausedReason: ${m.reason}\r\nWrapuptime: 0\r\n${id}\r\n`,
        );
      }
    }
    reply(`Event: QueueStatusComplete\r\n${id}EventList: Complete\r\nListItems: ${items}\r\n\r\n`);
  }

  private coreShowChannels(reply: (t: string) => void, id: string): void {
    reply(`Response: Success\r\n${id}EventList: start\r\nMessage: Channels will follow\r\n\r\n`);
    const now = Date.now();
    for (const c of this.channels.values()) {
      const f = c.fields;
      const age = Math.max(0, Math.floor((now - c.createdAtMs) / 1000));
      const hh = String(Math.floor(age / 3600)).padStart(2, '0');
      const mm = String(Math.floor(age / 60) % 60).padStart(2, '0');
      const ss = String(age % 60).padStart(2, '0');
      reply(
        `Event: CoreShowChannel\r\n${id}Channel: ${f.Channel}\r\nChannelState: ${f.ChannelState ?? ''}\r\nChannelStateDesc: ${f.ChannelStateDesc ?? ''}\r\n` +
          `CallerIDNum: ${f.CallerIDNum ?? ''}\r\nCallerIDName: ${f.CallerIDName ?? ''}\r\nConnectedLineNum: ${f.ConnectedLineNum ?? ''}\r\n` +
          `ConnectedLineName: ${f.ConnectedLineName ?? ''}\r\nLanguage: en\r\nAccountCode: \r\nContext: ${f.Context ?? ''}\r\nExten: ${f.Exten ?? ''}\r\n` +
          `Priority: ${f.Priority ?? '1'}\r\nUniqueid: ${f.Uniqueid}\r\nLinkedid: ${f.Linkedid ?? f.Uniqueid}\r\nApplication: ${f.Application ?? ''}\r\n` +
          `ApplicationData: ${f.ApplicationData ?? ''}\r\nDuration: ${hh}:${mm}:${ss}\r\nBridgeId: ${f.BridgeId ?? ''}\r\n\r\n`,
      );
    }
    reply(`Event: CoreShowChannelsComplete\r\n${id}EventList: Complete\r\nListItems: ${this.channels.size}\r\n\r\n`);
  }
}
