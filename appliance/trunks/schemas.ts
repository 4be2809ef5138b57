import { Type, type Static } from '@sinclair/typebox';

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const TrunkViewSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  label: Type.String(),
  endpoints: Type.Array(Type.String()),
  dids: Type.Array(Type.Object({ did: Type.String(), target: Type.String(), channel: Type.Union([Type.Integer(), Type.Null()]) })),
  outbound: Type.Array(Type.Object({ prefix: Type.String(), strip: Type.Integer(), prepend: Type.String(), priority: Type.Integer() })),
  /** The kind's public settings (never a secret: `hasSecret` says whether one is set). */
  settings: Type.Record(Type.String(), Scalar),
  createdAt: Type.String(),
});

export const TrunkCreated = Type.Object({
  trunk: TrunkViewSchema,
  /** `pending`: stored; Asterisk gets it at the next `contactbox trunk apply` (or install). */
  asterisk: Type.Object({ status: Type.String(), detail: Type.String() }),
});

export const TrunkList = Type.Object({
  items: Type.Array(TrunkViewSchema),
  kinds: Type.Array(Type.Object({ kind: Type.String(), label: Type.String() })),
});

export const TrunkIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type TrunkIdParams = Static<typeof TrunkIdParams>;

export const TrunkSelector = Type.Object({ id: Type.Optional(Type.Integer({ minimum: 1 })), name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });
export type TrunkSelector = Static<typeof TrunkSelector>;

const Text = (max: number) => Type.String({ maxLength: max });
const TextList = Type.Union([Type.String({ maxLength: 4000 }), Type.Array(Type.Union([Type.String({ maxLength: 200 }), Type.Object({}, { additionalProperties: true })]), { maxItems: 200 })]);

/**
 * The common fields are typed here; each kind checks its own (channels, ports…) and names
 * the field it rejects, so a kind added later needs no change to this schema.
 */
export const TrunkBody = Type.Object(
  {
    kind: Text(32),
    name: Text(64),
    host: Type.Optional(Text(253)),
    port: Type.Optional(Type.Union([Type.Integer(), Text(5)])),
    transport: Type.Optional(Text(8)),
    auth: Type.Optional(Text(16)),
    username: Type.Optional(Text(64)),
    secret: Type.Optional(Text(128)),
    dids: Type.Optional(TextList),
    channels: Type.Optional(Type.Union([Type.Integer(), Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 200 })])),
    codecs: Type.Optional(TextList),
    inboundTarget: Type.Optional(Text(64)),
    outbound: Type.Optional(TextList),
    priority: Type.Optional(Type.Integer()),
    dialTimeoutSec: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true, maxProperties: 40 },
);

/** An edit: the same fields as an add; `kind` may be left out (it cannot change), a secret left out is kept. */
export const TrunkUpdateBody = Type.Object({ ...TrunkBody.properties, kind: Type.Optional(Text(32)), name: Type.Optional(Text(64)) }, { additionalProperties: true, maxProperties: 40 });

export const AsteriskState = Type.Object({
  /** `applied`, `pending` (waits for `contactbox trunk apply`), `refused` (Asterisk did not take it; its previous files are back). */
  status: Type.String(),
  detail: Type.String(),
  at: Type.String(),
});

export const AsteriskStateResponse = Type.Object({
  /** Changes reach Asterisk from the console (live apply). */
  live: Type.Boolean(),
  last: Type.Union([AsteriskState, Type.Null()]),
});

const Strategy = Type.Union(['ringall', 'leastrecent', 'fewestcalls', 'rrmemory', 'linear', 'random'].map((v) => Type.Literal(v)));
/** What an admin sets on a queue; ranges follow what Asterisk accepts and what callers bear. */
const QueueFields = {
  strategy: Strategy,
  ringTimeoutSec: Type.Integer({ minimum: 5, maximum: 300 }),
  retrySec: Type.Integer({ minimum: 0, maximum: 60 }),
  wrapupSec: Type.Integer({ minimum: 0, maximum: 600 }),
  maxWaitSec: Type.Integer({ minimum: 10, maximum: 3600 }),
  everyOperator: Type.Boolean(),
  /** People who are members of this queue themselves (user ids, each with a phone). */
  memberIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000, uniqueItems: true }),
};
export const QueueUpdateBody = Type.Partial(Type.Object(QueueFields), { additionalProperties: false, minProperties: 1 });
export const QueueCreateBody = Type.Object(
  { name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'lower-case letters, digits, - and _' }), ...Object.fromEntries(Object.entries(QueueFields).map(([k, v]) => [k, Type.Optional(v)])) },
  { additionalProperties: false },
);
export const QueueNameParams = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }) });
export const QueueViewSchema = Type.Object({
  name: Type.String(),
  strategy: Type.String(),
  ringTimeoutSec: Type.Integer(),
  retrySec: Type.Integer(),
  wrapupSec: Type.Integer(),
  maxWaitSec: Type.Integer(),
  extension: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  greeting: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  everyOperator: Type.Boolean(),
  memberIds: Type.Array(Type.Integer()),
});
export const QueueList = Type.Object({ items: Type.Array(QueueViewSchema) });
export const QueueChanged = Type.Object({ queue: QueueViewSchema, asterisk: Type.Object({ status: Type.String(), detail: Type.String() }) });
