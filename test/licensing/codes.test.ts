import { expect } from 'chai';
import { compareFingerprints, fingerprintOf } from '../../appliance/licensing/fingerprint.js';
import { decodeRequestCode, encodeRequestCode, REQUEST_CODE_LENGTH, RequestCodeError } from '../../appliance/licensing/request-code.js';
import { facts } from './helpers.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('licensing: fingerprint and request code', () => {
  const a = fingerprintOf(facts('server-a'));

  it('is stable for the same facts and ignores case and spacing of the facts', () => {
    const f = facts('server-a');
    expect(fingerprintOf(f)).to.equal(a);
    expect(fingerprintOf({ ...f, primaryMac: f.primaryMac!.toUpperCase().replace(/:/g, '-'), cpuModel: `  ${f.cpuModel}  ` })).to.equal(a);
    expect(a).to.match(/^[0-9a-f]{6}(-[0-9a-f]{6}){4}$/);
  });

  it('still matches when one component changed (network card replaced)', () => {
    const r = compareFingerprints(a, fingerprintOf(facts('server-a-new-nic')));
    expect(r).to.deep.equal({ match: true, differing: ['mac'] });
  });

  it('still matches after an OS reinstall on the same hardware (new machine-id only)', () => {
    const r = compareFingerprints(a, fingerprintOf({ ...facts('server-a'), machineId: 'ffffffffffffffffffffffffffffffff' }));
    expect(r).to.deep.equal({ match: true, differing: ['machineId'] });
  });

  it('does not match a cloned VM with a new machine-id and MAC, nor another server', () => {
    const clone = compareFingerprints(a, fingerprintOf(facts('server-a-clone')));
    expect(clone).to.deep.equal({ match: false, differing: ['machineId', 'mac'] });
    const other = compareFingerprints(a, fingerprintOf(facts('server-b')));
    expect(other.match).to.equal(false);
    expect(other.differing).to.have.length(5);
  });

  it('treats an unreadable fact as "absent", equal only to itself', () => {
    const noDisk = { ...facts('server-a'), diskSerial: null };
    expect(compareFingerprints(fingerprintOf(noDisk), fingerprintOf(noDisk)).match).to.equal(true);
    expect(compareFingerprints(a, fingerprintOf(noDisk)).differing).to.deep.equal(['disk']);
  });

  it('encodes the fingerprint in a 28-character Crockford code in groups of four, and decodes it back', () => {
    const code = encodeRequestCode(a);
    expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/);
    expect(REQUEST_CODE_LENGTH).to.equal(28);
    expect(decodeRequestCode(code)).to.equal(a);
    // Lower case, no dashes, spaces, and the look-alikes I/L/O are accepted as typed.
    expect(decodeRequestCode(code.toLowerCase().replace(/-/g, ' '))).to.equal(a);
    const lookAlikes = code.replace(/1/g, 'l').replace(/0/g, 'O');
    expect(decodeRequestCode(lookAlikes)).to.equal(a);
  });

  it('rejects every code with one mistyped character, in any position, with any wrong symbol', () => {
    const code = encodeRequestCode(a).replace(/-/g, '');
    let tried = 0;
    for (let i = 0; i < code.length; i++) {
      for (const wrong of ALPHABET) {
        if (wrong === code[i]) continue;
        const typo = code.slice(0, i) + wrong + code.slice(i + 1);
        expect(() => decodeRequestCode(typo), `typo at ${i}: ${typo}`).to.throw(RequestCodeError);
        tried++;
      }
    }
    expect(tried).to.equal(28 * 31);
  });

  it('rejects swapped neighbours, a missing character and a character outside the alphabet, saying which', () => {
    const code = encodeRequestCode(a).replace(/-/g, '');
    for (let i = 0; i < code.length - 1; i++) {
      if (code[i] === code[i + 1]) continue;
      const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
      expect(() => decodeRequestCode(swapped)).to.throw(RequestCodeError, /typing mistake/);
    }
    expect(() => decodeRequestCode(code.slice(1))).to.throw(RequestCodeError, /28 characters/);
    expect(() => decodeRequestCode(`${code.slice(0, 5)}U${code.slice(6)}`)).to.throw(RequestCodeError, /character 6 \('U'\)/);
  });
});
