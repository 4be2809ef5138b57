import { createHash } from 'node:crypto';

/**
 * A server's fingerprint: one short hash per stable fact, so that a licence can be matched with
 * tolerance. The rule (documented in README.md): a licence matches this server when at most ONE
 * of the five component hashes differs. So:
 *  - a replaced network card (new MAC) or disk, or a reinstalled OS (new machine-id) on the same
 *    hardware still matches — four of five agree;
 *  - a cloned VM gets a new machine-id AND a new MAC — two differ — and does not match, even
 *    though its virtual CPU, board and disk look the same;
 *  - a fact that cannot be read (no disk serial in a VM) hashes as "absent" on both sides and
 *    agrees with itself, so it neither helps nor hurts a clone (the two identity facts still differ).
 */
export const FINGERPRINT_COMPONENTS = ['machineId', 'cpu', 'board', 'disk', 'mac'] as const;
export type FingerprintComponent = (typeof FINGERPRINT_COMPONENTS)[number];

/** Raw facts read from the system (see adapters/system-facts.ts); null when unreadable. */
export interface MachineFacts {
  /** /etc/machine-id (or /var/lib/dbus/machine-id). */
  machineId: string | null;
  /** CPU manufacturer and model string. */
  cpuModel: string | null;
  /** Board serial, else the system (SMBIOS) UUID. */
  boardId: string | null;
  /** Serial number of the first physical disk. */
  diskSerial: string | null;
  /** MAC address of the interface holding the default route (else the first physical one). */
  primaryMac: string | null;
}

/** Bytes per component hash: 24 bits each keeps the request code short; a chance collision is 1 in 16.7 million. */
const COMPONENT_BYTES = 3;
export const FINGERPRINT_BYTES = COMPONENT_BYTES * FINGERPRINT_COMPONENTS.length;
const FINGERPRINT_PATTERN = new RegExp(`^[0-9a-f]{${COMPONENT_BYTES * 2}}(-[0-9a-f]{${COMPONENT_BYTES * 2}}){${FINGERPRINT_COMPONENTS.length - 1}}$`);

const factOf: Record<FingerprintComponent, (f: MachineFacts) => string | null> = {
  machineId: (f) => f.machineId,
  cpu: (f) => f.cpuModel,
  board: (f) => f.boardId,
  disk: (f) => f.diskSerial,
  mac: (f) => f.primaryMac,
};

function normalise(component: FingerprintComponent, value: string | null): string {
  if (value === null) return '';
  const v = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (component === 'mac') return v.replace(/[^0-9a-f]/g, '');
  if (component === 'machineId') return v.replace(/-/g, '');
  return v;
}

function componentHash(component: FingerprintComponent, value: string | null): Buffer {
  const normalised = normalise(component, value);
  const text = normalised === '' ? `absent\0${component}` : `${component}\0${normalised}`;
  return createHash('sha256').update(`contactbox-fingerprint-v1\0${text}`).digest().subarray(0, COMPONENT_BYTES);
}

/** The fingerprint as bytes, components in FINGERPRINT_COMPONENTS order. */
export function fingerprintBytes(facts: MachineFacts): Buffer {
  return Buffer.concat(FINGERPRINT_COMPONENTS.map((c) => componentHash(c, factOf[c](facts))));
}

/** `aaaaaa-bbbbbb-cccccc-dddddd-eeeeee`: machine-id, cpu, board, disk, mac. */
export function formatFingerprint(bytes: Buffer): string {
  if (bytes.length !== FINGERPRINT_BYTES) throw new RangeError(`a fingerprint has ${FINGERPRINT_BYTES} bytes`);
  const parts: string[] = [];
  for (let i = 0; i < FINGERPRINT_COMPONENTS.length; i++) {
    parts.push(bytes.subarray(i * COMPONENT_BYTES, (i + 1) * COMPONENT_BYTES).toString('hex'));
  }
  return parts.join('-');
}

export function fingerprintOf(facts: MachineFacts): string {
  return formatFingerprint(fingerprintBytes(facts));
}

export function isFingerprint(text: string): boolean {
  return FINGERPRINT_PATTERN.test(text);
}

export function parseFingerprint(text: string): Buffer {
  if (!isFingerprint(text)) throw new TypeError(`not a fingerprint: ${JSON.stringify(text)}`);
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}

export interface FingerprintComparison {
  match: boolean;
  /** Components whose hashes differ. */
  differing: FingerprintComponent[];
}

export function compareFingerprints(licensed: string, current: string): FingerprintComparison {
  const a = licensed.split('-');
  const b = current.split('-');
  const differing = FINGERPRINT_COMPONENTS.filter((_, i) => a[i] !== b[i]);
  return { match: isFingerprint(licensed) && isFingerprint(current) && differing.length <= 1, differing };
}
