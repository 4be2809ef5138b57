import type { AmiConnect } from '../ports/ami.js';
import { listEndpoints } from './provision.js';

/** One pjsip endpoint as `PJSIPShowEndpoints` reports it. */
export interface EndpointState {
  endpoint: string;
  /** `Not in use`, `In use`, `Busy`, `Unavailable`… */
  deviceState: string;
  contacts: string[];
}

export async function listEndpointStates(ami: AmiConnect, target: { host: string; port: number; username: string; secret: string }): Promise<EndpointState[]> {
  const session = await ami(target);
  try {
    const r = await session.action({ Action: 'PJSIPShowEndpoints' });
    if (r.response.Response !== 'Success') {
      if (/no endpoints/i.test(r.response.Message ?? '')) return [];
      throw new Error(r.response.Message ?? 'PJSIPShowEndpoints failed');
    }
    return r.events
      .filter((e) => e.Event === 'EndpointList')
      .map((e) => ({
        endpoint: e.ObjectName ?? '',
        deviceState: e.DeviceState ?? 'Unknown',
        contacts: (e.Contacts ?? '').split(',').map((c) => c.trim()).filter(Boolean),
      }));
  } finally {
    await session.close().catch(() => undefined);
  }
}

