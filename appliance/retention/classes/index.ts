import type { Db } from '../../core/db.js';
import type { RetentionClass } from '../types.js';
import { auditClass } from './audit.js';
import { callsClass, recordingsClass } from './calls.js';
import { mailClass, type MailDeleter } from './mail.js';
import { tableExists } from './shared.js';

export interface BuiltInDeps {
  db: Db;
  dataDir: string;
  /**
   * How mail is deleted (the mail capability's `deleteMessages`, resolved at deletion time);
   * returns null when no mail service is available, and then the mail class is not registered.
   */
  mailDeleter?: () => MailDeleter | null;
}

/**
 * The classes retention knows itself, each present only when its capability's tables exist
 * (migrations run before any plugin, so this is decided once at start).
 */
export function builtInClasses(deps: BuiltInDeps): RetentionClass[] {
  const { db, dataDir } = deps;
  const classes: RetentionClass[] = [auditClass(db)];
  if (tableExists(db, 'calls') && tableExists(db, 'recordings')) {
    classes.push(recordingsClass(db, dataDir), callsClass(db, dataDir));
  }
  const mailDeleter = deps.mailDeleter;
  if (mailDeleter && tableExists(db, 'mail_messages') && tableExists(db, 'mail_attachments')) {
    classes.push(
      mailClass(db, () => {
        const deleter = mailDeleter();
        if (!deleter) throw new Error('the mail service is not available to delete expired mail');
        return deleter;
      }),
    );
  }
  return classes;
}

/**
 * Indexes retention's batches need on other capabilities' tables: each batch must be an index
 * range on the age column, or a sweep of a large table scans it once per batch.
 */
export function ensureIndexes(db: Db): void {
  if (tableExists(db, 'recordings')) db.exec('CREATE INDEX IF NOT EXISTS retention_recordings_created_at ON recordings(created_at)');
}
