/**
 * A separate process that syncs one mailbox of an existing data dir, so a test can SIGKILL it
 * in the middle of a sync. Args: <dataDir> <mailboxId> <batchMessages>.
 */
import { openMailApp } from './mail-app.js';

const [dataDir, mailboxId, batch] = process.argv.slice(2);
const m = await openMailApp(dataDir!, { overrides: { limits: { batchMessages: Number(batch) } } });
await m.app.mail.syncNow(Number(mailboxId));
await m.close();
process.stdout.write('done\n');
