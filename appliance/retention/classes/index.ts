import type { Db } from '../../core/db.js';
import type { RetentionClass } from '../types.js';
import { auditClass } from './audit.js';

export interface BuiltInDeps {
  db: Db;
  dataDir: string;
}

/**
 * The classes retention knows itself, each present only when its capability's tables exist
 * (migrations run before any plugin, so this is decided once at start).
 */
export function builtInClasses(deps: BuiltInDeps): RetentionClass[] {
  const classes: RetentionClass[] = [auditClass(deps.db)];
  return classes;
}
