import type { Capability } from '../capability.js';
import { telephonyPlugin } from './plugin.js';

export const telephonyCapability: Capability = { name: 'telephony', migrations: [], plugin: telephonyPlugin };
