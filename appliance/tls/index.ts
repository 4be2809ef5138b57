import type { Capability } from '../capability.js';
import { tlsPlugin } from './plugin.js';

/** Serves the local CA certificate and how to trust it on operators' PCs. */
export const tlsCapability: Capability = { name: 'tls', migrations: [], plugin: tlsPlugin };
