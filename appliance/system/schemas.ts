import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const BackupEntrySchema = Type.Object({
  name: Type.String(),
  createdAt: Type.String(),
  version: Type.String(),
  databaseBytes: Type.Integer(),
  integrity: Type.String(),
  files: Type.Integer(),
  bytes: Type.Integer(),
});

export const SystemView = Type.Object({
  version: Type.String(),
  /** The HTTPS certificate the appliance serves: when it ends (null without TLS, e.g. behind a proxy). */
  tls: Type.Union([Type.Object({ subject: Type.String(), notAfter: Type.String(), daysLeft: Type.Integer() }), Type.Null()]),
  backups: Type.Object({ dir: Type.String(), items: Type.Array(BackupEntrySchema) }),
  /** Releases installed beside this one (`contactbox upgrade` keeps the previous for a rollback). */
  releases: Type.Object({
    current: Type.String(),
    installed: Type.Array(Type.String()),
    rollbackTo: Nullable(Type.String()),
    /** Every installed release, newest first, with when it was put on this server. */
    history: Type.Array(Type.Object({ version: Type.String(), installedAt: Nullable(Type.String()) })),
  }),
});

/** What every signed-in user is told on every page: the evaluation's end and a filling disk. */
export const NoticesView = Type.Object({
  licence: Type.Union([Type.Object({ status: Type.String(), evaluationEndsAt: Nullable(Type.String()), daysLeft: Type.Union([Type.Integer(), Type.Null()]) }), Type.Null()]),
  storage: Type.Object({ level: Type.Union([Type.Literal('ok'), Type.Literal('warning'), Type.Literal('critical'), Type.Literal('full'), Type.Literal('unknown')]) }),
});
