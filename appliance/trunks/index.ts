import type { Capability } from '../capability.js';
import { trunksMigrations } from './migrations.js';
import { trunksPlugin } from './plugin.js';

export const trunksCapability: Capability = { name: 'trunks', migrations: trunksMigrations, plugin: trunksPlugin };
