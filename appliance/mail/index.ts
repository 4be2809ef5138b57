import type { Capability } from '../capability.js';
import { mailMigrations } from './migrations.js';
import { mailPlugin } from './plugin.js';

export const mailCapability: Capability = {
  name: 'mail',
  migrations: mailMigrations,
  plugin: mailPlugin,
};
