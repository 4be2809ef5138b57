import type { DidRoute, InboundTarget, TrunkDefinition } from './model.js';

/**
 * Routes are derived from the trunks: an outbound route is every trunk that serves a prefix,
 * tried in priority order (fail-over); an inbound route is a DID and where it goes.
 * Deriving them keeps a removed trunk from leaving routes behind.
 */
export interface OutboundRoute {
  prefix: string;
  strip: number;
  prepend: string;
  /** Trunk names in fail-over order. */
  trunks: string[];
}

export function outboundRoutes(trunks: readonly TrunkDefinition[]): OutboundRoute[] {
  const byPrefix = new Map<string, { strip: number; prepend: string; members: { name: string; priority: number }[] }>();
  for (const t of trunks) {
    for (const rule of t.outbound) {
      const route = byPrefix.get(rule.prefix) ?? { strip: rule.strip, prepend: rule.prepend, members: [] };
      route.members.push({ name: t.name, priority: rule.priority });
      byPrefix.set(rule.prefix, route);
    }
  }
  return [...byPrefix.entries()]
    .sort(([a], [b]) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))
    .map(([prefix, r]) => ({
      prefix,
      strip: r.strip,
      prepend: r.prepend,
      trunks: r.members.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : 1)).map((m) => m.name),
    }));
}

export interface InboundRoute extends DidRoute {
  trunk: string;
}

export function inboundRoutes(trunks: readonly TrunkDefinition[]): InboundRoute[] {
  return trunks
    .flatMap((t) => t.dids.map((d) => ({ ...d, trunk: t.name })))
    .sort((a, b) => (a.did < b.did ? -1 : a.did > b.did ? 1 : 0));
}

/** The queue a target rings: a team's calls go to the queue `team-<name>`. */
export function queueOf(target: InboundTarget): string | null {
  if (target.type === 'queue') return target.name;
  if (target.type === 'team') return `team-${target.name}`;
  return null;
}
