import { Type } from '@sinclair/typebox';
import { AS_OF_PATTERN, MAX_POLICY_DAYS } from './policies.js';
import { HOLD_SCOPES } from './types.js';

// One type list rather than a union: with coercion on, a union would turn 0 into null (forever).
export const Days = Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1, maximum: MAX_POLICY_DAYS, description: 'days, or null to keep forever' });
export const AsOf = Type.String({ pattern: AS_OF_PATTERN, description: 'YYYY-MM-DD (midnight UTC) or an ISO date-time' });
export const ClassName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$' });

export const Policy = Type.Object({
  class: Type.String(),
  days: Days,
  registered: Type.Boolean(),
  describe: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.Integer(), Type.Null()]),
});
export const PoliciesResponse = Type.Object({ policies: Type.Array(Policy) });

export const PolicyParams = Type.Object({ class: ClassName });
export const PolicyBody = Type.Object({ days: Days }, { additionalProperties: false });
export const PolicyQuery = Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const PreviewLine = Type.Object({
  class: Type.String(),
  policyDays: Days,
  currentPolicyDays: Days,
  registered: Type.Boolean(),
  items: Type.Integer(),
  bytes: Type.Integer(),
});
export const PreviewResponse = Type.Object({ asOf: Type.String(), classes: Type.Array(PreviewLine) });
export const PutPolicyResponse = Type.Object({ saved: Type.Boolean(), asOf: Type.String(), preview: PreviewLine });
export const PreviewBody = Type.Object(
  {
    asOf: Type.Optional(AsOf),
    /** With `class` and `days`: what that policy would delete; without: what a run would delete now (or as of `asOf`). */
    class: Type.Optional(ClassName),
    days: Type.Optional(Days),
  },
  { additionalProperties: false },
);

const DiskFacts = Type.Object({ totalBytes: Type.Number(), freeBytes: Type.Number(), usedBytes: Type.Number(), usedPercent: Type.Number() });
export const ForecastResponse = Type.Object({
  asOf: Type.String(),
  disk: DiskFacts,
  classes: Type.Array(
    Type.Object({
      class: Type.String(),
      policyDays: Days,
      registered: Type.Boolean(),
      items: Type.Integer(),
      bytes: Type.Number(),
      oldest: Type.Union([Type.String(), Type.Null()]),
      dailyGrowthBytes: Type.Number(),
      growthSource: Type.String(),
      neededBytes: Type.Number(),
    }),
  ),
  dataBytes: Type.Number(),
  neededBytes: Type.Number(),
  projectedUsedPercent: Type.Number(),
  fillsOn: Type.Union([Type.String(), Type.Null()]),
  level: Type.String(),
  warnings: Type.Array(Type.String()),
});

export const JournalQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
export const JournalResponse = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.Integer(),
      runId: Type.String(),
      class: Type.String(),
      policyDays: Type.Integer(),
      asOf: Type.String(),
      cutoff: Type.String(),
      trigger: Type.String(),
      actor: Type.String(),
      status: Type.String(),
      items: Type.Integer(),
      bytes: Type.Integer(),
      startedAt: Type.String(),
      finishedAt: Type.Union([Type.String(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const HoldScope = Type.Union(HOLD_SCOPES.map((s) => Type.Literal(s)));
export const Hold = Type.Object({
  id: Type.Integer(),
  scope: Type.String(),
  targetId: Type.String(),
  reason: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  releasedAt: Type.Union([Type.String(), Type.Null()]),
  releasedBy: Type.Union([Type.Integer(), Type.Null()]),
});
export const HoldBody = Type.Object(
  {
    scope: HoldScope,
    targetId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:@-]+$' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export const HoldParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const HoldsQuery = Type.Object({ all: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
export const HoldsResponse = Type.Object({ holds: Type.Array(Hold) });
