import { Type } from '@sinclair/typebox';
import { ErrorResponse } from '../core/route-policy.js';
import { SiteSettings, SiteSettingsPatch } from './settings.js';

export const Errors = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

const Origins = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 50 });

export const SiteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    origins: Origins,
    teamId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    adminIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 })),
    settings: Type.Optional(SiteSettingsPatch),
  },
  { additionalProperties: false },
);

export const SitePatch = Type.Partial(SiteBody, { additionalProperties: false });

export const SiteView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  publicKey: Type.String(),
  origins: Type.Array(Type.Object({ origin: Type.String(), registrableDomain: Type.String() })),
  /** The registrable domain of the first origin (what the licence counts it under). */
  registrableDomain: Type.String(),
  registrableDomains: Type.Array(Type.String()),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  adminIds: Type.Array(Type.Integer()),
  settings: SiteSettings,
  snippet: Type.String(),
  widgetUrl: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** Only when created or the secret rotated: the HMAC key for verified identity. Shown once. */
  secret: Type.Optional(Type.String()),
});

export const SitesList = Type.Object({
  items: Type.Array(SiteView),
  /** Registrable domains in use, and the licence's limit on them. */
  usage: Type.Object({ domains: Type.Array(Type.String()), limit: Type.Union([Type.Integer(), Type.Null()]) }),
});

export const ChatState = Type.Union([Type.Literal('waiting'), Type.Literal('active'), Type.Literal('closed')]);

export const ChatsQuery = Type.Object(
  {
    state: Type.Optional(ChatState),
    siteId: Type.Optional(Type.Integer({ minimum: 1 })),
    mine: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

const Visitor = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  verified: Type.Boolean(),
  consent: Type.Boolean(),
});

export const ChatView = Type.Object({
  id: Type.Integer(),
  siteId: Type.Integer(),
  siteName: Type.String(),
  state: ChatState,
  mode: Type.Union([Type.Literal('live'), Type.Literal('message')]),
  operatorId: Type.Union([Type.Integer(), Type.Null()]),
  operatorName: Type.Union([Type.String(), Type.Null()]),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  language: Type.String(),
  contactId: Type.Union([Type.Integer(), Type.Null()]),
  visitor: Visitor,
  pageUrl: Type.Union([Type.String(), Type.Null()]),
  /** Place in the site's queue of waiting live chats (0 when not waiting). */
  position: Type.Integer(),
  /** Whether this viewer may answer a left message by e-mail (the site's mailbox is one they may write from). */
  canReplyByEmail: Type.Boolean(),
  lastSeq: Type.Integer(),
  visitorReadSeq: Type.Integer(),
  operatorReadSeq: Type.Integer(),
  rating: Type.Union([Type.Integer(), Type.Null()]),
  ratingComment: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  acceptedAt: Type.Union([Type.String(), Type.Null()]),
  firstResponseAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});

export const ChatMessage = Type.Object({
  conversationId: Type.Integer(),
  seq: Type.Integer(),
  author: Type.Union([Type.Literal('visitor'), Type.Literal('operator'), Type.Literal('system'), Type.Literal('note')]),
  operatorId: Type.Union([Type.Integer(), Type.Null()]),
  operatorName: Type.Union([Type.String(), Type.Null()]),
  clientId: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  file: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), bytes: Type.Integer() }), Type.Null()]),
  at: Type.String(),
});

export const MessagesQuery = Type.Object({ after: Type.Integer({ minimum: 0, default: 0 }), limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }) }, { additionalProperties: false });

export const SendBody = Type.Object(
  {
    text: Type.String({ maxLength: 20_000 }),
    /** The sender's own id for this message: sending again with the same id stores it once. */
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** An internal note: colleagues see it, the visitor never does. */
    note: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TextBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false });
export const TypingBody = Type.Object({ on: Type.Boolean() }, { additionalProperties: false });
export const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export const TransferBody = Type.Object(
  { operatorId: Type.Optional(Type.Integer({ minimum: 1 })), teamId: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export const FileParams = Type.Object({ id: Type.Integer({ minimum: 1 }), fileId: Type.String({ pattern: '^[0-9a-f]{64}$' }) }, { additionalProperties: false });
export const FileQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });
export const CannedQuery = Type.Object({ siteId: Type.Integer({ minimum: 1 }), language: Type.Optional(Type.String({ maxLength: 5 })) }, { additionalProperties: false });
export const CannedList = Type.Object({ items: Type.Array(Type.Object({ language: Type.Union([Type.String(), Type.Null()]), title: Type.String(), text: Type.String() })) });

export const TransferTargets = Type.Object({
  operators: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), online: Type.Boolean() })),
  teams: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
});
