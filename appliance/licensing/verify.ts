import type { BuildInfo } from './build-info.js';
import { compareFingerprints, type FingerprintComponent } from './fingerprint.js';
import { knownKeys, type VendorKey } from './keys.js';
import {
  FORMAT_VERSION,
  MalformedLicenseError,
  PRODUCT,
  parsePayload,
  signatureValid,
  splitLicense,
  type LicensePayload,
} from './license-file.js';

/** Every reason a licence is refused has its own code (also the API/CLI error code). */
export const REJECTION_CODES = [
  'LICENSE_MALFORMED',
  'LICENSE_BAD_SIGNATURE',
  'LICENSE_WRONG_SERVER',
  'LICENSE_EXPIRED',
  'LICENSE_NOT_YET_VALID',
  'LICENSE_WRONG_PRODUCT',
  'LICENSE_CLOCK_ROLLBACK',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** How far a server clock may be behind the vendor's when a licence is issued (time zones, drift). */
export const FUTURE_TOLERANCE_MS = 24 * 3600_000;
/** How far the clock may go back (NTP steps, manual fixes) before it counts as rolled back. */
export const ROLLBACK_TOLERANCE_MS = 3600_000;

export interface VerifyContext {
  /** This server's current fingerprint. */
  fingerprint: string;
  now: Date;
  /** The latest time this installation has ever seen, or null. */
  latestSeen: Date | null;
  build: BuildInfo;
  trusted: ReadonlySet<VendorKey['id']>;
}

export type Verification =
  | { ok: true; payload: LicensePayload; keyId: VendorKey['id']; clockRolledBack: boolean }
  | { ok: false; code: RejectionCode; detail: string; payload: LicensePayload | null; differing?: FingerprintComponent[] };

const day = (iso: string) => iso.slice(0, 10);

export function clockRolledBack(now: Date, latestSeen: Date | null): boolean {
  return latestSeen !== null && now.getTime() < latestSeen.getTime() - ROLLBACK_TOLERANCE_MS;
}

/**
 * Checks a licence file's text, in this order: shape, signature (on the raw bytes), payload,
 * product and version, server, dates. Time checks use the real clock, but when the clock is
 * behind the latest time ever seen, a licence that would be refused at that latest time is
 * refused as LICENSE_CLOCK_ROLLBACK: turning the clock back never extends a licence.
 */
export function verifyLicense(text: string, ctx: VerifyContext): Verification {
  let signed;
  try {
    signed = splitLicense(text);
  } catch (err) {
    if (err instanceof MalformedLicenseError) return { ok: false, code: 'LICENSE_MALFORMED', detail: err.message, payload: null };
    throw err;
  }
  const signer = knownKeys().find((k) => signatureValid(signed, k.key));
  if (!signer) {
    return { ok: false, code: 'LICENSE_BAD_SIGNATURE', detail: 'the signature does not match the licence text or was made with a key this product does not know', payload: null };
  }
  if (!ctx.trusted.has(signer.id)) {
    return { ok: false, code: 'LICENSE_BAD_SIGNATURE', detail: `the licence is signed with the ${signer.id} key, which this ${ctx.build.flavour} build does not trust`, payload: null };
  }
  let payload: LicensePayload;
  try {
    payload = parsePayload(signed.payloadText);
  } catch (err) {
    if (err instanceof MalformedLicenseError) return { ok: false, code: 'LICENSE_MALFORMED', detail: err.message, payload: null };
    throw err;
  }
  if (payload.product !== PRODUCT) {
    return { ok: false, code: 'LICENSE_WRONG_PRODUCT', detail: `the licence is for "${payload.product}", not ${PRODUCT}`, payload };
  }
  if (payload.formatVersion !== FORMAT_VERSION) {
    return { ok: false, code: 'LICENSE_WRONG_PRODUCT', detail: `licence format ${payload.formatVersion} is not supported by this version (format ${FORMAT_VERSION})`, payload };
  }
  if (day(payload.updatesUntil) < ctx.build.releaseDate) {
    return {
      ok: false,
      code: 'LICENSE_WRONG_PRODUCT',
      detail: `the licence covers updates released until ${day(payload.updatesUntil)}; this version was released on ${ctx.build.releaseDate}`,
      payload,
    };
  }
  const fp = compareFingerprints(payload.fingerprint, ctx.fingerprint);
  if (!fp.match) {
    return { ok: false, code: 'LICENSE_WRONG_SERVER', detail: `the licence was issued for another server (differs in: ${fp.differing.join(', ')})`, payload, differing: fp.differing };
  }

  const now = ctx.now.getTime();
  const rolledBack = clockRolledBack(ctx.now, ctx.latestSeen);
  const latest = ctx.latestSeen ? Math.max(now, ctx.latestSeen.getTime()) : now;
  const issued = Date.parse(payload.issuedAt);
  const expires = payload.expiresAt === null ? null : Date.parse(payload.expiresAt);
  const rollbackDetail = () => `the server clock (${ctx.now.toISOString()}) is behind the latest time this server has seen (${ctx.latestSeen!.toISOString()}); set the clock right`;
  if (issued > now + FUTURE_TOLERANCE_MS) {
    if (rolledBack && issued <= latest + FUTURE_TOLERANCE_MS) return { ok: false, code: 'LICENSE_CLOCK_ROLLBACK', detail: rollbackDetail(), payload };
    return { ok: false, code: 'LICENSE_NOT_YET_VALID', detail: `the licence is dated ${payload.issuedAt}, later than this server's clock (${ctx.now.toISOString()})`, payload };
  }
  if (expires !== null && now > expires) {
    return { ok: false, code: 'LICENSE_EXPIRED', detail: `the licence expired on ${payload.expiresAt}`, payload };
  }
  if (expires !== null && latest > expires) {
    return { ok: false, code: 'LICENSE_CLOCK_ROLLBACK', detail: `${rollbackDetail()}; at that time the licence had expired (${payload.expiresAt})`, payload };
  }
  return { ok: true, payload, keyId: signer.id, clockRolledBack: rolledBack };
}
