import type { Capability } from '../capability.js';
import { contactsMigrations } from './migrations.js';
import { contactsPlugin } from './plugin.js';

export const contactsCapability: Capability = {
  name: 'contacts',
  migrations: contactsMigrations,
  plugin: contactsPlugin,
};
