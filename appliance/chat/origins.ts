import { getDomain, parse } from 'tldts';

/**
 * Origins a site's widget may run on, and the registrable domain each is billed under. The
 * public-suffix list (tldts) knows that `shop.example.com.ua` and `example.com.ua` are one
 * registrable domain under the `com.ua` suffix, while `example.ua` is another. Addresses and
 * single-label hosts (`localhost`, intranet names) have no public suffix: they count as themselves.
 */
export interface ParsedOrigin {
  origin: string;
  host: string;
  registrableDomain: string;
}

/** `https://Shop.Example.com.ua:443/path` → `https://shop.example.com.ua`; null when it is not an http(s) origin. */
export function normalizeOrigin(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  return url.origin;
}

export function registrableDomainOf(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const info = parse(bare, { allowPrivateDomains: true });
  if (info.isIp) return bare;
  return getDomain(bare, { allowPrivateDomains: true }) ?? bare;
}

export function parseOrigin(raw: string): ParsedOrigin | null {
  const origin = normalizeOrigin(raw);
  if (!origin) return null;
  const host = new URL(origin).hostname;
  return { origin, host, registrableDomain: registrableDomainOf(host) };
}
