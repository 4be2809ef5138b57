import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A number as Asterisk reports it (`79161234567`, `0671234567`, `+380…`) in E.164, with
 * Ukrainian numbering as the default; null when it is no dialable public number (an
 * extension such as `102`, `<unknown>`).
 */
export function toE164(raw: string | null | undefined, region: 'UA' = 'UA'): string | null {
  if (!raw) return null;
  const cleaned = raw.replace(/[\s()-]/g, '');
  if (!/^\+?\d{5,16}$/.test(cleaned)) return null;
  const national = parsePhoneNumberFromString(cleaned, region);
  if (national?.isValid()) return national.number;
  if (!cleaned.startsWith('+')) {
    const international = parsePhoneNumberFromString(`+${cleaned}`);
    if (international?.isValid()) return international.number;
  }
  return null;
}
