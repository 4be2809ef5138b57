import { createPublicKey, type KeyObject } from 'node:crypto';
import { developmentTrustEnabled, type BuildInfo } from './build-info.js';

/**
 * The vendor keys licences are signed with (Ed25519, SPKI DER in base64). The production key's
 * private half never enters the repository. The development key pair is committed
 * (scripts/dev-keys/) so that tests and developers can issue licences; it is trusted only where
 * `developmentTrustEnabled` says so — never by a release build.
 */
export const PRODUCTION_PUBLIC_KEY = 'MCowBQYDK2VwAyEA+LCwR3NU71+ROaIObc03WuUcmtfEtockyMFN7AzfvTs=';
export const DEVELOPMENT_PUBLIC_KEY = 'MCowBQYDK2VwAyEA2mdaCDFhytx6ETd2BinoWPRZ2KQCnIsPIRQLgw25xqU=';

export interface VendorKey {
  id: 'production' | 'development';
  key: KeyObject;
}

export function publicKeyFromBase64(spkiBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
}

/** Every key this code knows, trusted or not (an untrusted match gives a precise rejection). */
export function knownKeys(): VendorKey[] {
  return [
    { id: 'production', key: publicKeyFromBase64(PRODUCTION_PUBLIC_KEY) },
    { id: 'development', key: publicKeyFromBase64(DEVELOPMENT_PUBLIC_KEY) },
  ];
}

export function trustedKeyIds(info: BuildInfo, env: NodeJS.ProcessEnv): Set<VendorKey['id']> {
  const ids = new Set<VendorKey['id']>(['production']);
  if (developmentTrustEnabled(info, env)) ids.add('development');
  return ids;
}
