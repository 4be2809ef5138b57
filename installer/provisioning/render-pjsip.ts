import { renderSections, section, type ConfSection } from '../../appliance/trunks/asterisk-conf.js';
import type { SipTransport } from '../../appliance/trunks/model.js';
import { directMediaOff } from '../../appliance/trunks/kinds/common.js';
import type { OperatorEndpoint, ProvisioningModel } from './model.js';

export const TRANSPORTS = {
  udp: 'cb-transport-udp',
  tcp: 'cb-transport-tcp',
  ws: 'cb-transport-ws',
  wss: 'cb-transport-wss',
} as const;

export function transportName(protocol: SipTransport): string {
  return TRANSPORTS[protocol];
}

/** The operators' dialplan context (`CONTEXTS.operators` in render-dialplan.ts). */
const CONTEXTS_OPERATORS = 'cb-operators';

export const operatorEndpoint = (o: Pick<OperatorEndpoint, 'endpoint'>) => o.endpoint;

export function renderTransports(m: ProvisioningModel): string {
  const nat = (s: ConfSection): ConfSection =>
    m.sip.externalAddress
      ? {
          ...s,
          options: [
            ...s.options,
            ['external_media_address', m.sip.externalAddress],
            ['external_signaling_address', m.sip.externalAddress],
            ...m.sip.localNets.map((n) => ['local_net', n] as const),
          ],
        }
      : s;
  const sections = [
    nat(section(TRANSPORTS.udp, [['type', 'transport'], ['protocol', 'udp'], ['bind', `${m.sip.bindAddress}:${m.sip.udpPort}`]])),
    nat(section(TRANSPORTS.tcp, [['type', 'transport'], ['protocol', 'tcp'], ['bind', `${m.sip.bindAddress}:${m.sip.tcpPort}`]])),
    // "bind" is ignored for ws/wss: they are served by Asterisk's HTTP server (http_contactbox.conf).
    section(TRANSPORTS.ws, [['type', 'transport'], ['protocol', 'ws'], ['bind', m.http.bindAddress]]),
    m.http.tls && section(TRANSPORTS.wss, [['type', 'transport'], ['protocol', 'wss'], ['bind', m.http.tls.bindAddress]]),
  ].filter((s): s is ConfSection => Boolean(s));
  return renderSections(sections);
}

/**
 * Browser phones: `webrtc = yes` turns on ICE, AVPF, rtcp-mux and DTLS-SRTP media. Desk phones
 * (`device: sip`) use the UDP transport and plain RTP through Asterisk.
 */
export function renderOperators(m: ProvisioningModel): string {
  const sections: ConfSection[] = [];
  for (const o of [...m.operators].sort((a, b) => a.endpoint.localeCompare(b.endpoint))) {
    const ep = operatorEndpoint(o);
    const media: ConfSection['options'] =
      o.device === 'sip'
        ? [['transport', TRANSPORTS.udp], ['context', 'cb-operators'], ['disallow', 'all'], ['allow', 'ulaw,alaw'], ...directMediaOff, ['dtmf_mode', 'rfc4733']]
        : [
            ['transport', m.http.tls ? TRANSPORTS.wss : TRANSPORTS.ws],
            ['context', 'cb-operators'],
            ['disallow', 'all'],
            ['allow', 'opus,ulaw,alaw'],
            ['webrtc', 'yes'],
            ['dtls_auto_generate_cert', 'yes'],
          ];
    sections.push(
      section(ep, [
        ['type', 'endpoint'],
        ...media,
        ['auth', `${ep}-auth`],
        ['aors', ep],
        // A blind transfer (REFER) from the phone goes through the operators' dialplan, whatever
        // channel the phone is on (a queue's call runs elsewhere): colleagues, queues, outbound routes.
        ['set_var', `TRANSFER_CONTEXT=${CONTEXTS_OPERATORS}`],
        ['callerid', `"${o.name.replace(/["<>;\\]/g, '')}" <${o.extension}>`],
        ['device_state_busy_at', 1],
      ], { comments: [`operator ${o.name.replace(/[\r\n]/g, ' ')}, extension ${o.extension}`] }),
      section(`${ep}-auth`, [['type', 'auth'], ['auth_type', 'userpass'], ['username', ep], ['password', o.secret]]),
      section(ep, o.contact ? [['type', 'aor'], ['contact', o.contact]] : [['type', 'aor'], ['max_contacts', 1], ['remove_existing', 'yes']]),
    );
  }
  return renderSections(sections);
}
