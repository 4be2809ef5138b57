import { gatewayKind } from './gateway.js';

/** A GSM gateway: N channels, each one SIM, one line, at most one call. GSM call setup takes 7–12 s, so dial timeouts are at least 30 s. */
export const gsmKind = gatewayKind({
  kind: 'gsm',
  label: 'GSM gateway',
  countField: 'channels',
  lineWord: 'ch',
  lineTypes: ['gsm'],
  minDialTimeoutSec: 30,
  busyText: 'GSM line already in use',
});
