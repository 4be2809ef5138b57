import { isIP } from 'node:net';

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

/**
 * The addresses operators' browsers can use, best first: IPv4 addresses (they work without DNS),
 * then names, then IPv6 addresses. A loopback-only listener has only https://127.0.0.1.
 */
export function operatorUrls(names: string[], port: number, listen: string): string[] {
  const suffix = port === 443 ? '' : `:${port}`;
  if (listen === '127.0.0.1' || listen === '::1') return [`https://${listen === '::1' ? '[::1]' : listen}${suffix}`];
  const reachable = [...new Set(names)].filter((n) => !LOOPBACK.includes(n));
  const rank = (n: string) => (isIP(n) === 4 ? 0 : isIP(n) === 0 ? 1 : 2);
  const ordered = reachable.sort((a, b) => rank(a) - rank(b));
  const urls = ordered.map((n) => `https://${isIP(n) === 6 ? `[${n}]` : n}${suffix}`);
  return urls.length ? urls : [`https://127.0.0.1${suffix}`];
}
