import type { Capability } from '../capability.js';
import { systemPlugin } from './plugin.js';

export const systemCapability: Capability = { name: 'system', migrations: [], plugin: systemPlugin };
