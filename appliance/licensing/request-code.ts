import { FINGERPRINT_BYTES, formatFingerprint, parseFingerprint } from './fingerprint.js';

/**
 * The request code an admin reads out or types to the vendor: Crockford base32 (no I, L, O, U;
 * case-insensitive; I/L read as 1 and O as 0), 28 symbols in groups of four:
 *   symbol 1: format version · symbols 2–25: the 15-byte fingerprint · symbols 26–28: check.
 * The check is Σ (position × symbol value) mod 32749 over the first 25 symbols. One mistyped
 * symbol changes the sum by position × difference, at most 25 × 31 = 775 and never 0, so it is
 * always caught; so is a swap of two neighbouring symbols (the sum changes by their difference).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const VERSION = 1;
const DATA_SYMBOLS = (FINGERPRINT_BYTES * 8) / 5;
const CHECK_SYMBOLS = 3;
const CHECK_MODULUS = 32749; // the largest prime below 32^3
export const REQUEST_CODE_LENGTH = 1 + DATA_SYMBOLS + CHECK_SYMBOLS;

export class RequestCodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'length' | 'character' | 'checksum' | 'version',
  ) {
    super(message);
    this.name = 'RequestCodeError';
  }
}

function checksum(values: number[]): number {
  return values.reduce((sum, v, i) => (sum + (i + 1) * v) % CHECK_MODULUS, 0);
}

function toSymbols(value: number, count: number): number[] {
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(Math.floor(value / 32 ** i) % 32);
  return out;
}

function bytesToSymbols(bytes: Buffer): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((acc >> bits) & 31);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31);
  return out;
}

function symbolsToBytes(symbols: number[], byteCount: number): Buffer {
  const out = Buffer.alloc(byteCount);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const s of symbols) {
    acc = (acc << 5) | s;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 255;
      acc &= (1 << bits) - 1;
    }
  }
  return out;
}

export function encodeRequestCode(fingerprint: string): string {
  const data = [VERSION, ...bytesToSymbols(parseFingerprint(fingerprint))];
  const all = [...data, ...toSymbols(checksum(data), CHECK_SYMBOLS)];
  const text = all.map((v) => ALPHABET[v]).join('');
  return text.match(/.{1,4}/g)!.join('-');
}

/** Returns the fingerprint carried by a request code, or throws RequestCodeError saying what is wrong. */
export function decodeRequestCode(code: string): string {
  const cleaned = code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (cleaned.length !== REQUEST_CODE_LENGTH) {
    throw new RequestCodeError(`a request code has ${REQUEST_CODE_LENGTH} characters (dashes aside); this one has ${cleaned.length}`, 'length');
  }
  const values: number[] = [];
  for (const [i, ch] of [...cleaned].entries()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new RequestCodeError(`character ${i + 1} ('${ch}') cannot appear in a request code`, 'character');
    values.push(v);
  }
  const data = values.slice(0, 1 + DATA_SYMBOLS);
  const check = values.slice(1 + DATA_SYMBOLS).reduce((acc, v) => acc * 32 + v, 0);
  if (check !== checksum(data)) {
    throw new RequestCodeError('the request code has a typing mistake (its check characters do not match); compare it character by character', 'checksum');
  }
  if (data[0] !== VERSION) throw new RequestCodeError(`request code format ${data[0]} is not known to this tool`, 'version');
  return formatFingerprint(symbolsToBytes(data.slice(1), FINGERPRINT_BYTES));
}
