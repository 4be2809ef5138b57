import type { Capability } from '../capability.js';
import { callsMigrations } from './migrations.js';
import { callsPlugin } from './plugin.js';

export const callsCapability: Capability = { name: 'calls', migrations: callsMigrations, plugin: callsPlugin };
