import type {
  AsteriskFacts, BandwidthFacts, CpuFacts, DiskFacts, LatencyFacts, MemoryFacts, NodeFacts, OsFacts, SocketFacts,
} from '../ports/system-facts.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export type CheckId = 'ram' | 'cpu' | 'disk' | 'os' | 'node' | 'latency' | 'bandwidth' | 'ports' | 'asterisk';
export type Profile = 'production' | 'evaluation';

/** What `check --json` prints for one check (DESIGN §5). */
export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  measured: Record<string, unknown> | null;
  required: Record<string, unknown>;
  message: string;
}

/** A rule's verdict plus the short texts the human table shows. */
export interface Outcome extends Omit<CheckResult, 'id'> {
  display: { measured: string; required: string };
}

export interface CheckInput {
  profile: Profile;
  dataDir: string;
  recordedMinutesPerDay: number;
  retentionDays: number;
  sessions: number;
  probeHost: string;
  bandwidthServer: { host: string; port: number } | null;
  httpsPort: number;
}

/** One reading: the fact, or why it could not be read. */
export type Reading<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Gathered {
  memory: Reading<MemoryFacts>;
  cpu: Reading<CpuFacts>;
  os: Reading<OsFacts>;
  node: Reading<NodeFacts>;
  disk: Reading<DiskFacts>;
  sockets: Reading<SocketFacts[]>;
  asterisk: Reading<AsteriskFacts>;
  latency: Reading<LatencyFacts>;
  bandwidth: Reading<BandwidthFacts> | null;
}

export interface Rule {
  id: CheckId;
  /** Hardware and network shortfalls only warn in the evaluation profile. */
  hardware: boolean;
  evaluate(facts: Gathered, input: CheckInput): Outcome;
}

export interface CheckReport {
  verdict: CheckStatus;
  profile: Profile;
  checks: CheckResult[];
}
