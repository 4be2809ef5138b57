import type { Capability } from '../capability.js';
import { reportsMigrations } from './migrations.js';
import { reportsPlugin } from './plugin.js';

export const reportsCapability: Capability = { name: 'reports', migrations: reportsMigrations, plugin: reportsPlugin };
