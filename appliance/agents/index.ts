import type { Capability } from '../capability.js';
import { agentsMigrations } from './migrations.js';
import { agentsPlugin } from './plugin.js';

export const agentsCapability: Capability = { name: 'agents', migrations: agentsMigrations, plugin: agentsPlugin };
