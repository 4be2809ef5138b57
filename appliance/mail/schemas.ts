import { Type, type Static } from '@sinclair/typebox';
import { ErrorResponse } from '../core/route-policy.js';

const Email = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' });
const Id = Type.Integer({ minimum: 1 });

export const ServerSettings = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    security: Type.Union([Type.Literal('none'), Type.Literal('starttls'), Type.Literal('tls')]),
    username: Type.String({ maxLength: 320 }),
    password: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const CreateMailboxBody = Type.Object(
  {
    address: Email,
    imap: ServerSettings,
    smtp: ServerSettings,
    teamId: Type.Optional(Type.Union([Id, Type.Null()])),
    ownerId: Type.Optional(Type.Union([Id, Type.Null()])),
    folders: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateMailboxBody = Static<typeof CreateMailboxBody>;

export const TestSettingsBody = Type.Object(
  {
    imap: ServerSettings,
    smtp: ServerSettings,
    folders: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type TestSettingsBody = Static<typeof TestSettingsBody>;

export const TestResult = Type.Object({ imap: Type.Literal('ok'), smtp: Type.Literal('ok'), folders: Type.Array(Type.String()) });

export const PatchMailboxBody = Type.Object(
  {
    imap: Type.Optional(ServerSettings),
    smtp: Type.Optional(ServerSettings),
    teamId: Type.Optional(Type.Union([Id, Type.Null()])),
    ownerId: Type.Optional(Type.Union([Id, Type.Null()])),
    folders: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 20, uniqueItems: true })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchMailboxBody = Static<typeof PatchMailboxBody>;

export const AccessBody = Type.Object({ userId: Id }, { additionalProperties: false });
export const AccessParams = Type.Object({ id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) });
export const AccessList = Type.Object({ userIds: Type.Array(Type.Integer()) });

export const MailboxView = Type.Object({
  id: Type.Integer(),
  address: Type.String(),
  /** false while paused by an admin. */
  enabled: Type.Boolean(),
  /** connecting, syncing, idle, polling, error, stopped, paused (or new before the first pass). */
  state: Type.String(),
  lastSyncAt: Type.Union([Type.String(), Type.Null()]),
  messageCount: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  ownerId: Type.Union([Type.Integer(), Type.Null()]),
  folders: Type.Array(Type.String()),
  progress: Type.Object({ done: Type.Integer(), total: Type.Integer() }),
  quarantined: Type.Integer(),
});

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const Created = Type.Object({ id: Type.Integer() });
export const Errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse, 502: ErrorResponse };

export const Address = Type.Object({ name: Type.String(), address: Type.Union([Type.String(), Type.Null()]) });

export const MessageItem = Type.Object({
  id: Type.Integer(),
  messageId: Type.String(),
  threadId: Type.Integer(),
  mailboxId: Type.Union([Type.Integer(), Type.Null()]),
  direction: Type.String(),
  subject: Type.String(),
  from: Type.Union([Address, Type.Null()]),
  to: Type.Array(Address),
  cc: Type.Array(Address),
  date: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
  assigneeId: Type.Union([Type.Integer(), Type.Null()]),
  originalAssigneeId: Type.Union([Type.Integer(), Type.Null()]),
  contactIds: Type.Array(Type.Integer()),
  attachments: Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer(), contentType: Type.String() })),
  routing: Type.Optional(Type.Object({ rule: Type.Union([Type.String(), Type.Null()]), delegated: Type.Boolean() })),
});

export const MessageDetail = Type.Intersect([MessageItem, Type.Object({ text: Type.String() })]);

