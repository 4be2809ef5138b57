import { buildInfo, developmentTrustEnabled } from '../../appliance/licensing/build-info.js';
import { realMachineFacts, recordedMachineFacts, type MachineFactsPort } from '../../appliance/licensing/adapters/system-facts.js';

/**
 * The machine facts a licence fingerprint is made of. Development builds (from source, or with
 * CONTACTBOX_DEV_LICENSE_KEYS=1) accept recorded facts from CONTACTBOX_FACTS_FILE so tests can
 * play another server; a release build always reads this machine.
 */
export function licenseFactsPort(env: NodeJS.ProcessEnv): MachineFactsPort {
  const file = developmentTrustEnabled(buildInfo(), env) ? env.CONTACTBOX_FACTS_FILE : undefined;
  return file ? recordedMachineFacts(file) : realMachineFacts();
}
