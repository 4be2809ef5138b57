import { Type, type Static } from '@sinclair/typebox';
import { MODULES } from './license-file.js';

const Module = Type.Union(MODULES.map((m) => Type.Literal(m)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** The full licence status (admins). */
export const LicenseStatusSchema = Type.Object({
  status: Type.Union([Type.Literal('licensed'), Type.Literal('evaluation'), Type.Literal('evaluation-ended'), Type.Literal('invalid')]),
  reason: Nullable(Type.String()),
  detail: Nullable(Type.String()),
  id: Nullable(Type.String()),
  customer: Nullable(Type.String()),
  sessions: Type.Integer(),
  modules: Type.Array(Module),
  sites: Type.Integer(),
  issuedAt: Nullable(Type.String()),
  expires: Nullable(Type.String()),
  updatesUntil: Nullable(Type.String()),
  fingerprint: Type.String(),
  fingerprintMatch: Type.Union([Type.Boolean(), Type.Null()]),
  evaluationEndsAt: Nullable(Type.String()),
  clockRolledBack: Type.Boolean(),
  inUse: Type.Integer(),
  peak: Type.Integer(),
  holdingQueues: Type.Boolean(),
  queueControl: Type.Boolean(),
});

/** What every logged-in user gets: the modules, so the UI can hide the others. Admins also get `license`. */
export const LicenseViewSchema = Type.Object({
  modules: Type.Array(Module),
  license: Type.Optional(LicenseStatusSchema),
  /** Admins: this server's request code, to send to the vendor for a licence. */
  requestCode: Type.Optional(Type.String()),
});

export const LicenseUploadBody = Type.String({ minLength: 1, maxLength: 16_384, description: 'the licence file as text' });

export const UsageQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

export const UsageResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(
    Type.Object({
      hour: Type.String(),
      peak: Type.Integer(),
      sessionLimit: Type.Integer(),
      refused: Type.Integer(),
    }),
  ),
});
