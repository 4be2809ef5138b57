/**
 * The vendor's licence issuing tool (runs in a checkout, never on a customer's server):
 *   scripts/issue-license --request CODE --sessions N --modules telephony,mail,chat,reports
 *     --sites N [--customer NAME] [--expires DATE] [--updates-until DATE] --out FILE [--key FILE]
 * --key is the vendor's Ed25519 private key (PEM); in a checkout it defaults to the development
 * key in scripts/dev-keys/, whose licences only development builds accept.
 */
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../appliance/licensing/atomic-write.js';
import { FORMAT_VERSION, MODULES, PRODUCT, signLicense, type LicensePayload, type ModuleName } from '../appliance/licensing/license-file.js';
import { decodeRequestCode, RequestCodeError } from '../appliance/licensing/request-code.js';

export const DEV_KEY_FILE = fileURLToPath(new URL('./dev-keys/development-private.pem', import.meta.url));

class InputError extends Error {}

const USAGE = `usage: scripts/issue-license --request CODE --sessions N --modules telephony,mail,chat,reports --sites N
                            [--customer NAME] [--expires YYYY-MM-DD] [--updates-until YYYY-MM-DD] --out FILE [--key FILE]`;

function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number {
  if (value === undefined) throw new InputError(`${flag} is required`);
  if (!/^\d+$/.test(value.trim())) throw new InputError(`${flag} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new InputError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** YYYY-MM-DD means the end of that day (UTC); a full ISO time is taken as is. */
function endOfDay(value: string, flag: string): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = Date.parse(dayOnly ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new InputError(`${flag} must be a date like 2027-12-31, got '${value}'`);
  return new Date(t).toISOString();
}

function modules(value: string | undefined): ModuleName[] {
  if (!value) throw new InputError(`--modules is required (some of ${MODULES.join(',')})`);
  const names = value.split(',').map((m) => m.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((m) => !(MODULES as readonly string[]).includes(m));
  if (unknown.length) throw new InputError(`unknown module(s) ${unknown.join(', ')}; choose from ${MODULES.join(', ')}`);
  if (names.length === 0) throw new InputError('--modules names no module');
  return [...new Set(names)] as ModuleName[];
}

function privateKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new InputError(`${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new InputError(`${file} is a ${key.asymmetricKeyType} key; licences are signed with Ed25519`);
  return key;
}

export interface IssueOptions {
  request?: string;
  sessions?: string;
  modules?: string;
  sites?: string;
  customer?: string;
  expires?: string;
  updatesUntil?: string;
  out?: string;
  key?: string;
}

/** Builds and signs a licence; returns the payload. Throws InputError for bad input. */
export function issueLicense(o: IssueOptions, now: Date): { payload: LicensePayload; text: string; out: string } {
  if (!o.request) throw new InputError('--request is required (the code from `contactbox license request`)');
  let fingerprint: string;
  try {
    fingerprint = decodeRequestCode(o.request);
  } catch (err) {
    if (err instanceof RequestCodeError) throw new InputError(`--request: ${err.message}`);
    throw err;
  }
  if (!o.out) throw new InputError('--out FILE is required');
  const keyFile = o.key ?? DEV_KEY_FILE;
  if (!o.key && !existsSync(DEV_KEY_FILE)) throw new InputError('--key FILE is required (no development key in this tree)');
  const customer = (o.customer ?? 'Unnamed customer').trim();
  if (!customer || customer.length > 200) throw new InputError('--customer must be 1 to 200 characters');
  const expiresAt = o.expires === undefined ? null : endOfDay(o.expires, '--expires');
  if (expiresAt !== null && Date.parse(expiresAt) <= now.getTime()) throw new InputError(`--expires ${o.expires} is in the past`);
  const updatesUntil = o.updatesUntil === undefined ? new Date(now.getTime() + 365 * 86_400_000).toISOString() : endOfDay(o.updatesUntil, '--updates-until');
  const payload: LicensePayload = {
    product: PRODUCT,
    formatVersion: FORMAT_VERSION,
    licenseId: `CB-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex').toUpperCase()}`,
    customer,
    fingerprint,
    sessions: wholeNumber(o.sessions, '--sessions', 1, 100_000),
    modules: modules(o.modules),
    sites: wholeNumber(o.sites, '--sites', 0, 100_000),
    issuedAt: now.toISOString(),
    expiresAt,
    updatesUntil,
  };
  const text = signLicense(payload, privateKey(keyFile));
  return { payload, text, out: o.out };
}

function main(argv: string[]): number {
  let values: IssueOptions & { help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        request: { type: 'string' },
        sessions: { type: 'string' },
        modules: { type: 'string' },
        sites: { type: 'string' },
        customer: { type: 'string' },
        expires: { type: 'string' },
        'updates-until': { type: 'string' },
        out: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }) as unknown as { values: IssueOptions & { help?: boolean } });
    values.updatesUntil = (values as Record<string, string | undefined>)['updates-until'];
  } catch (err) {
    process.stderr.write(`issue-license: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { payload, text, out } = issueLicense(values, new Date());
    writeFileAtomic(out, text);
    process.stdout.write(`${JSON.stringify({ out, licenseId: payload.licenseId, fingerprint: payload.fingerprint, sessions: payload.sessions, modules: payload.modules, sites: payload.sites, expiresAt: payload.expiresAt, updatesUntil: payload.updatesUntil })}\n`);
    return 0;
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`issue-license: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`issue-license: ${(err as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
