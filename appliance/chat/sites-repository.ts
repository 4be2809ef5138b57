import type { Db } from '../core/db.js';
import type { SiteSettings } from './settings.js';

export interface SiteOrigin {
  origin: string;
  registrableDomain: string;
}

export interface Site {
  id: number;
  publicKey: string;
  name: string;
  teamId: number | null;
  adminIds: number[];
  origins: SiteOrigin[];
  settings: SiteSettings;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

interface SiteRow {
  id: number;
  public_key: string;
  name: string;
  team_id: number | null;
  settings: string;
  secret: string;
  created_at: string;
  updated_at: string;
}

/** All SQL on chat sites, their origins and admins. */
export class SitesRepository {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      all: db.prepare('SELECT * FROM chat_sites ORDER BY name COLLATE NOCASE, id'),
      byId: db.prepare('SELECT * FROM chat_sites WHERE id = ?'),
      byKey: db.prepare('SELECT * FROM chat_sites WHERE public_key = ?'),
      origins: db.prepare('SELECT origin, registrable_domain FROM chat_site_origins WHERE site_id = ? ORDER BY origin'),
      admins: db.prepare('SELECT user_id FROM chat_site_admins WHERE site_id = ? ORDER BY user_id'),
      originOwner: db.prepare('SELECT s.id, s.name FROM chat_site_origins o JOIN chat_sites s ON s.id = o.site_id WHERE o.origin = ?'),
      domains: db.prepare('SELECT DISTINCT registrable_domain AS d FROM chat_site_origins'),
      insert: db.prepare('INSERT INTO chat_sites (public_key, name, team_id, settings, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE chat_sites SET name = ?, team_id = ?, settings = ?, updated_at = ? WHERE id = ?'),
      setSecret: db.prepare('UPDATE chat_sites SET secret = ?, updated_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM chat_sites WHERE id = ?'),
      clearOrigins: db.prepare('DELETE FROM chat_site_origins WHERE site_id = ?'),
      addOrigin: db.prepare('INSERT INTO chat_site_origins (site_id, origin, registrable_domain) VALUES (?, ?, ?)'),
      clearAdmins: db.prepare('DELETE FROM chat_site_admins WHERE site_id = ?'),
      addAdmin: db.prepare('INSERT INTO chat_site_admins (site_id, user_id) VALUES (?, ?)'),
      teamExists: db.prepare('SELECT 1 FROM teams WHERE id = ?'),
      activeUser: db.prepare('SELECT 1 FROM users WHERE id = ? AND active = 1'),
      teamMember: db.prepare('SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?'),
      adminOf: db.prepare('SELECT site_id FROM chat_site_admins WHERE user_id = ?'),
    };
  }

  list(): Site[] {
    return (this.stmts.all.all() as SiteRow[]).map((r) => this.map(r));
  }

  get(id: number): Site | null {
    const row = this.stmts.byId.get(id) as SiteRow | undefined;
    return row ? this.map(row) : null;
  }

  byKey(key: string): Site | null {
    const row = this.stmts.byKey.get(key) as SiteRow | undefined;
    return row ? this.map(row) : null;
  }

  originOwner(origin: string): { id: number; name: string } | null {
    return (this.stmts.originOwner.get(origin) as { id: number; name: string } | undefined) ?? null;
  }

  /** Every registrable domain some site uses: what the licence's `sites` counts. */
  registrableDomains(): string[] {
    return (this.stmts.domains.all() as { d: string }[]).map((r) => r.d);
  }

  teamExists(id: number): boolean {
    return Boolean(this.stmts.teamExists.get(id));
  }

  activeUser(id: number): boolean {
    return Boolean(this.stmts.activeUser.get(id));
  }

  inTeam(teamId: number, userId: number): boolean {
    return Boolean(this.stmts.teamMember.get(teamId, userId));
  }

  sitesAdministeredBy(userId: number): number[] {
    return (this.stmts.adminOf.all(userId) as { site_id: number }[]).map((r) => r.site_id);
  }

  insert(site: { publicKey: string; name: string; teamId: number | null; settings: SiteSettings; secret: string; origins: SiteOrigin[]; adminIds: number[] }, at: string): number {
    return this.db.transaction(() => {
      const id = Number(this.stmts.insert.run(site.publicKey, site.name, site.teamId, JSON.stringify(site.settings), site.secret, at, at).lastInsertRowid);
      this.writeMembers(id, site.origins, site.adminIds);
      return id;
    })();
  }

  update(id: number, site: { name: string; teamId: number | null; settings: SiteSettings; origins: SiteOrigin[]; adminIds: number[] }, at: string): void {
    this.db.transaction(() => {
      this.stmts.update.run(site.name, site.teamId, JSON.stringify(site.settings), at, id);
      this.stmts.clearOrigins.run(id);
      this.stmts.clearAdmins.run(id);
      this.writeMembers(id, site.origins, site.adminIds);
    })();
  }

  setSecret(id: number, secret: string, at: string): void {
    this.stmts.setSecret.run(secret, at, id);
  }

  delete(id: number): void {
    this.stmts.delete.run(id);
  }

  private writeMembers(id: number, origins: SiteOrigin[], adminIds: number[]): void {
    for (const o of origins) this.stmts.addOrigin.run(id, o.origin, o.registrableDomain);
    for (const a of adminIds) this.stmts.addAdmin.run(id, a);
  }

  private map(r: SiteRow): Site {
    return {
      id: r.id,
      publicKey: r.public_key,
      name: r.name,
      teamId: r.team_id,
      adminIds: (this.stmts.admins.all(r.id) as { user_id: number }[]).map((a) => a.user_id),
      origins: (this.stmts.origins.all(r.id) as { origin: string; registrable_domain: string }[]).map((o) => ({ origin: o.origin, registrableDomain: o.registrable_domain })),
      settings: JSON.parse(r.settings) as SiteSettings,
      secret: r.secret,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
}
