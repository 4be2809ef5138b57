import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { renderAsterisk, type RenderedFile } from '../../installer/provisioning/render.js';
import { readTemplates } from '../../installer/provisioning/templates.js';
import { effectiveOptions, parseAsteriskIni, typeOf, type IniFile } from './asterisk-ini.js';
import { parseDialplan } from './dialplan-sim.js';
import { sampleModel } from './fixtures.js';

const TRACE_CONF = fileURLToPath(new URL('./reference-conf/', import.meta.url));
const trace = (name: string) => parseAsteriskIni(readFileSync(`${TRACE_CONF}${name}`, 'utf8'));

/**
 * Options the reference configuration does not use but that we do, each from the pjsip
 * configuration reference (res_pjsip, res_pjsip_outbound_registration) of Asterisk 22.
 */
const PJSIP_DOC_OPTIONS: Record<string, string[]> = {
  endpoint: ['outbound_auth', 'from_user', 'from_domain', 'send_pai', 'trust_id_outbound', 'force_rport', 'rewrite_contact', 'set_var'],
  aor: ['contact', 'qualify_frequency', 'max_contacts', 'remove_existing'],
  auth: [],
  identify: [],
  transport: ['external_media_address', 'external_signaling_address', 'local_net'],
  registration: ['transport', 'outbound_auth', 'server_uri', 'client_uri', 'contact_user', 'retry_interval', 'forbidden_retry_interval', 'expiration', 'line', 'endpoint'],
};

function knownOptionsByType(file: IniFile): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  for (const s of file.sections) {
    const type = typeOf(file, s);
    if (!type || s.template) continue;
    const set = known.get(type) ?? new Set<string>();
    for (const k of effectiveOptions(file, s).keys()) set.add(k);
    known.set(type, set);
  }
  for (const [type, extra] of Object.entries(PJSIP_DOC_OPTIONS)) {
    const set = known.get(type) ?? new Set<string>(['type']);
    extra.forEach((o) => set.add(o));
    known.set(type, set);
  }
  return known;
}

