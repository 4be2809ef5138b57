import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verified identity: the site's own server signs who the visitor is with the site's secret, so
 * the same person lands on the same contact on every device. The signature is
 * `hex(HMAC-SHA256(secret, id + "\n" + email + "\n" + expires))`, `expires` in Unix seconds.
 * Short-lived on purpose: a signature is accepted only until `expires`, and never if `expires`
 * lies more than MAX_LIFETIME_S ahead (a leaked snippet cannot be replayed for long).
 */
export const MAX_LIFETIME_S = 3600;

export interface IdentityClaim {
  id: string;
  email?: string;
  expires: number;
  signature: string;
}

export function signIdentity(secret: string, claim: Omit<IdentityClaim, 'signature'>): string {
  return createHmac('sha256', secret).update(`${claim.id}\n${claim.email ?? ''}\n${claim.expires}`).digest('hex');
}

/** Null when valid, else why not (shown to the site's developer in the widget's error). */
export function checkIdentity(secret: string, claim: IdentityClaim, nowMs: number): string | null {
  const now = Math.floor(nowMs / 1000);
  if (claim.expires < now) return 'the signature has expired';
  if (claim.expires > now + MAX_LIFETIME_S) return `the signature must expire within ${MAX_LIFETIME_S} seconds`;
  const want = Buffer.from(signIdentity(secret, claim), 'hex');
  const got = Buffer.from(/^[0-9a-f]{64}$/i.test(claim.signature) ? claim.signature : '', 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'the signature does not match';
  return null;
}
