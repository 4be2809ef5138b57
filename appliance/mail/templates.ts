import type { Db } from '../core/db.js';
import { AppError } from '../core/errors.js';

export interface MailTemplate {
  id: number;
  name: string;
  body: string;
  updatedAt: string;
}

/** The placeholders a template may use, each filled by the server when an operator inserts it. */
export const PLACEHOLDERS = ['customer', 'agent', 'mailbox', 'subject', 'date'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Unknown `{{names}}` are refused when a template is saved, so an operator never sends one raw. */
export function checkTemplateBody(body: string): void {
  const unknown = [...body.matchAll(TOKEN)].map((m) => m[1]!).filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new AppError('MAIL_TEMPLATE_INVALID', { detail: `unknown placeholder {{${unknown[0]}}}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}` });
  }
}

export function fillTemplate(body: string, values: Record<Placeholder, string>): string {
  return body.replace(TOKEN, (_all, name: string) => values[name as Placeholder] ?? '');
}

/** All SQL on reply templates. Names are unique regardless of case. */
export class TemplateRepository {
  constructor(private readonly db: Db) {}

  list(): MailTemplate[] {
    return this.db.prepare('SELECT id, name, body, updated_at AS updatedAt FROM mail_templates ORDER BY name_key').all() as MailTemplate[];
  }

  get(id: number): MailTemplate | null {
    return (this.db.prepare('SELECT id, name, body, updated_at AS updatedAt FROM mail_templates WHERE id = ?').get(id) as MailTemplate | undefined) ?? null;
  }

  /** null when the name is taken. */
  create(name: string, body: string, by: number, at: string): MailTemplate | null {
    const row = this.db
      .prepare('INSERT INTO mail_templates (name, name_key, body, created_by, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name_key) DO NOTHING RETURNING id')
      .get(name, name.toLocaleLowerCase(), body, by, at) as { id: number } | undefined;
    return row ? this.get(row.id) : null;
  }

  /** 'missing' or 'taken' when it could not be saved. */
  update(id: number, name: string, body: string, at: string): MailTemplate | 'missing' | 'taken' {
    if (!this.get(id)) return 'missing';
    const clash = this.db.prepare('SELECT id FROM mail_templates WHERE name_key = ? AND id <> ?').get(name.toLocaleLowerCase(), id);
    if (clash) return 'taken';
    this.db.prepare('UPDATE mail_templates SET name = ?, name_key = ?, body = ?, updated_at = ? WHERE id = ?').run(name, name.toLocaleLowerCase(), body, at, id);
    return this.get(id)!;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM mail_templates WHERE id = ?').run(id).changes > 0;
  }
}
