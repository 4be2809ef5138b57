import { renderSections, section, type ConfSection } from '../../appliance/trunks/asterisk-conf.js';
import type { SipTransport } from '../../appliance/trunks/model.js';
import { renderOperatorPhones, TRANSPORT_NAMES } from '../../appliance/softphone/asterisk-endpoints.js';
import type { OperatorEndpoint, ProvisioningModel } from './model.js';

export const TRANSPORTS = TRANSPORT_NAMES;

export function transportName(protocol: SipTransport): string {
  return TRANSPORTS[protocol];
}

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

/** Operators' phones: inline, or (`operatorsFile`) an include of the file the appliance keeps current. */
export function renderOperators(m: ProvisioningModel): string {
  if (m.operatorsFile) return `#tryinclude ${m.operatorsFile}`;
  return renderOperatorPhones(m.operators, operatorTransports(m));
}

export function operatorTransports(m: ProvisioningModel): { udp: string; web: string } {
  return { udp: TRANSPORTS.udp, web: m.http.tls ? TRANSPORTS.wss : TRANSPORTS.ws };
}
