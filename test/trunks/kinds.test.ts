import { expect } from 'chai';
import { ext, section } from '../../appliance/trunks/asterisk-conf.js';
import * as f from '../../appliance/trunks/fields.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { TrunkFieldError, type TrunkKind } from '../../appliance/trunks/model.js';
import { outboundRoutes } from '../../appliance/trunks/routing.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { renderAsterisk } from '../../installer/provisioning/render.js';
import { defaultModel } from '../../installer/provisioning/model.js';
import { readTemplates } from '../../installer/provisioning/templates.js';
import { sampleTrunks } from '../provisioning/fixtures.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof TrunkFieldError) return `${err.code} ${err.field}`;
    throw err;
  }
  return 'accepted';
};

describe('trunk model: kinds, field checks and derived routes', () => {
  it('checks hosts, secrets, DIDs and prefixes with errors naming the field', () => {
    expect(f.host('sip.provider.example')).to.equal('sip.provider.example');
    expect(f.host('192.0.2.10')).to.equal('192.0.2.10');
    expect(f.host('2001:db8::1')).to.equal('2001:db8::1');
    for (const bad of ['1.2.3', '256.1.1.1', 'exa mple.com', '-bad.example', 'http://x.example', 'a..b']) {
      expect(fieldOf(() => f.host(bad)), bad).to.equal('TRUNK_INVALID host');
    }
    expect(f.secret('Abcdefgh1234')).to.equal('Abcdefgh1234');
    for (const weak of ['Abc123!', 'abcdefghijklmnop', 'abcdefgh12345', 'Abcdefgh 1234']) expect(fieldOf(() => f.secret(weak)), weak).to.equal('TRUNK_INVALID secret');
    expect(f.did('+380 44 123-45-67', 'd')).to.equal('+380441234567');
    expect(f.did('0800301234', 'd')).to.equal('0800301234');
    expect(f.did('112', 'd')).to.equal('112');
    expect(fieldOf(() => f.did('12', 'd'))).to.equal('TRUNK_INVALID d');
    expect(f.prefix('+380', 'p')).to.equal('+380');
    expect(fieldOf(() => f.prefix('0+', 'p'))).to.equal('TRUNK_INVALID p');
  });

  it('GSM: dial timeout at least 30 s (default 60), 1–64 channels, per-channel DIDs and secrets', () => {
    const base = { kind: 'gsm', name: 'gw', host: '192.0.2.1', secret: 'Gsm-Lines-Secret-7' };
    expect(parseTrunk({ ...base, channels: 2 }, [], trunkKinds).settings).to.deep.include({ dialTimeoutSec: 60 });
    expect(fieldOf(() => parseTrunk({ ...base, channels: 2, dialTimeoutSec: 29 }, [], trunkKinds))).to.equal('TRUNK_INVALID dialTimeoutSec');
    expect(fieldOf(() => parseTrunk({ ...base, channels: 0 }, [], trunkKinds))).to.equal('TRUNK_INVALID channels');
    expect(fieldOf(() => parseTrunk({ ...base, channels: 64 }, [], trunkKinds))).to.equal('accepted');
    expect(fieldOf(() => parseTrunk({ ...base, channels: 2, dids: '380671110001,380671110002,380671110003' }, [], trunkKinds))).to.equal('TRUNK_INVALID dids');
    expect(fieldOf(() => parseTrunk({ ...base, channels: [{}, { username: 'goip2' }] }, [], trunkKinds))).to.equal('TRUNK_INVALID channels.1.username');
    const t = parseTrunk({ ...base, channels: [{ did: '380671110001', secret: 'Other-Sim-Secret-9' }, { username: 'gw-ch2' }] }, [], trunkKinds);
    expect(t.dids).to.deep.equal([{ did: '380671110001', target: { type: 'queue', name: 'support' }, channel: 1, field: 'channels.0.did' }]);
    const lines = (t.settings as { lines: { secret: string; username: string }[] }).lines;
    expect(lines.map((l) => [l.username, l.secret])).to.deep.equal([['gw-ch1', 'Other-Sim-Secret-9'], ['gw-ch2', 'Gsm-Lines-Secret-7']]);
    expect(fieldOf(() => parseTrunk({ ...base, auth: 'ip', channels: [{ port: 5070 }, { port: 5070 }] }, [], trunkKinds))).to.equal('TRUNK_INVALID channels.1');
  });

  it('SIP over TCP uses the tcp transport and ;transport=tcp URIs; TLS is refused naming the field', () => {
    const tcp = parseTrunk({ kind: 'sip', name: 'tcpprov', host: 'sip.tcp.example', transport: 'tcp', username: 'u1', secret: 'Provider-Secret-42' }, [], trunkKinds);
    const files = renderAsterisk(defaultModel({ trunks: [tcp] }), { amiSecret: 'a', ariPassword: 'b' }, readTemplates(), trunkKinds);
    const pjsip = files.find((x) => x.name === 'pjsip_contactbox.conf')!.content;
    expect(pjsip).to.include('server_uri = sip:sip.tcp.example:5060;transport=tcp');
    expect(pjsip).to.match(/\[tcpprov\]\ntype = endpoint\ntransport = cb-transport-tcp/);
    expect(fieldOf(() => parseTrunk({ kind: 'sip', name: 'tlsprov', host: 'sip.tls.example', transport: 'tls', auth: 'ip' }, [], trunkKinds))).to.equal('TRUNK_INVALID transport');
  });

  it('outbound routes: prefix → trunks in priority order, longest prefix first, then by prefix', () => {
    expect(outboundRoutes(sampleTrunks())).to.deep.equal([
      { prefix: '+', strip: 0, prepend: '', trunks: ['uplink'] },
      { prefix: '0', strip: 0, prepend: '', trunks: ['goip', 'uplink'] },
      { prefix: '8', strip: 1, prepend: '', trunks: ['fxgw'] },
    ]);
  });

  it('a new kind plugs in through the one interface: parsed, checked across trunks and rendered with no other change', () => {
    const isdn: TrunkKind<{ host: string }> = {
      kind: 'isdn-bri',
      label: 'ISDN BRI gateway',
      parse: (input, d) => ({ settings: { host: f.host(input.host) }, dids: f.list(input.dids).map((x, i) => ({ did: f.did(x, `dids.${i}`), target: d.target, channel: null })) }),
      endpoints: (name) => [name],
      describe: (s) => ({ host: s.host }),
      render: (t, ctx) => ({
        pjsip: [section(t.name, [['type', 'endpoint'], ['transport', ctx.transport('udp')], ['context', `cb-from-${t.name}`], ['aors', t.name]]), section(t.name, [['type', 'aor'], ['contact', `sip:${t.settings.host}`]])],
        contexts: [{ name: `cb-from-${t.name}`, extensions: [ext('_X.', ['Set(CB_DID=${EXTEN})', `Goto(${ctx.inboundContext},\${CB_DID},1)`])] }],
        dial: { name: `cb-dial-${t.name}`, extensions: [ext('s', [`Dial(PJSIP/\${ARG1}@${t.name},60)`, 'Return(${DIALSTATUS})'])] },
        internal: [],
      }),
    };
    const kinds = [...trunkKinds, isdn];
    const existing = sampleTrunks();
    expect(fieldOf(() => parseTrunk({ kind: 'isdn-bri', name: 'bri', host: '192.0.2.40', dids: ['0800301234'] }, existing, kinds))).to.equal('TRUNK_DUPLICATE_DID dids.0');
    const bri = parseTrunk({ kind: 'isdn-bri', name: 'bri', host: '192.0.2.40', dids: ['380445550000'], outbound: ['7'] }, existing, kinds);
    const files = renderAsterisk(defaultModel({ trunks: [...existing, bri] }), { amiSecret: 'a', ariPassword: 'b' }, readTemplates(), kinds);
    expect(files.find((x) => x.name === 'pjsip_contactbox.conf')!.content).to.include('[bri]\ntype = endpoint');
    expect(files.find((x) => x.name === 'extensions_contactbox.conf')!.content).to.include('exten => 380445550000,1,NoOp(DID 380445550000 via bri)');
    expect(fieldOf(() => parseTrunk({ kind: 'isdn-bri', name: 'bri' }, [], trunkKinds))).to.equal('TRUNK_UNKNOWN_KIND kind');
  });
});
