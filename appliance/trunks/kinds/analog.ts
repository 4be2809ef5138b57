import { gatewayKind } from './gateway.js';

/** An analog (FXO/FXS) gateway: each FXO port is one PSTN line with one call; each FXS port is one phone with an internal extension. */
export const analogKind = gatewayKind({
  kind: 'analog',
  label: 'Analog gateway',
  countField: 'ports',
  lineWord: 'port',
  lineTypes: ['fxo', 'fxs'],
  minDialTimeoutSec: 10,
  busyText: 'Analog line already in use',
});
