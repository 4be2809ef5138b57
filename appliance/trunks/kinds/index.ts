import type { TrunkKind } from '../model.js';
import { sipKind } from './sip.js';
import { gsmKind } from './gsm.js';
import { analogKind } from './analog.js';

/** Every trunk kind. A new kind is one file implementing `TrunkKind` and one line here. */
export const trunkKinds: readonly TrunkKind[] = [sipKind, gsmKind, analogKind];

export function findKind(kinds: readonly TrunkKind[], kind: string): TrunkKind | undefined {
  return kinds.find((k) => k.kind === kind);
}
