import { expect } from 'chai';
import { developmentTrustEnabled } from '../../appliance/licensing/build-info.js';
import { fingerprintOf } from '../../appliance/licensing/fingerprint.js';
import { trustedKeyIds } from '../../appliance/licensing/keys.js';
import { verifyLicense, type VerifyContext } from '../../appliance/licensing/verify.js';
import { DEV_BUILD, RELEASE_BUILD, facts, license, strangerKey } from './helpers.js';

const here = fingerprintOf(facts('server-a'));
const ctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({
  fingerprint: here,
  now: new Date('2026-11-25T12:00:00Z'),
  latestSeen: new Date('2026-11-25T11:59:00Z'),
  build: DEV_BUILD,
  trusted: trustedKeyIds(DEV_BUILD, {}),
  ...over,
});
const codeOf = (text: string, over: Partial<VerifyContext> = {}) => {
  const v = verifyLicense(text, ctx(over));
  return v.ok ? 'OK' : v.code;
};

describe('licensing: licence verification, each refusal with its own reason', () => {
  it('accepts a licence signed with a trusted key for this server', () => {
    const v = verifyLicense(license({ sessions: 7 }), ctx());
    expect(v.ok).to.equal(true);
    if (v.ok) expect(v.payload.sessions).to.equal(7);
  });

  it('accepts it on this server after a network card change, and refuses it on a cloned VM (LICENSE_WRONG_SERVER)', () => {
    expect(codeOf(license(), { fingerprint: fingerprintOf(facts('server-a-new-nic')) })).to.equal('OK');
    const clone = verifyLicense(license(), ctx({ fingerprint: fingerprintOf(facts('server-a-clone')) }));
    expect(clone.ok).to.equal(false);
    if (!clone.ok) {
      expect(clone.code).to.equal('LICENSE_WRONG_SERVER');
      expect(clone.differing).to.deep.equal(['machineId', 'mac']);
    }
  });

  it('refuses one flipped byte in the payload as LICENSE_BAD_SIGNATURE, and a broken file as LICENSE_MALFORMED', () => {
    const text = license({ sessions: 2 });
    const flipped = text.replace('"sessions":2', '"sessions":9');
    expect(flipped).to.not.equal(text);
    expect(codeOf(flipped)).to.equal('LICENSE_BAD_SIGNATURE');
    // Every single-byte change of the payload line is caught.
    const lines = text.split('\n');
    for (let i = 0; i < lines[1]!.length; i += 7) {
      const bytes = Buffer.from(text);
      const offset = lines[0]!.length + 1 + i;
      bytes[offset] = bytes[offset]! ^ 0x01;
      expect(['LICENSE_BAD_SIGNATURE', 'LICENSE_MALFORMED']).to.include(codeOf(bytes.toString('latin1')));
    }
    expect(codeOf('hello')).to.equal('LICENSE_MALFORMED');
    expect(codeOf(text.split('\n').slice(0, 2).join('\n'))).to.equal('LICENSE_MALFORMED');
  });

  it('refuses a licence signed by a key it does not know (LICENSE_BAD_SIGNATURE)', () => {
    const v = verifyLicense(license({}, strangerKey()), ctx());
    expect(v.ok).to.equal(false);
    if (!v.ok) expect([v.code, v.detail]).to.deep.equal(['LICENSE_BAD_SIGNATURE', 'the signature does not match the licence text or was made with a key this product does not know']);
  });

  it('refuses an expired licence (LICENSE_EXPIRED) and a future-dated one (LICENSE_NOT_YET_VALID)', () => {
    expect(codeOf(license({ expiresAt: '2026-11-24T23:59:59.999Z' }))).to.equal('LICENSE_EXPIRED');
    expect(codeOf(license({ expiresAt: '2026-11-26T00:00:00.000Z' }))).to.equal('OK');
    expect(codeOf(license({ issuedAt: '2026-12-20T10:00:00.000Z' }))).to.equal('LICENSE_NOT_YET_VALID');
    // A few hours ahead of the server (time zones, drift) is tolerated.
    expect(codeOf(license({ issuedAt: '2026-11-25T20:00:00.000Z' }))).to.equal('OK');
  });

  it('refuses a licence for another product or for a version released after its updates ended (LICENSE_WRONG_PRODUCT)', () => {
    expect(codeOf(license({ product: 'otherbox' }))).to.equal('LICENSE_WRONG_PRODUCT');
    expect(codeOf(license({ formatVersion: 2 }))).to.equal('LICENSE_WRONG_PRODUCT');
    expect(codeOf(license({ updatesUntil: '2026-10-31T23:59:59.999Z' }))).to.equal('LICENSE_WRONG_PRODUCT');
    expect(codeOf(license({ updatesUntil: '2026-11-01T00:00:00.000Z' }))).to.equal('OK');
  });

  it('detects a clock turned back: a licence that had expired by the latest time seen is refused as LICENSE_CLOCK_ROLLBACK', () => {
    const text = license({ expiresAt: '2026-12-31T23:59:59.999Z' });
    const rolledBack = { now: new Date('2026-12-15T12:00:00Z'), latestSeen: new Date('2027-01-10T08:00:00Z') };
    expect(codeOf(text, rolledBack)).to.equal('LICENSE_CLOCK_ROLLBACK');
    // Without the memory of a later time the same licence would pass: the rollback is what is refused.
    expect(codeOf(text, { ...rolledBack, latestSeen: null })).to.equal('OK');
    // A small step back (NTP correction) is not a rollback.
    expect(codeOf(text, { now: new Date('2026-12-15T12:00:00Z'), latestSeen: new Date('2026-12-15T12:30:00Z') })).to.equal('OK');
    // A perpetual licence stays in force but the rollback is reported.
    const perpetual = verifyLicense(license(), ctx(rolledBack));
    expect(perpetual.ok && perpetual.clockRolledBack).to.equal(true);
  });

  it('release builds trust only the production key: a development-signed licence is refused even with CONTACTBOX_DEV_LICENSE_KEYS=1', () => {
    const env = { CONTACTBOX_DEV_LICENSE_KEYS: '1' };
    expect(developmentTrustEnabled(RELEASE_BUILD, env)).to.equal(false);
    expect([...trustedKeyIds(RELEASE_BUILD, env)]).to.deep.equal(['production']);
    const v = verifyLicense(license(), ctx({ build: RELEASE_BUILD, trusted: trustedKeyIds(RELEASE_BUILD, env) }));
    expect(v.ok).to.equal(false);
    if (!v.ok) {
      expect(v.code).to.equal('LICENSE_BAD_SIGNATURE');
      expect(v.detail).to.contain('development key, which this release build does not trust');
    }
  });

  it('development builds trust the development key from source, or compiled only with CONTACTBOX_DEV_LICENSE_KEYS=1', () => {
    const compiled = { ...DEV_BUILD, runningFromSource: false };
    expect(developmentTrustEnabled(DEV_BUILD, {})).to.equal(true);
    expect(developmentTrustEnabled(compiled, {})).to.equal(false);
    expect(developmentTrustEnabled(compiled, { CONTACTBOX_DEV_LICENSE_KEYS: '1' })).to.equal(true);
    expect(codeOf(license(), { build: compiled, trusted: trustedKeyIds(compiled, {}) })).to.equal('LICENSE_BAD_SIGNATURE');
  });
});
