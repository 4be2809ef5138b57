import type { Capability } from '../capability.js';
import { licensingPlugin } from './plugin.js';
import { licensingMigrations } from './repository.js';

export const licensingCapability: Capability = { name: 'licensing', migrations: licensingMigrations, plugin: licensingPlugin };
