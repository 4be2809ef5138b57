import { unlink } from 'node:fs/promises';
import type { Db } from '../../appliance/core/db.js';
import type { Clock } from '../../appliance/core/clock.js';
import type { AuditLog } from '../../appliance/core/audit.js';
import { MessageRepository } from '../../appliance/mail/message-repository.js';
import { dataPath } from '../../appliance/retention/classes/shared.js';
import type { MailDeleter } from '../../appliance/retention/classes/mail.js';

/**
 * How `contactbox retention run` deletes expired mail outside the appliance: the same steps as
 * the mail capability's `deleteMessages`, through its repository — files no other message
 * shares first, then the rows with tombstones in one transaction, so the next sync does not
 * import them again.
 */
export function cliMailDeleter(db: Db, dataDir: string, clock: Clock, audit: AuditLog): () => MailDeleter {
  const messages = new MessageRepository(db);
  const deleter: MailDeleter = async (ids) => {
    const { tombstones, paths } = messages.filesToDelete(ids);
    for (const path of paths) {
      const abs = dataPath(dataDir, path);
      if (!abs) continue;
      await unlink(abs).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    messages.deleteWithTombstones(ids, tombstones, 'retention', clock.now().toISOString());
    audit.record({ actorId: null, action: 'mail.messages.delete', targetType: 'mail_message', details: { count: tombstones.length, reason: 'retention' } });
  };
  return () => deleter;
}
