import { Type, type Static } from '@sinclair/typebox';
import { ErrorResponse } from '../core/route-policy.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

export const Disposition = Type.Union(
  ['answered', 'missed', 'abandoned', 'busy', 'failed', 'no_channel'].map((d) => Type.Literal(d)),
);

/** One call as the API shows it; this list is also what may leave the server. */
export const CallItem = Type.Object({
  id: Type.Integer(),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('internal')]),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  did: Nullable(Type.String()),
  trunk: Nullable(Type.String()),
  queue: Nullable(Type.String()),
  operatorId: NullableInt,
  startedAt: Type.String(),
  answeredAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  waitSec: Type.Integer(),
  talkSec: Type.Integer(),
  /** null while the call is in progress. */
  disposition: Type.Union([Disposition, Type.Null()]),
  contactId: NullableInt,
  recording: Type.Union([Type.Object({ id: Type.Integer(), bytes: Type.Integer(), durationSec: Type.Number() }), Type.Null()]),
});
export type CallItem = Static<typeof CallItem>;

export const CallLeg = Type.Object({
  channel: Type.String(),
  endpoint: Type.String(),
  role: Type.Union([Type.Literal('operator'), Type.Literal('external')]),
  operatorId: NullableInt,
  createdAt: Type.String(),
  upAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  cause: NullableInt,
  held: Type.Boolean(),
  transferredTo: Nullable(Type.String()),
});

export const CallDetail = Type.Intersect([
  CallItem,
  Type.Object({ held: Type.Boolean(), transferred: Type.Boolean(), reconciled: Type.Boolean(), legs: Type.Array(CallLeg) }),
]);

export const ListQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const ClickToCallBody = Type.Union([
  Type.Object({ contactId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ number: Type.String({ minLength: 2, maxLength: 32 }) }, { additionalProperties: false }),
]);

export const ClickToCallReply = Type.Object({
  /** Asterisk's Uniqueid/Linkedid of the call about to start; live events carry it too. */
  callRef: Type.String(),
  status: Type.Literal('ringing_operator'),
});

/** A colleague's or queue's number (`exten`), an outside number (`exten`, not for interns) or a contact (`contactId`). */
export const TransferBody = Type.Union([
  Type.Object({ exten: Type.String({ pattern: '^[0-9*#+]{1,32}$' }) }, { additionalProperties: false }),
  Type.Object({ contactId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
]);

export const QueueActionBody = Type.Object(
  {
    action: Type.Union([Type.Literal('login'), Type.Literal('logout'), Type.Literal('pause'), Type.Literal('unpause')]),
    queue: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    reason: Type.Optional(Type.String({ maxLength: 80, pattern: '^[^\\r\\n]*$' })),
  },
  { additionalProperties: false },
);

export const EndpointParams = Type.Object({ userId: Type.Integer({ minimum: 1 }) });
export const EndpointBody = Type.Object(
  { endpoint: Type.Union([Type.String({ pattern: '^(PJSIP|SIP|IAX2|DAHDI|Local)/[A-Za-z0-9_.@-]{1,64}$' }), Type.Null()]) },
  { additionalProperties: false },
);
export const EndpointList = Type.Object({ items: Type.Array(Type.Object({ userId: Type.Integer(), endpoint: Type.String() })) });

export const Ok = Type.Object({ ok: Type.Literal(true) });
export const Errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 502: ErrorResponse, 503: ErrorResponse };
