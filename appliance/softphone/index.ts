import type { Capability } from '../capability.js';
import { softphoneMigrations } from './migrations.js';
import { softphonePlugin } from './plugin.js';

export const softphoneCapability: Capability = {
  name: 'softphone',
  migrations: softphoneMigrations,
  plugin: softphonePlugin,
};
