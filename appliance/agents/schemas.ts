import { Type } from '@sinclair/typebox';
import { ErrorResponse } from '../core/route-policy.js';

export const Errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const QueueName = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'a queue name: letters, digits, . _ -' });
export const StateName = Type.Union(['offline', 'available', 'paused', 'wrapup'].map((s) => Type.Literal(s)));

export const AgentView = Type.Object({
  userId: Type.Integer(),
  state: StateName,
  reason: Nullable(Type.String()),
  queue: Nullable(Type.String()),
  since: Type.String(),
  queues: Type.Array(Type.String()),
  wrapupUntil: Nullable(Type.String()),
  dialog: Type.Union([Type.Object({ callId: Type.Integer(), direction: Type.String(), queue: Nullable(Type.String()), since: Type.String() }), Type.Null()]),
  chats: Type.Array(Type.Object({ conversationId: Type.Integer(), since: Type.String() })),
});

export const AgentListItem = Type.Composite([AgentView, Type.Object({ name: Type.String(), role: Nullable(Type.String()) })]);

export const LoginBody = Type.Object({ queues: Type.Array(QueueName, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false });
export const StateBody = Type.Object(
  {
    state: Type.Union([Type.Literal('available'), Type.Literal('paused')]),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const QueueParams = Type.Object({ queue: QueueName });
export const ReasonBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 60, pattern: '^[^\\x00-\\x1f]+$' }) }, { additionalProperties: false });
export const PauseReason = Type.Object({ id: Type.Integer(), name: Type.String(), active: Type.Boolean() });
export const QueueSetting = Type.Object({ queue: Type.String(), wrapupSec: Type.Integer() });
export const QueueBody = Type.Object({ wrapupSec: Type.Integer({ minimum: 0, maximum: 3600 }) }, { additionalProperties: false });
export const TimelineQuery = Type.Object(
  { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
export const TimelineEntry = Type.Object({
  state: Type.String(),
  reason: Nullable(Type.String()),
  queue: Nullable(Type.String()),
  startedAt: Type.String(),
  endedAt: Nullable(Type.String()),
});
export const Ok = Type.Object({ ok: Type.Literal(true) });
