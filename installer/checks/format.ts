import { GB, GIB } from './requirements.js';

export const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
export const gb = (bytes: number) => `${(bytes / GB).toFixed(bytes < 10 * GB ? 2 : 1)} GB`;
export const mbit = (bitsPerSecond: number) => `${(bitsPerSecond / 1e6).toFixed(bitsPerSecond < 10e6 ? 2 : 1)} Mbit/s`;
export const ghz = (value: number) => `${value.toFixed(2)} GHz`;

import type { Outcome } from './types.js';

/** A fact that could not be read cannot pass: the check fails and says why. */
export function unreadable(what: string, error: string): Outcome {
  return { status: 'fail', measured: null, required: {}, display: { measured: 'unreadable', required: '' }, message: `Could not read the ${what} facts: ${error}` };
}
