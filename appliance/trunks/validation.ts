import * as f from './fields.js';
import { findKind } from './kinds/index.js';
import { TrunkFieldError, type OutboundRule, type TrunkDefinition, type TrunkKind } from './model.js';

/**
 * Turns raw trunk input — an API body or the CLI's options — into a checked `TrunkDefinition`.
 * The kind checks its own fields; this checks what spans trunks: unique names and DIDs unique
 * across every trunk. Throws `TrunkFieldError` naming the first bad field.
 */
export const DEFAULT_INBOUND_TARGET = 'queue:support';

export function parseTrunk(
  input: Readonly<Record<string, unknown>>,
  existing: readonly Pick<TrunkDefinition, 'name' | 'dids'>[],
  kinds: readonly TrunkKind[],
): TrunkDefinition {
  if (!input || typeof input !== 'object') throw new TrunkFieldError('(body)', 'must be an object');
  const kindName = f.str(input.kind, 'kind')!;
  const kind = findKind(kinds, kindName);
  if (!kind) {
    throw new TrunkFieldError('kind', `unknown trunk kind "${kindName}"; known kinds: ${kinds.map((k) => k.kind).join(', ')}`, 'TRUNK_UNKNOWN_KIND');
  }
  const name = f.trunkName(input.name);
  if (existing.some((t) => t.name === name)) throw new TrunkFieldError('name', `a trunk named "${name}" already exists`, 'TRUNK_DUPLICATE_NAME');
  const target = f.target(input.inboundTarget ?? DEFAULT_INBOUND_TARGET, 'inboundTarget');
  const { settings, dids } = kind.parse({ ...input, name }, { target });

  const owner = new Map<string, string>();
  for (const t of existing) for (const d of t.dids) owner.set(d.did, t.name);
  const mine = new Set<string>();
  dids.forEach((d, i) => {
    const field = d.field ?? (d.channel === null ? `dids.${i}` : `channels.${d.channel - 1}.did`);
    if (owner.has(d.did)) throw new TrunkFieldError(field, `DID ${d.did} already belongs to trunk "${owner.get(d.did)}"`, 'TRUNK_DUPLICATE_DID');
    if (mine.has(d.did)) throw new TrunkFieldError(field, `DID ${d.did} is listed twice`, 'TRUNK_DUPLICATE_DID');
    mine.add(d.did);
  });

  return { name, kind: kind.kind, settings, dids, outbound: parseOutbound(input) };
}

/** `outbound`: `["0", "9:1", "+380"]` (prefix[:strip[:prepend]]) or objects `{prefix, strip, prepend, priority}`. */
export function parseOutbound(input: Readonly<Record<string, unknown>>): OutboundRule[] {
  const priority = f.int(input.priority, 'priority', 0, 1000, 10);
  const rules = f.list(input.outbound).map((raw, i): OutboundRule => {
    const field = `outbound.${i}`;
    if (raw && typeof raw === 'object') {
      const o = raw as Record<string, unknown>;
      return {
        prefix: f.prefix(o.prefix, `${field}.prefix`),
        strip: f.int(o.strip, `${field}.strip`, 0, 15, 0),
        prepend: f.prefix(o.prepend ?? '', `${field}.prepend`),
        priority: f.int(o.priority, `${field}.priority`, 0, 1000, priority),
      };
    }
    const [p, strip, prepend] = String(raw).split(':');
    return {
      prefix: f.prefix(p, `${field}`),
      strip: f.int(strip, `${field}`, 0, 15, 0),
      prepend: f.prefix(prepend ?? '', `${field}`),
      priority,
    };
  });
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (r.strip > r.prefix.replace('+', '').length + 15) throw new TrunkFieldError(`outbound.${i}.strip`, 'strips more digits than a number has');
    if (seen.has(r.prefix)) throw new TrunkFieldError(`outbound.${i}`, `prefix "${r.prefix}" is listed twice`);
    seen.add(r.prefix);
  });
  return rules;
}
