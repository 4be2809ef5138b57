import type { Capability } from '../capability.js';
import { retentionMigrations } from './migrations.js';
import { retentionPlugin } from './plugin.js';

export const retentionCapability: Capability = {
  name: 'retention',
  migrations: retentionMigrations,
  plugin: retentionPlugin,
};

export { storageForecast } from './setup.js';
export type { RetentionClass } from './types.js';
