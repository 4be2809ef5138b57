import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import type { TrunkDefinition } from '../../appliance/trunks/model.js';
import { parseTrunk } from '../../appliance/trunks/validation.js';
import { defaultModel, type ProvisioningModel } from '../../installer/provisioning/model.js';

/** One SIP provider, one 4-channel GSM gateway and one 2-port analog gateway, as an admin would add them. */
export const TRUNK_INPUTS: Record<string, unknown>[] = [
  {
    kind: 'sip',
    name: 'uplink',
    host: 'sip.uplink.example',
    auth: 'register',
    username: 'acme380441234567',
    secret: 'Provider-Secret-42',
    dids: ['380441234567', '0800301234', { did: '0900123456', target: 'team:sales' }, '1551'],
    callerIdNumber: '380441234567',
    outbound: ['0', '+'],
    priority: 20,
  },
  {
    kind: 'gsm',
    name: 'goip',
    host: '192.0.2.20',
    auth: 'register',
    channels: 4,
    secret: 'Gsm-Lines-Secret-7',
    dids: ['380671110001', '380671110002', '380671110003', '380671110004'],
    outbound: ['0'],
    priority: 10,
    dialTimeoutSec: 45,
  },
  {
    kind: 'analog',
    name: 'fxgw',
    host: '192.0.2.30',
    auth: 'ip',
    port: 5062,
    ports: [{ type: 'fxo', did: '380442220000' }, { type: 'fxs', extension: '301' }],
    outbound: ['8:1'],
  },
];

export function sampleTrunks(): TrunkDefinition[] {
  const out: TrunkDefinition[] = [];
  for (const input of TRUNK_INPUTS) out.push(parseTrunk(input, out, trunkKinds));
  return out;
}

export function sampleModel(overrides: Partial<ProvisioningModel> = {}): ProvisioningModel {
  return defaultModel({
    operators: [
      { endpoint: 'op101', extension: '101', name: 'Olena Koval', secret: 'Op101-Browser-Pass', queues: ['support'] },
      { endpoint: 'op102', extension: '102', name: 'Petro Shevchenko', secret: 'Op102-Browser-Pass', queues: ['support', 'team-sales'] },
    ],
    trunks: sampleTrunks(),
    ...overrides,
  });
}
