import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmiError, connectAmi } from '../../installer/ports/ami.js';
import { listEndpoints } from '../../installer/provisioning/provision.js';

const REF = fileURLToPath(new URL('./reference-conf/', import.meta.url));
const raw = (name: string) => readFileSync(`${REF}${name}`, 'latin1');

/** Replays recorded Asterisk bytes, with the recorded ActionID swapped for the client's. */
function replayServer(script: (action: Record<string, string>, socket: Socket) => void, banner = true): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      let buffer = '';
      socket.on('data', (d) => {
        buffer += d.toString('latin1');
        let end: number;
        while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
          const action = Object.fromEntries(buffer.slice(0, end).split('\r\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
          buffer = buffer.slice(end + 4);
          script(action, socket);
        }
      });
      if (banner) socket.write('Asterisk Call Manager/11.0.0\r\n');
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

const withId = (text: string, from: string, to: string) => text.split(`ActionID: ${from}`).join(`ActionID: ${to}`);

describe('installer AMI client against recorded Asterisk 22 bytes', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  it('logs in and reads the PJSIPShowEndpoints list exactly as Asterisk sends it', async () => {
    const started = await replayServer((a, socket) => {
      if (a.Action === 'Login') socket.write(withId(raw('ami-login-ok.raw').replace(/^Asterisk Call Manager[^\n]*\n/, ''), 'login-1', a.ActionID!));
      if (a.Action === 'PJSIPShowEndpoints') {
        // Split mid-message to prove reassembly across TCP reads.
        const bytes = withId(raw('ami-pjsipshowendpoints.raw'), 'pse-1', a.ActionID!);
        socket.write(bytes.slice(0, 301));
        setTimeout(() => socket.write(bytes.slice(301)), 20);
      }
      if (a.Action === 'Logoff') socket.end('Response: Goodbye\r\nActionID: ' + a.ActionID + '\r\nMessage: Thanks for all the fish.\r\n\r\n');
    });
    server = started.server;
    const session = await connectAmi({ host: '127.0.0.1', port: started.port, username: 'crm', secret: 'crmsecret' });
    expect(await listEndpoints(session)).to.deep.equal(['gsm-gw', 'op101', 'op102', 'op201']);
    await session.close();
  });

  it('a refused login is an auth error (the recorded "Authentication failed")', async () => {
    const started = await replayServer((a, socket) => {
      if (a.Action === 'Login') socket.end(withId(raw('ami-login-failed.raw').replace(/^Asterisk Call Manager[^\n]*\n/, ''), 'login-1', a.ActionID!));
    });
    server = started.server;
    const err = await connectAmi({ host: '127.0.0.1', port: started.port, username: 'crm', secret: 'wrong' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AmiError);
    expect((err as AmiError).kind).to.equal('auth');
    expect((err as AmiError).message).to.include('Authentication failed');
  });

  it('no Asterisk listening is "refused"; a non-AMI server is a protocol error', async () => {
    const probe = await replayServer(() => {});
    const port = probe.port;
    await new Promise<void>((r) => probe.server.close(() => r()));
    const refused = (await connectAmi({ host: '127.0.0.1', port, username: 'x', secret: 'y', timeoutMs: 2000 }).catch((e: unknown) => e)) as AmiError;
    expect(refused.kind).to.equal('refused');
    const http = await new Promise<{ server: Server; port: number }>((resolve) => {
      const s = createServer((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
      s.listen(0, '127.0.0.1', () => resolve({ server: s, port: (s.address() as { port: number }).port }));
    });
    server = http.server;
    const wrong = (await connectAmi({ host: '127.0.0.1', port: http.port, username: 'x', secret: 'y', timeoutMs: 2000 }).catch((e: unknown) => e)) as AmiError;
    expect(wrong.kind).to.equal('protocol');
  });
});
