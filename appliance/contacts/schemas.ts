import { Type, type Static } from '@sinclair/typebox';
import { ErrorResponse } from '../core/route-policy.js';

export { ErrorResponse };

const Kind = Type.Union([Type.Literal('person'), Type.Literal('company')]);
const Status = Type.Union([Type.Literal('lead'), Type.Literal('client')]);
// Bounds are on the wire so a 1 MB name is refused before any code sees it.
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Phones = Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 });
const Emails = Type.Array(Type.String({ maxLength: 254 }), { maxItems: 20 });
const Tags = Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const CreateContactBody = Type.Object(
  {
    name: Name,
    kind: Type.Optional(Kind),
    phones: Type.Optional(Phones),
    emails: Type.Optional(Emails),
    tags: Type.Optional(Tags),
    status: Type.Optional(Status),
    ownerId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateContactBody = Static<typeof CreateContactBody>;

export const PatchContactBody = Type.Partial(CreateContactBody, { additionalProperties: false, minProperties: 1 });
export type PatchContactBody = Static<typeof PatchContactBody>;

/** What leaves the server about a contact; phones and e-mails already passed through the viewer's masker. */
export const ContactView = Type.Object({
  id: Type.Integer(),
  kind: Kind,
  name: Type.String(),
  status: Status,
  ownerId: Type.Union([Type.Integer(), Type.Null()]),
  phones: Type.Array(Type.String()),
  emails: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  /** True when phones and e-mails are masked for this viewer. */
  masked: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    tag: Type.Optional(Type.String({ maxLength: 50 })),
    /** Only contacts this user owns (`me`: the caller). */
    owner: Type.Optional(Type.Union([Type.Literal('me'), Type.Integer({ minimum: 1 })])),
    status: Type.Optional(Type.Union([Type.Literal('lead'), Type.Literal('client')])),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    /** `nextCursor` of the previous page: the next page of the same search. */
    cursor: Type.Optional(Type.String({ maxLength: 600, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

/** Best matches first (exact values, name-word prefixes, fragments); `nextCursor` is null on the last page. */
export const ContactList = Type.Object({ items: Type.Array(ContactView), nextCursor: Type.Optional(Type.Union([Type.String(), Type.Null()])) });

export const MergeBody = Type.Object({ otherId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const NoteBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false });

export const NoteItem = Type.Object({
  type: Type.Literal('note'),
  at: Type.String(),
  id: Type.Integer(),
  contactId: Type.Integer(),
  authorId: Type.Union([Type.Integer(), Type.Null()]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
});

export const TimelineQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    before: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** Items of every source: `type` and `at` always; the rest is each source's (already masked) fields. */
export const TimelineResponse = Type.Object({
  items: Type.Array(Type.Object({ type: Type.String(), at: Type.String() }, { additionalProperties: true })),
  nextBefore: Type.Union([Type.String(), Type.Null()]),
});

export const ImportResult = Type.Object({
  created: Type.Integer(),
  ids: Type.Array(Type.Integer()),
  /** True when this answers a repeat of an import already done (same key, same file): nothing new was stored. */
  replayed: Type.Boolean(),
});

export const ImportProgressQuery = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' }) },
  { additionalProperties: false },
);

export const ImportProgressView = Type.Object({
  key: Type.String(),
  /** checking → storing → done; refused when any row was wrong (nothing stored). */
  phase: Type.Union([Type.Literal('checking'), Type.Literal('storing'), Type.Literal('done'), Type.Literal('refused')]),
  rows: Type.Integer(),
  checked: Type.Integer(),
  stored: Type.Integer(),
});

export const ImportErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }),
  rows: Type.Optional(
    Type.Array(Type.Object({ line: Type.Integer(), code: Type.String(), message: Type.String() })),
  ),
});