describe('provisioning: rendered Asterisk configuration (SIP provider, 4-channel GSM, 2-port analog)', () => {
  let files: RenderedFile[];
  const byName = (n: string) => files.find((f) => f.name === n)!.content;
  before(() => {
    files = renderAsterisk(sampleModel(), { amiSecret: 'Ami-Secret-0123456789', ariPassword: 'Ari-Secret-0123456789' }, readTemplates(), trunkKinds);
  });

  it('is deterministic: rendering twice, or from trunks in another order, gives identical bytes', () => {
    const again = renderAsterisk(sampleModel(), { amiSecret: 'Ami-Secret-0123456789', ariPassword: 'Ari-Secret-0123456789' }, readTemplates(), trunkKinds);
    expect(again.map((f) => f.content)).to.deep.equal(files.map((f) => f.content));
    const reordered = sampleModel();
    reordered.trunks.reverse();
    reordered.operators.reverse();
    const third = renderAsterisk(reordered, { amiSecret: 'Ami-Secret-0123456789', ariPassword: 'Ari-Secret-0123456789' }, readTemplates(), trunkKinds);
    expect(third.map((f) => f.content)).to.deep.equal(files.map((f) => f.content));
  });

  it('every file parses as Asterisk config syntax', () => {
    for (const f of files) expect(parseAsteriskIni(f.content).errors, f.name).to.deep.equal([]);
  });

  it('pjsip: only the object types and option names the reference config (or the pjsip reference) uses', () => {
    const known = knownOptionsByType(trace('pjsip.conf'));
    const ours = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    expect(ours.sections.length).to.be.greaterThan(20);
    for (const s of ours.sections) {
      const type = typeOf(ours, s);
      expect(['endpoint', 'aor', 'auth', 'identify', 'registration', 'transport'], `[${s.name}] type`).to.include(type);
      for (const o of s.options) expect(known.get(type!), `[${s.name}] (${type}) ${o.key}`).to.include(o.key);
    }
  });

  it('pjsip: every reference resolves (aors, auth, outbound_auth, identify endpoint, transport, registration endpoint)', () => {
    const ours = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    const has = (name: string, type: string) => ours.sections.some((s) => s.name === name && typeOf(ours, s) === type);
    for (const s of ours.sections) {
      const o = effectiveOptions(ours, s);
      const one = (k: string) => o.get(k)?.at(-1);
      const type = typeOf(ours, s);
      if (type === 'endpoint') {
        expect(has(one('aors')!, 'aor'), `${s.name} aors`).to.equal(true);
        if (one('auth')) expect(has(one('auth')!, 'auth')).to.equal(true);
        if (one('outbound_auth')) expect(has(one('outbound_auth')!, 'auth')).to.equal(true);
        expect(has(one('transport')!, 'transport'), `${s.name} transport`).to.equal(true);
      }
      if (type === 'identify' || type === 'registration') expect(has(one('endpoint')!, 'endpoint'), `${s.name} endpoint`).to.equal(true);
    }
  });

  it('transports: udp, tcp and ws for WebRTC; operators are webrtc=yes endpoints on ws with DTLS certificates', () => {
    const ours = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    const protocols = ours.sections.filter((s) => typeOf(ours, s) === 'transport').map((s) => effectiveOptions(ours, s).get('protocol')![0]);
    expect(protocols).to.deep.equal(['udp', 'tcp', 'ws']);
    const op = ours.sections.find((s) => s.name === 'op101' && typeOf(ours, s) === 'endpoint')!;
    const o = effectiveOptions(ours, op);
    expect(o.get('webrtc')).to.deep.equal(['yes']);
    expect(o.get('dtls_auto_generate_cert')).to.deep.equal(['yes']);
    expect(o.get('transport')).to.deep.equal(['cb-transport-ws']);
    expect(o.get('context')).to.deep.equal(['cb-operators']);
  });

  it('wss transport and http TLS when Asterisk serves TLS itself', () => {
    const m = sampleModel();
    m.http.tls = { bindAddress: '0.0.0.0', port: 8089, certFile: '/etc/asterisk/keys/cb.pem', keyFile: '/etc/asterisk/keys/cb.key' };
    const out = renderAsterisk(m, { amiSecret: 'x', ariPassword: 'y' }, readTemplates(), trunkKinds);
    const pjsip = out.find((f) => f.name === 'pjsip_contactbox.conf')!.content;
    expect(pjsip).to.match(/\[cb-transport-wss\]\ntype = transport\nprotocol = wss/);
    expect(pjsip).to.include('transport = cb-transport-wss');
    expect(out.find((f) => f.name === 'http_contactbox.conf')!.content).to.include('tlsbindaddr = 0.0.0.0:8089');
  });

  it('GSM: 4 channel endpoints, each one SIM with device_state_busy_at=1 and per-channel registration auth', () => {
    const ours = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    for (let ch = 1; ch <= 4; ch++) {
      const ep = ours.sections.find((s) => s.name === `goip-ch${ch}` && typeOf(ours, s) === 'endpoint')!;
      const o = effectiveOptions(ours, ep);
      expect(o.get('device_state_busy_at')).to.deep.equal(['1']);
      expect(o.get('auth')).to.deep.equal([`goip-ch${ch}-auth`]);
      expect(o.get('context')).to.deep.equal([`cb-from-goip-ch${ch}`]);
      const aor = ours.sections.find((s) => s.name === `goip-ch${ch}` && typeOf(ours, s) === 'aor')!;
      expect(effectiveOptions(ours, aor).get('max_contacts')).to.deep.equal(['1']);
    }
    const dial = byName('extensions_contactbox.conf');
    expect(dial).to.include('Dial(PJSIP/${ARG1}@goip-ch1,45)');
  });

  it('analog: IP-authenticated ports identified by address:port like the reference gsm-gw (match = host:port)', () => {
    const ours = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    const ident = ours.sections.filter((s) => typeOf(ours, s) === 'identify').map((s) => effectiveOptions(ours, s).get('match')![0]);
    expect(ident).to.include.members(['192.0.2.30:5062', '192.0.2.30:5063', 'sip.uplink.example']);
    const ref = trace('pjsip.conf');
    const refMatch = ref.sections.filter((s) => typeOf(ref, s) === 'identify').map((s) => effectiveOptions(ref, s).get('match')![0]);
    for (const m of [...ident, ...refMatch]) expect(m).to.match(/^[a-z0-9.-]+(:\d+)?$/);
    expect(byName('extensions_contactbox.conf')).to.include('exten => 301,1,NoOp(Internal call to fxgw FXS port 2)');
  });

  it('SIP provider: outbound registration with line=yes, IP identify as well, fixed caller ID', () => {
    const ours = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    const reg = ours.sections.find((s) => typeOf(ours, s) === 'registration')!;
    const o = effectiveOptions(ours, reg);
    expect(o.get('server_uri')).to.deep.equal(['sip:sip.uplink.example:5060']);
    expect(o.get('line')).to.deep.equal(['yes']);
    expect(byName('extensions_contactbox.conf')).to.include('Set(CALLERID(num)=380441234567)');
  });

  it('dialplan: parses, every Goto/Gosub/include target exists, and every endpoint context is defined', () => {
    const dp = parseDialplan(byName('extensions_contactbox.conf'));
    const text = byName('extensions_contactbox.conf');
    for (const m of text.matchAll(/Gosub\(([^,]+),/g)) expect(dp.has(m[1]!), m[1]).to.equal(true);
    for (const m of text.matchAll(/include => (\S+)/g)) expect(dp.has(m[1]!), m[1]).to.equal(true);
    for (const m of text.matchAll(/Goto\((cb-[^,]+),/g)) expect(dp.has(m[1]!), m[1]).to.equal(true);
    const pjsip = parseAsteriskIni(byName('pjsip_contactbox.conf'));
    for (const s of pjsip.sections) {
      const ctx = effectiveOptions(pjsip, s).get('context')?.[0];
      if (ctx) expect(dp.has(ctx), `${s.name} context ${ctx}`).to.equal(true);
    }
    expect([...dp.get('cb-inbound')!.exts.keys()]).to.include.members(['0800301234', '0900123456', '1551', '380671110003']);
  });

  it('dialplan: the reference one-call-per-SIM idiom — GROUP, GROUP_COUNT > 1, Hangup(17) inbound and Hangup(34) (no line free) outbound', () => {
    const text = byName('extensions_contactbox.conf');
    expect(text).to.include(' same => n,Set(GROUP(cbline)=goip-ch2)\n same => n,GotoIf($[${GROUP_COUNT(goip-ch2@cbline)} > 1]?linebusy)');
    expect(text).to.include(' same => n(linebusy),NoOp(GSM line already in use: ${GROUP_COUNT(goip-ch2@cbline)} channels)\n same => n,Hangup(17)');
    expect(text).to.include('same => n,Playtones(congestion)\n same => n,Wait(2)\n same => n,Hangup(34)');
    // Recording only while bridged (option b), into the recording spool ARI serves.
    expect(text).to.include('Gosub(cb-record,s,1(in))');
    expect(text).to.include('exten => s,1,Set(CB_RECORDING=/var/spool/asterisk/recording/${ARG1}-${UNIQUEID}.wav)\n same => n,MixMonitor(${CB_RECORDING},b)\n same => n,UserEvent(CBRecording,File: ${CB_RECORDING})');
    const ref = readFileSync(`${TRACE_CONF}extensions.conf`, 'utf8');
    expect(ref).to.include('GotoIf($[${GROUP_COUNT(gsm-gw)} > 1]?linebusy)');
  });

  it('queues: only options the reference queues.conf uses, and members in its format', () => {
    const known = new Set(trace('queues.conf').sections.flatMap((s) => s.options.map((o) => o.key)));
    const ours = parseAsteriskIni(byName('queues_contactbox.conf'));
    expect(ours.sections.map((s) => s.name)).to.deep.equal(['support', 'team-sales']);
    for (const s of ours.sections) for (const o of s.options) expect(known, o.key).to.include(o.key);
    expect(byName('queues_contactbox.conf')).to.include('member => PJSIP/op101,0,Olena Koval,PJSIP/op101');
  });

  it('AMI user: generated secret, only the appliance address /32, named classes instead of read=all', () => {
    const ours = parseAsteriskIni(byName('manager_contactbox.conf'));
    const user = ours.sections.find((s) => s.name === 'contactbox')!;
    const o = effectiveOptions(ours, user);
    const refUser = trace('manager.conf').sections.find((s) => s.name === 'crm')!;
    for (const k of o.keys()) expect(refUser.options.map((x) => x.key)).to.include(k);
    expect(o.get('secret')).to.deep.equal(['Ami-Secret-0123456789']);
    expect(o.get('deny')).to.deep.equal(['0.0.0.0/0.0.0.0']);
    expect(o.get('permit')).to.deep.equal(['127.0.0.1/255.255.255.255']);
    expect(o.get('read')![0]).to.not.match(/\ball\b/);
    expect(o.get('write')![0]).to.not.match(/\ball\b|command/);
    expect(o.get('read')![0].split(',')).to.include.members(['call', 'agent', 'system']);
  });

  it('ARI user, http and rtp: reference option names; [general](+) appends to the main file', () => {
    const ari = parseAsteriskIni(byName('ari_contactbox.conf'));
    expect(ari.sections[0]).to.include({ name: 'general', append: true });
    const user = effectiveOptions(ari, ari.sections[1]!);
    expect(user.get('type')).to.deep.equal(['user']);
    expect(user.get('password')).to.deep.equal(['Ari-Secret-0123456789']);
    const refHttp = new Set(trace('http.conf').sections[0]!.options.map((o) => o.key));
    for (const o of parseAsteriskIni(byName('http_contactbox.conf')).sections[0]!.options) expect(refHttp).to.include(o.key);
    const rtp = effectiveOptions(parseAsteriskIni(byName('rtp_contactbox.conf')), parseAsteriskIni(byName('rtp_contactbox.conf')).sections[0]!);
    expect(rtp.get('rtpstart')).to.deep.equal(['10000']);
    expect(rtp.get('rtpend')).to.deep.equal(['20000']);
  });
});
