import { Socket } from 'node:net';

/**
 * A small AMI client for the installer's one-shot work (reload, verify): log in, send an
 * action, collect its response and, for list actions, its events up to `EventList: Complete`.
 * Call tracking uses its own long-lived adapter in the appliance; this one never subscribes.
 */
export type AmiMessage = Record<string, string>;

export interface AmiReply {
  response: AmiMessage;
  /** Events carrying this action's ActionID (the items of a list action). */
  events: AmiMessage[];
}

export interface AmiSession {
  action(fields: Record<string, string>): Promise<AmiReply>;
  close(): Promise<void>;
}

export interface AmiTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
  timeoutMs?: number;
}

export type AmiConnect = (target: AmiTarget) => Promise<AmiSession>;

export class AmiError extends Error {
  constructor(
    readonly kind: 'refused' | 'auth' | 'timeout' | 'closed' | 'protocol',
    message: string,
  ) {
    super(message);
    this.name = 'AmiError';
  }
}

/** Splits a `Key: Value` block; a key that repeats (Output) gets its values joined by newlines. */
export function parseAmiBlock(block: string): AmiMessage {
  const msg: AmiMessage = {};
  for (const line of block.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    msg[key] = key in msg ? `${msg[key]}\n${value}` : value;
  }
  return msg;
}

export const connectAmi: AmiConnect = (target) =>
  new Promise((resolve, reject) => {
    const timeoutMs = target.timeoutMs ?? 10_000;
    const socket = new Socket();
    let buffer = '';
    let bannerSeen = false;
    let nextId = 1;
    let closed = false;
    const pending = new Map<string, { reply: Partial<AmiReply> & { events: AmiMessage[] }; list: boolean; done: (r: AmiReply) => void; fail: (e: Error) => void; timer: NodeJS.Timeout }>();

    const failAll = (err: AmiError) => {
      closed = true;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.fail(err);
      }
      pending.clear();
    };

    const send = (fields: Record<string, string>): Promise<AmiReply> => {
      if (closed) return Promise.reject(new AmiError('closed', 'the AMI connection is closed'));
      const id = `cb-${nextId++}`;
      const text = `${Object.entries({ ...fields, ActionID: id }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
      return new Promise<AmiReply>((done, fail) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          fail(new AmiError('timeout', `AMI action ${fields.Action} got no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { reply: { events: [] }, list: false, done, fail, timer });
        socket.write(text);
      });
    };

    const onMessage = (msg: AmiMessage) => {
      const id = msg.ActionID;
      const p = id ? pending.get(id) : undefined;
      if (!p) return;
      const finish = () => {
        clearTimeout(p.timer);
        pending.delete(id!);
        p.done({ response: p.reply.response!, events: p.reply.events });
      };
      if (msg.Response !== undefined) {
        p.reply.response = msg;
        p.list = /^start$/i.test(msg.EventList ?? '');
        if (!p.list) finish();
      } else if (msg.Event !== undefined) {
        if (/^complete$/i.test(msg.EventList ?? '')) finish();
        else p.reply.events.push(msg);
      }
    };

    const connectTimer = setTimeout(() => {
      socket.destroy();
      reject(new AmiError('timeout', `no AMI banner from ${target.host}:${target.port} within ${timeoutMs} ms`));
    }, timeoutMs);

    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!bannerSeen) {
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const banner = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        bannerSeen = true;
        if (!/^Asterisk Call Manager/.test(banner)) {
          socket.destroy();
          clearTimeout(connectTimer);
          reject(new AmiError('protocol', `${target.host}:${target.port} is not an Asterisk manager (banner: ${banner.slice(0, 60)})`));
          return;
        }
        login();
      }
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        if (block.trim()) onMessage(parseAmiBlock(block));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      const e = new AmiError(err.code === 'ECONNREFUSED' ? 'refused' : 'closed', `AMI at ${target.host}:${target.port}: ${err.code ?? err.message}`);
      failAll(e);
      reject(e);
    });
    socket.on('close', () => failAll(new AmiError('closed', 'the AMI connection was closed')));

    const login = () => {
      send({ Action: 'Login', Username: target.username, Secret: target.secret, Events: 'off' })
        .then((r) => {
          clearTimeout(connectTimer);
          if (r.response.Response !== 'Success') {
            socket.destroy();
            reject(new AmiError('auth', `AMI login as ${target.username} refused: ${r.response.Message ?? 'no reason given'}`));
            return;
          }
          resolve({
            action: send,
            async close() {
              if (closed) return;
              await send({ Action: 'Logoff' }).catch(() => undefined);
              socket.destroy();
            },
          });
        })
        .catch((err: Error) => {
          clearTimeout(connectTimer);
          socket.destroy();
          reject(err);
        });
    };

    socket.connect(target.port, target.host);
  });
