import { operatorExtension } from '../../appliance/softphone/asterisk-endpoints.js';
import type { Db } from '../../appliance/core/db.js';
import { trunkKinds } from '../../appliance/trunks/kinds/index.js';
import { TrunkRepository } from '../../appliance/trunks/repository.js';
import { defaultModel, type OperatorEndpoint, type ProvisioningModel } from './model.js';

/**
 * Builds the provisioning model of an installed appliance: trunks from the trunks tables,
 * operators' WebRTC endpoints from the softphones the appliance issued, queues from teams,
 * network settings saved at install (settings row `asterisk.provisioning`), and the AMI/ARI
 * credentials from the config's `telephony` section so that re-rendering never changes them.
 */
export const BASE_SETTING_KEY = 'asterisk.provisioning';

/** What install decides once and later runs reuse (everything but trunks, operators and secrets). */
export type ProvisioningBase = Pick<
  ProvisioningModel,
  'applianceAddress' | 'asteriskAddress' | 'sip' | 'http' | 'rtp' | 'recordingDir' | 'queues'
> & {
  /** Queues every operator and intern is a static member of. */
  operatorQueues: string[];
};

export interface TelephonySection {
  mode: 'none' | 'local' | 'remote';
  ami?: { host: string; port: number; username: string; secret: string };
  ari?: { url: string; username: string; password: string; app: string };
}

export function defaultBase(): ProvisioningBase {
  const m = defaultModel();
  return {
    applianceAddress: m.applianceAddress,
    asteriskAddress: m.asteriskAddress,
    sip: m.sip,
    http: m.http,
    rtp: m.rtp,
    recordingDir: m.recordingDir,
    queues: m.queues,
    operatorQueues: ['support'],
  };
}

export function saveProvisioningBase(db: Db, base: ProvisioningBase, now: Date): void {
  db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(BASE_SETTING_KEY, JSON.stringify(base), now.toISOString());
}

export function loadProvisioningBase(db: Db): ProvisioningBase {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(BASE_SETTING_KEY) as { value: string } | undefined;
  return row ? { ...defaultBase(), ...(JSON.parse(row.value) as Partial<ProvisioningBase>) } : defaultBase();
}

/** The `telephony` section of contactbox.yaml as provisioning needs it; `none` when absent. */
export function telephonySection(config: Readonly<Record<string, unknown>>): TelephonySection {
  const t = config.telephony as TelephonySection | undefined;
  if (!t || typeof t !== 'object' || !['none', 'local', 'remote'].includes(t.mode)) return { mode: 'none' };
  return t;
}

const hasTable = (db: Db, name: string) => Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name = ?").get(name));

/** A team's queue name: `team-<slug>`, or `team-<id>` when its name has no Latin letters or digits. */
export function teamQueueName(team: { id: number; name: string }): string {
  const slug = team.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 34);
  return `team-${slug || team.id}`;
}

export { operatorExtension };

function operators(db: Db, base: ProvisioningBase): OperatorEndpoint[] {
  if (!hasTable(db, 'softphone_phones') || !hasTable(db, 'users')) return [];
  const rows = db
    .prepare(
      `SELECT p.user_id, p.sip_user, p.sip_password, u.display_name, u.role
         FROM softphone_phones p JOIN users u ON u.id = p.user_id
        WHERE u.active = 1 ORDER BY p.user_id`,
    )
    .all() as { user_id: number; sip_user: string; sip_password: string; display_name: string; role: string }[];
  const teamsOf = new Map<number, string[]>();
  if (hasTable(db, 'team_members')) {
    const members = db.prepare('SELECT m.user_id, t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id').all() as { user_id: number; id: number; name: string }[];
    for (const m of members) teamsOf.set(m.user_id, [...(teamsOf.get(m.user_id) ?? []), teamQueueName(m)]);
  }
  return rows.map((r) => ({
    endpoint: r.sip_user,
    extension: operatorExtension(r.user_id),
    name: r.display_name,
    secret: r.sip_password,
    ...(r.role === 'intern' ? { intern: true } : {}),
    queues: [
      ...new Set([
        ...(['operator', 'intern'].includes(r.role) ? base.operatorQueues : []),
        ...(teamsOf.get(r.user_id) ?? []),
        ...base.queues.filter((q) => q.memberIds?.includes(r.user_id)).map((q) => q.name),
      ]),
    ].sort(),
  }));
}

/** `softphone.asteriskOperatorsFile` of contactbox.yaml, or null. */
export function operatorsFileOf(config: Readonly<Record<string, unknown>>): string | null {
  const file = (config.softphone as { asteriskOperatorsFile?: unknown } | undefined)?.asteriskOperatorsFile;
  return typeof file === 'string' && file.startsWith('/') ? file : null;
}

/** Where a local install keeps its own Asterisk files (`telephony.asteriskFilesDir`): a folder under Asterisk's, writable by the service. */
export const ownFilesDirIn = (asteriskEtcDir: string) => `${asteriskEtcDir.replace(/\/+$/, '')}/contactbox`;

/** Where a local install keeps the operators' endpoints file, in that folder. */
export const operatorsFileIn = (asteriskEtcDir: string) => `${ownFilesDirIn(asteriskEtcDir)}/pjsip_operators.conf`;

export function loadProvisioningModel(db: Db, config: Readonly<Record<string, unknown>>): ProvisioningModel {
  const base = loadProvisioningBase(db);
  const telephony = telephonySection(config);
  const { operatorQueues: _ignored, ...rest } = base;
  const trunks = hasTable(db, 'trunks') ? new TrunkRepository(db).list() : [];
  const known = new Set(trunkKinds.map((k) => k.kind));
  return defaultModel({
    ...rest,
    mode: telephony.mode === 'remote' ? 'remote' : 'local',
    operators: operators(db, base),
    // The appliance keeps this file current itself (live apply); pjsip_contactbox.conf includes it.
    operatorsFile: telephony.mode === 'local' ? operatorsFileOf(config) : null,
    trunks: trunks.filter((t) => known.has(t.kind)).map(({ name, kind, settings, dids, outbound }) => ({ name, kind, settings, dids, outbound })),
    ami: { username: telephony.ami?.username ?? 'contactbox', secret: telephony.ami?.secret ?? null, port: telephony.ami?.port ?? 5038 },
    ari: { username: telephony.ari?.username ?? 'contactbox', password: telephony.ari?.password ?? null, app: telephony.ari?.app ?? 'contactbox' },
  });
}
