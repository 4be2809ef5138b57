import type { Capability } from '../capability.js';
import { usersMigrations } from './migrations.js';
import { usersPlugin } from './plugin.js';

export const usersCapability: Capability = {
  name: 'users',
  migrations: usersMigrations,
  plugin: usersPlugin,
};
