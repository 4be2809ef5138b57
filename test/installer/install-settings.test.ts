import { expect } from 'chai';
import { resolveSettings, renderConfig } from '../../installer/install/settings.js';
import type { HostPort } from '../../installer/ports/host.js';
import { operatorUrls } from '../../installer/install/urls.js';
import type { PromptPort } from '../../installer/ports/prompts.js';
import { installPaths } from '../../installer/paths.js';
import { parseConfig } from '../../appliance/config.js';
import { parse as parseYaml } from 'yaml';

const host = (root = false) => ({ isRoot: () => root, hostnames: () => ['localhost', '127.0.0.1', 'pbx.example.lan', '10.0.0.5'] }) as unknown as HostPort;

/** A prompt port answering from a script, recording the questions asked. */
function scripted(answers: (string | boolean)[]): PromptPort & { asked: string[] } {
  const queue = [...answers];
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (queue.length === 0) throw new Error(`unexpected question: ${message}`);
    return queue.shift()!;
  };
  return {
    asked,
    input: async (message, _d, validate) => {
      const v = String(next(message));
      const ok = validate ? validate(v) : true;
      if (ok !== true) throw new Error(`validation refused ${v}: ${ok}`);
      return v;
    },
    password: async (message, validate) => {
      const v = String(next(message));
      const ok = validate ? validate(v) : true;
      if (ok !== true) throw new Error(`validation refused: ${ok}`);
      return v;
    },
    select: async (message) => next(message) as never,
    confirm: async (message) => Boolean(next(message)),
  };
}

describe('installer: install settings', () => {
  it('takes flags over the answers file, the file over the installed config, and that over defaults', async () => {
    const existing = { server: { port: 9443, host: '0.0.0.0', httpRedirectPort: null, publicNames: ['old.lan'] }, language: 'de' as const, telephony: { mode: 'remote' } };
    const s = await resolveSettings({ prefix: '/x', port: '8443' }, { port: 7443, language: 'uk' }, existing, host(), null);
    expect(s.port).to.equal(8443);
    expect(s.language).to.equal('uk');
    expect(s.telephony).to.deep.equal({ mode: 'remote' });
    expect(s.hostnames).to.include.members(['old.lan', 'pbx.example.lan', '10.0.0.5']);
    const kept = await resolveSettings({ prefix: '/x' }, {}, existing, host(), null);
    expect(kept.port).to.equal(9443);
    expect(kept.language).to.equal('de');
    const fresh = await resolveSettings({ prefix: '/x' }, {}, null, host(), null);
    expect(fresh).to.include({ port: 443, httpRedirectPort: null, listen: '127.0.0.1', profile: 'production', runAs: null });
  });

  it('gives a system install port-80 redirect, the LAN address and the contactbox user', async () => {
    const s = await resolveSettings({}, {}, null, host(true), null);
    expect(s).to.include({ httpRedirectPort: 80, listen: '0.0.0.0', runAs: 'contactbox' });
    const noRedirect = await resolveSettings({ httpRedirect: false }, {}, null, host(true), null);
    expect(noRedirect.httpRedirectPort).to.equal(null);
  });

  it('refuses bad flags with exit 2 and the flag named', async () => {
    for (const [flags, pattern] of [
      [{ port: '70000' }, /--port must be a port number/],
      [{ port: 'abc' }, /--port must be a port number/],
      [{ tlsCert: 'a.pem' }, /--tls-cert and --tls-key go together/],
      [{ profile: 'fast' }, /--profile must be production or evaluation/],
    ] as const) {
      try {
        await resolveSettings({ prefix: '/x', ...flags }, {}, null, host(), null);
        expect.fail(`accepted ${JSON.stringify(flags)}`);
      } catch (err) {
        expect((err as { exit: number }).exit).to.equal(2);
        expect((err as Error).message).to.match(pattern);
      }
    }
  });

  it('asks the wizard questions on a terminal and uses the answers', async () => {
    const prompts = scripted(['evaluation', '8443', 'uk', 'chief', 'a-long-enough-password']);
    const s = await resolveSettings({ prefix: '/x' }, {}, null, host(), prompts);
    expect(prompts.asked).to.have.length(5);
    expect(s).to.include({ profile: 'evaluation', port: 8443, language: 'uk' });
    expect(s.admin).to.include({ username: 'chief', password: 'a-long-enough-password' });
    const generated = await resolveSettings({ prefix: '/x' }, {}, null, host(), scripted(['production', '443', 'en', 'admin', '']));
    expect(generated.admin.password).to.equal(null);
  });

  it('renders a configuration file the appliance accepts', async () => {
    const s = await resolveSettings({ prefix: '/srv/cb' }, { retention: { recordings: 365, mail: 'forever' }, sizing: { recordedMinutesPerDay: 600 } }, null, host(), null);
    const paths = installPaths('/srv/cb');
    const text = renderConfig(s, paths, { cert: '/srv/cb/etc/contactbox/tls/server.crt', key: '/srv/cb/etc/contactbox/tls/server.key', ca: null });
    const config = parseConfig(parseYaml(text));
    expect(config.paths.data).to.equal('/srv/cb/var/lib/contactbox');
    expect(config.server.tls?.cert).to.equal('/srv/cb/etc/contactbox/tls/server.crt');
    expect(config.retention).to.deep.equal({ recordings: 365, mail: 'forever', recordedMinutesPerDay: 600 });
  });

  it('prints URLs operators can reach: addresses first (no DNS needed), then names, never loopback', () => {
    const names = ['localhost', '127.0.0.1', '::1', 'pbx.example.lan', '10.0.0.5', 'fd00::5'];
    expect(operatorUrls(names, 443, '0.0.0.0')).to.deep.equal(['https://10.0.0.5', 'https://pbx.example.lan', 'https://[fd00::5]']);
    expect(operatorUrls(names, 8443, '0.0.0.0')[0]).to.equal('https://10.0.0.5:8443');
    expect(operatorUrls(names, 8443, '127.0.0.1')).to.deep.equal(['https://127.0.0.1:8443']);
    expect(operatorUrls(['localhost'], 443, '0.0.0.0')).to.deep.equal(['https://127.0.0.1']);
  });
});
