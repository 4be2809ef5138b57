import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAsteriskIni, typeOf } from './asterisk-ini.js';

/**
 * A fake local Asterisk for provisioning tests, speaking AMI over TCP in the trace's wire
 * format. It behaves like Asterisk where provisioning depends on it: the AMI user exists only
 * once `manager reload` has read manager.conf (and its includes); `Reload` of res_pjsip.so
 * loads the endpoints then present in pjsip.conf and its includes; `PJSIPShowEndpoints` lists
 * what was loaded. Failures can be switched on per module.
 */
export class FakeAsterisk {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  users = new Map<string, string>();
  endpoints: string[] = [];
  /** Each loaded endpoint's transport, when that transport was loaded too. */
  transportOf = new Map<string, string | null>();
  reloads: string[] = [];
  cliCommands: string[] = [];
  failReload = new Set<string>();
  /** DeviceState per endpoint in EndpointList (default Unavailable: nothing registered). */
  deviceStates = new Map<string, string>();
  /** When true, res_pjsip reloads "succeed" but load nothing new (as with a broken file). */
  ignorePjsipChanges = false;
  port = 0;

  constructor(readonly etcDir: string) {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.session(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** `asterisk -rx` */
  async cli(command: string): Promise<{ ok: boolean; output: string }> {
    this.cliCommands.push(command);
    // As the real `asterisk -rx` when Asterisk is not running: its control socket is gone.
    if (!this.server?.listening) return { ok: false, output: 'Unable to connect to remote asterisk (does /var/run/asterisk/asterisk.ctl exist?)' };
    if (command === 'manager reload') {
      this.loadManager();
      return { ok: true, output: '' };
    }
    return { ok: false, output: `No such command '${command}'` };
  }

  private read(name: string): string {
    const path = join(this.etcDir, name);
    if (!existsSync(path)) return '';
    const file = parseAsteriskIni(readFileSync(path, 'utf8'));
    if (file.errors.length) throw new Error(`${name}: ${file.errors.join('; ')}`);
    return readFileSync(path, 'utf8') + file.includes.map((inc) => `\n${this.read(inc)}`).join('');
  }

  loadManager(): void {
    const file = parseAsteriskIni(this.read('manager.conf'));
    this.users.clear();
    for (const s of file.sections) {
      const secret = s.options.find((o) => o.key === 'secret');
      if (s.name !== 'general' && secret) this.users.set(s.name, secret.value);
    }
  }

  private loadPjsip(): void {
    if (this.ignorePjsipChanges) return;
    const file = parseAsteriskIni(this.read('pjsip.conf'));
    const endpoints = file.sections.filter((s) => !s.template && typeOf(file, s) === 'endpoint');
    this.endpoints = endpoints.map((s) => s.name);
    const transports = new Set(file.sections.filter((s) => typeOf(file, s) === 'transport').map((s) => s.name));
    this.transportOf = new Map(
      endpoints.map((s) => {
        const t = s.options.find((o) => o.key === 'transport')?.value ?? null;
        return [s.name, t && transports.has(t) ? t : null];
      }),
    );
  }

  /** Queues as app_queue reads them: the first definition of a name wins. */
  private queues(): Map<string, { strategy: string; members: string[] }> {
    const file = parseAsteriskIni(this.read('queues.conf'));
    const out = new Map<string, { strategy: string; members: string[] }>();
    for (const s of file.sections) {
      if (s.name === 'general' || out.has(s.name)) continue;
      const members = s.options.filter((o) => o.key === 'member').map((o) => o.value.split(',')[0]!.trim());
      out.set(s.name, { strategy: s.options.find((o) => o.key === 'strategy')?.value ?? 'ringall', members });
    }
    return out;
  }

  private session(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let buffer = '';
    let loggedIn = false;
    const reply = (lines: string[]) => socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const msg: Record<string, string> = {};
        for (const line of buffer.slice(0, end).split('\r\n')) {
          const i = line.indexOf(':');
          if (i > 0) msg[line.slice(0, i).trim()] = line.slice(i + 1).trim();
        }
        buffer = buffer.slice(end + 4);
        const id = `ActionID: ${msg.ActionID}`;
        const action = (msg.Action ?? '').toLowerCase();
        if (action === 'login') {
          if (this.users.get(msg.Username ?? '') === msg.Secret) {
            loggedIn = true;
            reply(['Response: Success', id, 'Message: Authentication accepted']);
          } else {
            reply(['Response: Error', id, 'Message: Authentication failed']);
            socket.end();
          }
        } else if (!loggedIn) {
          reply(['Response: Error', id, 'Message: Permission denied']);
        } else if (action === 'reload') {
          const module = msg.Module ?? '';
          this.reloads.push(module);
          if (this.failReload.has(module)) {
            reply(['Response: Error', id, `Message: Module '${module}' failed to reload`]);
            continue;
          }
          if (module === 'res_pjsip.so') this.loadPjsip();
          if (module === 'manager') this.loadManager();
          reply(['Response: Success', id, 'Message: Module Reloaded']);
        } else if (action === 'pjsipshowendpoints') {
          if (!this.endpoints.length) {
            reply(['Response: Error', id, 'Message: No endpoints found']);
            continue;
          }
          reply(['Response: Success', id, 'EventList: start', 'Message: A listing of Endpoints follows, presented as EndpointList events']);
          for (const ep of this.endpoints) {
            reply(['Event: EndpointList', id, 'ObjectType: endpoint', `ObjectName: ${ep}`, 'Transport: cb-transport-udp', `Aor: ${ep}`, `DeviceState: ${this.deviceStates.get(ep) ?? 'Unavailable'}`, 'ActiveChannels: 0']);
          }
          reply(['Event: EndpointListComplete', id, 'EventList: Complete', `ListItems: ${this.endpoints.length}`]);
        } else if (action === 'pjsipshowendpoint') {
          const ep = msg.Endpoint ?? '';
          if (!this.endpoints.includes(ep)) {
            reply(['Response: Error', id, `Message: Unable to retrieve endpoint ${ep}`]);
            continue;
          }
          reply(['Response: Success', id, 'EventList: start', 'Message: Following are Events for each object associated with the Endpoint']);
          reply(['Event: EndpointDetail', id, 'ObjectType: endpoint', `ObjectName: ${ep}`]);
          const transport = this.transportOf.get(ep);
          if (transport) reply(['Event: TransportDetail', id, 'ObjectType: transport', `ObjectName: ${transport}`, `EndpointName: ${ep}`]);
          reply(['Event: EndpointDetailComplete', id, 'EventList: Complete', 'ListItems: 2']);
        } else if (action === 'queuestatus') {
          const queues = [...this.queues()].filter(([name]) => !msg.Queue || name === msg.Queue);
          reply(['Response: Success', id, 'EventList: start', 'Message: Queue status will follow']);
          for (const [name, q] of queues) {
            reply(['Event: QueueParams', id, `Queue: ${name}`, `Strategy: ${q.strategy}`, 'Calls: 0']);
            for (const m of q.members) reply(['Event: QueueMember', id, `Queue: ${name}`, `Location: ${m}`, `StateInterface: ${m}`, 'Membership: static']);
          }
          reply(['Event: QueueStatusComplete', id, 'EventList: Complete', `ListItems: ${queues.length}`]);
        } else if (action === 'logoff') {
          reply(['Response: Goodbye', id, 'Message: Thanks for all the fish.']);
          socket.end();
        } else {
          reply(['Response: Error', id, `Message: Invalid/unknown command: ${msg.Action}. Use Action: ListCommands to show available commands.`]);
        }
      }
    });
  }
}
