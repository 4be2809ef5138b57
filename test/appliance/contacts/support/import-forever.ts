import { openDatabase, runMigrations } from '../../../../appliance/core/db.js';
import { coreMigrations } from '../../../../appliance/core/migrations.js';
import { AuditLog } from '../../../../appliance/core/audit.js';
import { EventBus } from '../../../../appliance/core/events.js';
import { systemClock } from '../../../../appliance/core/clock.js';
import { contactsMigrations } from '../../../../appliance/contacts/migrations.js';
import { ContactsService } from '../../../../appliance/contacts/service.js';

/** Imports batches of contacts into the database named by argv[2] until it is killed; says "begin N" as each batch starts. */
const db = openDatabase(process.argv[2]!);
runMigrations(db, [...coreMigrations, ...contactsMigrations]);
const contacts = new ContactsService(db, systemClock, new AuditLog(db, systemClock), new EventBus());
const BATCH = Number(process.argv[3] ?? 2000);
for (let batch = 0; ; batch++) {
  process.stdout.write(`begin ${batch}\n`);
  contacts.createMany(
    Array.from({ length: BATCH }, (_, i) => {
      const n = batch * BATCH + i;
      return { name: `Імпорт ${n} Müller`, phones: [`+38067${String(1_000_000 + n).slice(-7)}`], emails: [`c${n}@crash.example`], tags: ['crash'] };
    }),
    null,
  );
}
