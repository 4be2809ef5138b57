import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { adminSocketPath, callAdmin } from '../../appliance/core/admin-channel.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AmiStandin, AriStandin } from '../support/asterisk-standin/index.js';
import { freePort, runCli } from '../support/cli.js';

/** The appliance's component states, as root asks for them (the admin channel; /healthz shows them to no one). */
async function health(prefix: string): Promise<Record<string, string>> {
  const reply = await callAdmin(adminSocketPath(join(prefix, 'var/lib/contactbox')), 'health');
  if (!reply?.ok) throw new Error(`no health from the admin channel: ${JSON.stringify(reply)}`);
  return reply.result as Record<string, string>;
}

describe('installer: telephony at install time', function () {
  this.timeout(180_000);
  const created: string[] = [];
  const prefixWith = (answers: Record<string, unknown>) => {
    const prefix = mkdtempSync(join(tmpdir(), 'contactbox-tel-'));
    created.push(prefix);
    const file = join(prefix, 'answers.json');
    writeFileSync(file, JSON.stringify({ profile: 'evaluation', admin: { username: 'boss', password: 'telephony-Pa55word' }, ...answers }));
    return { prefix, file };
  };
  after(async () => {
    for (const prefix of created) {
      await runCli(['uninstall', '--prefix', prefix, '--purge', '--yes']);
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('hybrid: follows a remote Asterisk given in the answers file and reports telephony connected', async () => {
    const ami = new AmiStandin();
    const ari = new AriStandin();
    const amiPort = await ami.start();
    const ariPort = await ari.start();
    try {
      const { prefix, file } = prefixWith({
        telephony: {
          mode: 'remote',
          applianceAddress: '127.0.0.1',
          ami: { host: '127.0.0.1', port: amiPort, username: 'crm', secret: 'crmsecret' },
          ari: { url: `http://127.0.0.1:${ariPort}`, username: 'crm', password: 'crmari', app: 'crm' },
        },
        trunks: [{ kind: 'gsm', name: 'goip', host: '192.0.2.20', channels: 4, secret: 'Gsm-gateway-S3cret!', dids: ['380671110001'], outbound: ['0'] }],
      });
      const port = await freePort();
      const r = await runCli(['install', '--prefix', prefix, '--answers', file, '--yes', '--port', String(port), '--json']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const step = r.json<{ steps: { step: string; status: string; detail: string }[] }>().steps.find((s) => s.step === 'telephony')!;
      expect(step.status).to.equal('changed');
      expect(step.detail).to.match(/remote Asterisk/).and.to.match(/goip/);
      const config = parse(readFileSync(join(prefix, 'etc/contactbox/contactbox.yaml'), 'utf8')) as { telephony: Record<string, unknown> };
      expect(config.telephony).to.include({ mode: 'remote', outboundContext: 'cb-operators' });
      expect(existsSync(join(prefix, 'etc/contactbox/asterisk-remote/pjsip_contactbox.conf'))).to.equal(true);
      let telephony = '';
      for (let i = 0; i < 50 && telephony !== 'connected'; i++) {
        telephony = (await health(prefix)).telephony!;
        if (telephony !== 'connected') await new Promise((res) => setTimeout(res, 200));
      }
      expect(telephony).to.equal('connected');
    } finally {
      await ami.stop();
      await ari.stop();
    }
  });

  it('local mode where no Asterisk can be had: stops with the ways to get one', async () => {
    const { prefix, file } = prefixWith({ telephony: { mode: 'local' } });
    const r = await runCli(['install', '--prefix', prefix, '--answers', file, '--yes', '--port', String(await freePort()), '--json']);
    expect(r.code).to.equal(1);
    const error = r.json<{ error: { message: string; hint: string } }>().error;
    expect(error.message).to.match(/install stopped at "telephony"/);
    expect(`${error.message} ${error.hint}`).to.match(/asterisk-debs|remote/i);
  });

  it('refuses a malformed telephony or trunk answer, naming the field', async () => {
    const { prefix, file } = prefixWith({ telephony: { mode: 'local', sipPort: 'five' } });
    const r = await runCli(['install', '--prefix', prefix, '--answers', file, '--yes', '--json']);
    expect(r.code).to.equal(2);
    expect(r.json<{ error: { message: string } }>().error.message).to.match(/answers\.telephony\.sipPort/);
  });
});
