import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit.js';
import { AppError } from '../core/errors.js';
import type { SessionUser } from '../core/auth/sessions.js';
import { parseOrigin } from './origins.js';
import { defaultSiteSettings, validTimezone, type SiteSettings } from './settings.js';
import type { Site, SiteOrigin, SitesRepository } from './sites-repository.js';

export type { Site };
import './errors.js';

/** What licensing offers the sites: how many registrable domains the licence allows. */
export interface SiteLicensePort {
  assertModule(name: 'chat'): void;
  assertSiteAvailable(inUseSites: number): void;
}

export interface SiteInput {
  name: string;
  origins: string[];
  teamId?: number | null;
  adminIds?: number[];
  settings?: Partial<SiteSettings>;
}

/**
 * Chat sites: who may embed the widget (origins), who answers (team) and who manages it
 * (site admins). The licence counts distinct registrable domains over all sites: a new site on
 * a domain already in use costs nothing, a new domain over the limit is refused.
 */
export class SitesService {
  private readonly byKeyCache = new Map<string, Site | null>();
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly repo: SitesRepository,
    private readonly deps: { clock: Clock; audit: AuditLog; license: () => SiteLicensePort | null },
  ) {}

  list(): Site[] {
    return this.repo.list();
  }

  get(id: number): Site {
    const site = this.repo.get(id);
    if (!site) throw new AppError('SITE_NOT_FOUND', { id });
    return site;
  }

  /** The site a widget names by its public key (cached; every widget request asks). */
  byKey(key: string): Site | null {
    if (!this.byKeyCache.has(key)) this.byKeyCache.set(key, this.repo.byKey(key));
    return this.byKeyCache.get(key) ?? null;
  }

  /** Called after any change to sites (gateways drop what they cached). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Sites a user may manage: admins all, site admins their own. */
  canManage(user: SessionUser, site: Site): boolean {
    return user.role === 'admin' || site.adminIds.includes(user.id);
  }

  /** Whether a user answers this site's chats: its team (or everyone when it has none), its admins, supervisors and admins. */
  canAnswer(user: Pick<SessionUser, 'id' | 'role'>, site: Site): boolean {
    if (user.role === 'admin' || user.role === 'supervisor') return true;
    if (site.adminIds.includes(user.id)) return true;
    return site.teamId === null || this.repo.inTeam(site.teamId, user.id);
  }

  inTeam(teamId: number, userId: number): boolean {
    return this.repo.inTeam(teamId, userId);
  }

  teamExists(id: number): boolean {
    return this.repo.teamExists(id);
  }

  /** `actor` null: root through the `contactbox sites` command. */
  create(actor: SessionUser | null, input: SiteInput): { site: Site; secret: string } {
    this.deps.license()?.assertModule('chat');
    const origins = this.parseOrigins(input.origins, null);
    this.assertLicensed(origins, null);
    const settings = this.checkSettings({ ...defaultSiteSettings(), ...(input.settings ?? {}) });
    const teamId = this.checkTeam(input.teamId ?? null);
    const adminIds = this.checkAdmins(input.adminIds ?? []);
    const secret = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now().toISOString();
    const id = this.repo.insert({ publicKey: randomBytes(12).toString('base64url'), name: input.name.trim(), teamId, settings, secret, origins, adminIds }, now);
    this.deps.audit.record({ actorId: actor?.id ?? null, action: 'chat.site_created', targetType: 'chat_site', targetId: id, details: { origins: origins.map((o) => o.origin), teamId, ...(actor ? {} : { source: 'cli' }) } });
    this.changed();
    return { site: this.get(id), secret };
  }

  update(actor: SessionUser, id: number, patch: Partial<SiteInput>): Site {
    const site = this.get(id);
    if (!this.canManage(actor, site)) throw new AppError('FORBIDDEN');
    // Origins and admins decide billing and power: only an administrator changes them.
    if ((patch.origins !== undefined || patch.adminIds !== undefined) && actor.role !== 'admin') throw new AppError('FORBIDDEN');
    const origins = patch.origins !== undefined ? this.parseOrigins(patch.origins, id) : site.origins;
    if (patch.origins !== undefined) this.assertLicensed(origins, id);
    const settings = patch.settings ? this.checkSettings({ ...site.settings, ...patch.settings }) : site.settings;
    const teamId = patch.teamId !== undefined ? this.checkTeam(patch.teamId) : site.teamId;
    const adminIds = patch.adminIds !== undefined ? this.checkAdmins(patch.adminIds) : site.adminIds;
    this.repo.update(id, { name: patch.name?.trim() ?? site.name, teamId, settings, origins, adminIds }, this.deps.clock.now().toISOString());
    this.deps.audit.record({ actorId: actor.id, action: 'chat.site_updated', targetType: 'chat_site', targetId: id, details: { fields: Object.keys(patch) } });
    this.changed();
    return this.get(id);
  }

  rotateSecret(actor: SessionUser, id: number): { site: Site; secret: string } {
    const site = this.get(id);
    if (!this.canManage(actor, site)) throw new AppError('FORBIDDEN');
    const secret = randomBytes(32).toString('base64url');
    this.repo.setSecret(id, secret, this.deps.clock.now().toISOString());
    this.deps.audit.record({ actorId: actor.id, action: 'chat.site_secret_rotated', targetType: 'chat_site', targetId: id });
    this.changed();
    return { site: this.get(id), secret };
  }

  delete(actor: SessionUser | null, id: number): void {
    this.get(id);
    this.repo.delete(id);
    this.deps.audit.record({ actorId: actor?.id ?? null, action: 'chat.site_deleted', targetType: 'chat_site', targetId: id, ...(actor ? {} : { details: { source: 'cli' } }) });
    this.changed();
  }

  /** Registrable domains in use, and how many the licence allows (null: no licensing loaded). */
  usage(): { domains: string[] } {
    return { domains: this.repo.registrableDomains().sort() };
  }

  private changed(): void {
    this.byKeyCache.clear();
    for (const l of this.listeners) l();
  }

  private parseOrigins(raw: readonly string[], siteId: number | null): SiteOrigin[] {
    const seen = new Map<string, SiteOrigin>();
    for (const value of raw) {
      const parsed = parseOrigin(value);
      if (!parsed) throw new AppError('SITE_ORIGIN_INVALID', { origin: value.slice(0, 200) });
      const owner = this.repo.originOwner(parsed.origin);
      if (owner && owner.id !== siteId) throw new AppError('SITE_ORIGIN_TAKEN', { origin: parsed.origin, site: owner.name });
      seen.set(parsed.origin, { origin: parsed.origin, registrableDomain: parsed.registrableDomain });
    }
    return [...seen.values()];
  }

  /** Refuses origins that would take the number of registrable domains over the licence's `sites`. */
  private assertLicensed(origins: readonly SiteOrigin[], siteId: number | null): void {
    const license = this.deps.license();
    if (!license) return;
    const others = new Set(
      this.repo
        .list()
        .filter((s) => s.id !== siteId)
        .flatMap((s) => s.origins.map((o) => o.registrableDomain)),
    );
    const after = new Set([...others, ...origins.map((o) => o.registrableDomain)]);
    // Only growth is checked: a licence lowered later never blocks editing an existing site.
    if (after.size > this.repo.registrableDomains().length) license.assertSiteAvailable(after.size - 1);
  }

  private checkSettings(settings: SiteSettings): SiteSettings {
    if (!settings.languages.includes(settings.defaultLanguage)) {
      throw new AppError('SITE_SETTINGS_INVALID', { detail: `defaultLanguage ${settings.defaultLanguage} is not one of the site's languages` });
    }
    if (!validTimezone(settings.timezone)) throw new AppError('SITE_SETTINGS_INVALID', { detail: `unknown timezone ${settings.timezone}` });
    for (const spans of Object.values(settings.hours ?? {}) as { from: string; to: string }[][]) {
      for (const s of spans) if (s.from >= s.to) throw new AppError('SITE_SETTINGS_INVALID', { detail: `opening hours ${s.from}–${s.to} end before they start` });
    }
    return settings;
  }

  private checkTeam(teamId: number | null): number | null {
    if (teamId !== null && !this.repo.teamExists(teamId)) throw new AppError('SITE_MEMBER_NOT_FOUND', { kind: 'team', id: teamId });
    return teamId;
  }

  private checkAdmins(ids: readonly number[]): number[] {
    for (const id of ids) if (!this.repo.activeUser(id)) throw new AppError('SITE_MEMBER_NOT_FOUND', { kind: 'user', id });
    return [...new Set(ids)];
  }
}
