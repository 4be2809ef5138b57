import { sign, verify, type KeyObject } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { checkSchema } from '../core/schema-check.js';
import { isFingerprint } from './fingerprint.js';

/**
 * The licence file (`/etc/contactbox/license.lic`): three text lines, readable by an admin.
 *   contactbox-license 1
 *   {"product":"contactbox","formatVersion":1,...}        ← the payload, one line of JSON
 *   ed25519 <base64 signature of line 2's UTF-8 bytes>
 * The signature is checked on the exact bytes before the JSON is parsed, so any changed byte in
 * the payload is a bad signature, never a silently different licence.
 */
export const LICENSE_HEADER = 'contactbox-license 1';
export const PRODUCT = 'contactbox';
export const FORMAT_VERSION = 1;
export const MODULES = ['telephony', 'mail', 'chat', 'reports'] as const;
export type ModuleName = (typeof MODULES)[number];

const IsoTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'an ISO 8601 time' });

export const LicensePayloadSchema = Type.Object(
  {
    product: Type.String({ minLength: 1 }),
    formatVersion: Type.Integer({ minimum: 1 }),
    licenseId: Type.String({ minLength: 1, maxLength: 64 }),
    customer: Type.String({ minLength: 1, maxLength: 200 }),
    fingerprint: Type.String({ minLength: 1, maxLength: 64 }),
    sessions: Type.Integer({ minimum: 1, maximum: 100_000 }),
    modules: Type.Array(Type.Union(MODULES.map((m) => Type.Literal(m))), { minItems: 1, maxItems: MODULES.length, uniqueItems: true }),
    sites: Type.Integer({ minimum: 0, maximum: 100_000 }),
    issuedAt: IsoTime,
    expiresAt: Type.Union([IsoTime, Type.Null()]),
    updatesUntil: IsoTime,
  },
  { additionalProperties: false },
);
export type LicensePayload = Static<typeof LicensePayloadSchema>;

export class MalformedLicenseError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'MalformedLicenseError';
  }
}

export interface SignedLicense {
  /** Line 2 exactly as in the file. */
  payloadText: string;
  signature: Buffer;
}

export function signLicense(payload: LicensePayload, privateKey: KeyObject): string {
  const payloadText = JSON.stringify(payload);
  const signature = sign(null, Buffer.from(payloadText, 'utf8'), privateKey);
  return `${LICENSE_HEADER}\n${payloadText}\ned25519 ${signature.toString('base64')}\n`;
}

/** Splits the file into its parts; throws MalformedLicenseError when its shape is wrong. */
export function splitLicense(text: string): SignedLicense {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines[0]?.trim() !== LICENSE_HEADER) throw new MalformedLicenseError(`the first line must be "${LICENSE_HEADER}"`);
  if (lines.length !== 3) throw new MalformedLicenseError(`a licence file has 3 lines; this one has ${lines.length}`);
  const sigMatch = /^ed25519 ([A-Za-z0-9+/]{86}==)$/.exec(lines[2]!.trim());
  if (!sigMatch) throw new MalformedLicenseError('the third line must be "ed25519 " and a base64 signature of 64 bytes');
  return { payloadText: lines[1]!, signature: Buffer.from(sigMatch[1]!, 'base64') };
}

export function signatureValid(signed: SignedLicense, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(signed.payloadText, 'utf8'), key, signed.signature);
  } catch {
    return false;
  }
}

/** Parses the (already signature-checked) payload; throws MalformedLicenseError. */
export function parsePayload(payloadText: string): LicensePayload {
  let raw: unknown;
  try {
    raw = JSON.parse(payloadText);
  } catch {
    throw new MalformedLicenseError('the payload line is not JSON');
  }
  let payload: LicensePayload;
  try {
    payload = checkSchema(LicensePayloadSchema, raw, 'payload');
  } catch (err) {
    throw new MalformedLicenseError((err as Error).message);
  }
  for (const field of ['issuedAt', 'updatesUntil', 'expiresAt'] as const) {
    const value = payload[field];
    if (value !== null && Number.isNaN(Date.parse(value))) throw new MalformedLicenseError(`payload.${field} is not a valid time`);
  }
  if (!isFingerprint(payload.fingerprint)) throw new MalformedLicenseError('payload.fingerprint is not a fingerprint');
  return payload;
}
