import type { Capability } from './capability.js';
import { trunksCapability } from './trunks/index.js';
import { telephonyCapability } from './telephony/index.js';
import { callsCapability } from './calls/index.js';
import { contactsCapability } from './contacts/index.js';
import { usersCapability } from './users/index.js';
import { tlsCapability } from './tls/index.js';
import { retentionCapability } from './retention/index.js';
import { licensingCapability } from './licensing/index.js';
import { softphoneCapability } from './softphone/index.js';
import { mailCapability } from './mail/index.js';
import { chatCapability } from './chat/index.js';
import { agentsCapability } from './agents/index.js';
import { reportsCapability } from './reports/index.js';
import { systemCapability } from './system/index.js';

/**
 * The capabilities of the appliance, in start order (a capability's migrations and plugin
 * come after those it depends on). Adding a capability is one line here.
 */
export const capabilities: readonly Capability[] = [
  tlsCapability,
  contactsCapability,
  usersCapability,
  retentionCapability,
  licensingCapability,
  softphoneCapability,
  telephonyCapability,
  callsCapability,
  mailCapability,
  trunksCapability,
  chatCapability,
  agentsCapability,
  reportsCapability,
  systemCapability,
];