export const MessagesQuery = Type.Object(
  {
    mailboxId: Type.Optional(Id),
    contactId: Type.Optional(Id),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  {
    mailboxId: Type.Optional(Id),
    replyToMessageId: Type.Optional(Id),
    contactId: Type.Optional(Id),
    to: Type.Optional(Type.Array(Email, { maxItems: 50 })),
    cc: Type.Optional(Type.Array(Email, { maxItems: 50 })),
    subject: Type.Optional(Type.String({ maxLength: 998 })),
    text: Type.String({ maxLength: 512 * 1024 }),
    html: Type.Optional(Type.String({ maxLength: 1024 * 1024 })),
    attachments: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9a-f-]{36}$' }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const RuleConditions = Type.Object(
  {
    tagsAny: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
    recipients: Type.Optional(Type.Array(Email, { maxItems: 50 })),
    contactStatus: Type.Optional(Type.Array(Type.Union([Type.Literal('lead'), Type.Literal('client')]), { maxItems: 2 })),
    contactOwnerIds: Type.Optional(Type.Array(Id, { maxItems: 100 })),
    hasContactOwner: Type.Optional(Type.Boolean()),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const RuleAction = Type.Union([
  Type.Object({ type: Type.Literal('user'), userId: Id }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('team'), teamId: Id, strategy: Type.Union([Type.Literal('round_robin'), Type.Literal('least_busy')]) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('contact_owner') }, { additionalProperties: false }),
]);

export const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    enabled: Type.Boolean({ default: true }),
    position: Type.Optional(Type.Integer({ minimum: 1 })),
    conditions: RuleConditions,
    action: RuleAction,
  },
  { additionalProperties: false },
);

export const RuleView = Type.Object({
  id: Type.Integer(),
  position: Type.Integer(),
  name: Type.String(),
  enabled: Type.Boolean(),
  conditions: RuleConditions,
  action: RuleAction,
});

export const PreviewBody = Type.Object(
  { conditions: RuleConditions, action: RuleAction, last: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) },
  { additionalProperties: false },
);

export const ExplainBody = Type.Union([
  Type.Object({ messageId: Id }, { additionalProperties: false }),
  Type.Object(
    {
      sample: Type.Object(
        {
          from: Email,
          to: Type.Array(Email, { minItems: 1, maxItems: 50 }),
          cc: Type.Optional(Type.Array(Email, { maxItems: 50 })),
          subject: Type.String({ maxLength: 998 }),
          text: Type.String({ maxLength: 64 * 1024 }),
        },
        { additionalProperties: false },
      ),
      mailboxId: Type.Optional(Id),
    },
    { additionalProperties: false },
  ),
]);

const ConditionName = Type.Union(['tagsAny', 'recipients', 'contactStatus', 'contactOwnerIds', 'hasContactOwner', 'keywords'].map((n) => Type.Literal(n)));

export const ExplainResponse = Type.Object({
  messageId: Type.Union([Type.Integer(), Type.Null()]),
  mailboxId: Type.Union([Type.Integer(), Type.Null()]),
  senderContactId: Type.Union([Type.Integer(), Type.Null()]),
  steps: Type.Array(
    Type.Object({
      ruleId: Type.Integer(),
      name: Type.String(),
      position: Type.Integer(),
      outcome: Type.Union(['disabled', 'not_matched', 'nobody', 'chosen', 'not_reached'].map((n) => Type.Literal(n))),
      failed: Type.Array(ConditionName),
      assigneeId: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  decidedBy: Type.Union([Type.Literal('rule'), Type.Literal('mailbox_owner'), Type.Literal('nobody')]),
  ruleId: Type.Union([Type.Integer(), Type.Null()]),
  /** Who the rule or owner chose; `assigneeId` is where it goes after a delegation. */
  originalAssigneeId: Type.Union([Type.Integer(), Type.Null()]),
  assigneeId: Type.Union([Type.Integer(), Type.Null()]),
  delegationId: Type.Union([Type.Integer(), Type.Null()]),
});

export const PreviewResponse = Type.Object({
  matched: Type.Integer(),
  total: Type.Integer(),
  summary: Type.String(),
  sample: Type.Array(Type.Object({ id: Type.Integer(), assigneeId: Type.Union([Type.Integer(), Type.Null()]) })),
});

export const DelegationBody = Type.Object(
  {
    fromUserId: Id,
    toUserId: Id,
    from: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    until: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    mailboxId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const DelegationView = Type.Object({
  id: Type.Integer(),
  fromUserId: Type.Integer(),
  toUserId: Type.Integer(),
  mailboxId: Type.Union([Type.Integer(), Type.Null()]),
  startsAt: Type.String(),
  until: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(),
});

export const MailSettings = Type.Object(
  { createLeads: Type.Union([Type.Literal('off'), Type.Literal('senders'), Type.Literal('all')]) },
  { additionalProperties: false },
);
