import { Type, type Static } from '@sinclair/typebox';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('operator'), Type.Literal('intern')]);
// Any short string on the wire, so an unknown code gets LANGUAGE_UNSUPPORTED naming the supported ones.
const LanguageCode = Type.String({ minLength: 1, maxLength: 35 });
const TeamIds = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    role: Role,
    language: Type.Optional(Type.Union([LanguageCode, Type.Null()])),
    teamIds: Type.Optional(TeamIds),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const PatchUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(Role),
    language: Type.Optional(Type.Union([LanguageCode, Type.Null()])),
    teamIds: Type.Optional(TeamIds),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchUserBody = Static<typeof PatchUserBody>;

export const DeactivateBody = Type.Object(
  { handoverTo: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])) },
  { additionalProperties: false },
);

/** What leaves the server about a user: never the password hash. */
export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  /** null: the installation's default language. */
  language: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  teamIds: Type.Array(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deactivatedAt: Type.Union([Type.String(), Type.Null()]),
  deactivatedBy: Type.Union([Type.Integer(), Type.Null()]),
});

export const UserList = Type.Object({ items: Type.Array(UserView) });

export const DeactivateResponse = Type.Composite([
  UserView,
  Type.Object({ sessionsRevoked: Type.Integer(), contactsHandedOver: Type.Integer() }),
]);

export const LanguageBody = Type.Object({ language: Type.Union([LanguageCode, Type.Null()]) }, { additionalProperties: false });
export const LanguageResponse = Type.Object({ language: Type.String(), supported: Type.Array(Type.String()) });

export const TeamView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  memberIds: Type.Array(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const TeamList = Type.Object({ items: Type.Array(TeamView) });
export const CreateTeamBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    memberIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
export const PatchTeamBody = Type.Partial(CreateTeamBody, { additionalProperties: false, minProperties: 1 });

export const MaskingPolicyBody = Type.Object(
  {
    maskedRoles: Type.Array(Role, { maxItems: 4, uniqueItems: true }),
    phoneVisibleTail: Type.Integer({ minimum: 0, maximum: 4 }),
  },
  { additionalProperties: false },
);
export type MaskingPolicyBody = Static<typeof MaskingPolicyBody>;

export const AuditQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    /** An action (`trunk.add`) or a family of them (`trunk.*`). */
    action: Type.Optional(Type.String({ maxLength: 100 })),
    actorId: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Entries at or after / before these times (ISO dates or date-times). */
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.String(),
      actorId: Type.Union([Type.Integer(), Type.Null()]),
      actorName: Type.Union([Type.String(), Type.Null()]),
      action: Type.String(),
      targetType: Type.Union([Type.String(), Type.Null()]),
      targetId: Type.Union([Type.String(), Type.Null()]),
      details: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    }),
  ),
  /** Pass as `before` for the next (older) page; null at the start of the log. */
  nextBefore: Type.Union([Type.Integer(), Type.Null()]),
});
