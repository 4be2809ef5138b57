import type { TrunkDefinition } from '../../appliance/trunks/model.js';
import type { OperatorPhone } from '../../appliance/softphone/asterisk-endpoints.js';

/**
 * Everything Asterisk's contactbox configuration is rendered from. Rendering is a pure
 * function of this model: the same model gives the same bytes.
 */
/** An operator's phone (pjsip endpoint, AOR, SIP user `PJSIP/<endpoint>`) and the queues it is a static member of. */
export interface OperatorEndpoint extends OperatorPhone {
  /** Queues this operator is a static member of. */
  queues: string[];
}

export interface QueueSpec {
  name: string;
  strategy: 'ringall' | 'leastrecent' | 'fewestcalls' | 'rrmemory' | 'linear' | 'random';
  /** Seconds each member rings before the queue moves on. */
  ringTimeoutSec: number;
  retrySec: number;
  wrapupSec: number;
  /** Longest a caller waits in the queue before the dialplan goes on. */
  maxWaitSec: number;
  /**
   * An internal number that puts a call into this queue (operators transfer a caller to another
   * queue by dialling it), or null.
   */
  extension?: string | null;
  /**
   * A recording played to inbound callers before they join (Playback: a sound name, or an
   * absolute path without its extension), or null. A caller who hangs up during it is an abandon
   * before the queue.
   */
  greeting?: string | null;
  /** People (user ids) who are static members of this queue, besides every operator and teams. */
  memberIds?: number[];
}

export interface Credentials {
  username: string;
  secret: string;
}

export interface ProvisioningModel {
  /** `local`: Asterisk on this server (files written and reloaded); `remote`: a bundle for the admin of the remote Asterisk. */
  mode: 'local' | 'remote';
  /** The only address the AMI user may connect from (127.0.0.1 locally, the appliance's LAN address in hybrid mode). */
  applianceAddress: string;
  /** Where the appliance reaches Asterisk's AMI and ARI (127.0.0.1 when local). */
  asteriskAddress: string;
  sip: {
    bindAddress: string;
    udpPort: number;
    tcpPort: number;
    /** Public address for NAT (external_media_address / external_signaling_address), or null. */
    externalAddress: string | null;
    localNets: string[];
  };
  http: {
    bindAddress: string;
    port: number;
    /** When set, Asterisk also serves wss itself with this certificate (the default is ws behind the appliance). */
    tls: { bindAddress: string; port: number; certFile: string; keyFile: string } | null;
  };
  rtp: { start: number; end: number };
  /** Where MixMonitor writes: the recording spool, which ARI can serve in hybrid mode. */
  recordingDir: string;
  operators: OperatorEndpoint[];
  /**
   * Where the operators' endpoints live when the appliance keeps them current itself (live apply,
   * `softphone.asteriskOperatorsFile`): pjsip_contactbox.conf includes this file. Null: inline.
   */
  operatorsFile: string | null;
  queues: QueueSpec[];
  trunks: TrunkDefinition[];
  ami: { username: string; secret: string | null; port: number };
  ari: { username: string; password: string | null; app: string };
}

export const RECORDING_SPOOL = '/var/spool/asterisk/recording';

export function defaultQueue(name: string): QueueSpec {
  return { name, strategy: 'ringall', ringTimeoutSec: 15, retrySec: 2, wrapupSec: 0, maxWaitSec: 300 };
}

export function defaultModel(overrides: Partial<ProvisioningModel> = {}): ProvisioningModel {
  return {
    mode: 'local',
    applianceAddress: '127.0.0.1',
    asteriskAddress: '127.0.0.1',
    sip: { bindAddress: '0.0.0.0', udpPort: 5060, tcpPort: 5060, externalAddress: null, localNets: [] },
    http: { bindAddress: '127.0.0.1', port: 8088, tls: null },
    rtp: { start: 10000, end: 20000 },
    recordingDir: RECORDING_SPOOL,
    operators: [],
    operatorsFile: null,
    queues: [defaultQueue('support')],
    trunks: [],
    ami: { username: 'contactbox', secret: null, port: 5038 },
    ari: { username: 'contactbox', password: null, app: 'contactbox' },
    ...overrides,
  };
}
