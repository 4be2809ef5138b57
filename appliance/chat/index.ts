import type { Capability } from '../capability.js';
import { chatMigrations } from './migrations.js';
import { chatPlugin } from './plugin.js';

/** Website chat: sites, the widget and its gateway, conversations for operators. */
export const chatCapability: Capability = { name: 'chat', migrations: chatMigrations, plugin: chatPlugin };
