import { Type, type Static } from '@sinclair/typebox';

/** What an admin sets for reports and the wallboard (stored as one JSON value). */
export const SettingsBody = Type.Object(
  {
    shortAbandonSec: Type.Integer({ minimum: 0, maximum: 120 }),
    /** Service-level threshold per channel, and per queue where a queue differs. */
    serviceLevelSec: Type.Object(
      { call: Type.Integer({ minimum: 1, maximum: 3600 }), chat: Type.Integer({ minimum: 1, maximum: 86400 }), mail: Type.Integer({ minimum: 1, maximum: 7 * 86400 }) },
      { additionalProperties: false },
    ),
    queueServiceLevelSec: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Type.Integer({ minimum: 1, maximum: 3600 })),
    /** Target service level (percent) the Erlang C suggestion staffs for. */
    targetServiceLevel: Type.Integer({ minimum: 1, maximum: 99 }),
    repeatWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 90 }),
    /**
     * Opening hours: mail and chat response and resolution times are also reported counting only
     * these hours (null: around the clock). Applied when a dialog is answered or resolved.
     */
    businessHours: Type.Optional(
      Type.Union([
        Type.Object(
          {
            timeZone: Type.String({ minLength: 1, maxLength: 64 }),
            days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true }),
            start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
            end: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
    callbackWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 30 }),
    /** Wallboard tiles turn amber, then red, past these. */
    wallboard: Type.Object(
      {
        waitingAmber: Type.Integer({ minimum: 0 }),
        waitingRed: Type.Integer({ minimum: 0 }),
        longestWaitAmberSec: Type.Integer({ minimum: 0 }),
        longestWaitRedSec: Type.Integer({ minimum: 0 }),
        serviceLevelAmber: Type.Integer({ minimum: 0, maximum: 100 }),
        serviceLevelRed: Type.Integer({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type SettingsValues = Static<typeof SettingsBody>;

export interface ReportSettings extends SettingsValues {
  serviceLevelSecFor(queue: string | null, channel: 'call' | 'chat' | 'mail'): number;
}

export const DEFAULT_SETTINGS: SettingsValues = {
  shortAbandonSec: 5,
  serviceLevelSec: { call: 20, chat: 60, mail: 4 * 3600 },
  queueServiceLevelSec: {},
  targetServiceLevel: 80,
  repeatWindowHours: 7 * 24,
  callbackWindowHours: 24,
  businessHours: { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
  wallboard: { waitingAmber: 3, waitingRed: 6, longestWaitAmberSec: 30, longestWaitRedSec: 60, serviceLevelAmber: 80, serviceLevelRed: 60 },
};

export function withLookups(values: SettingsValues): ReportSettings {
  return {
    ...values,
    serviceLevelSecFor: (queue, channel) => (queue !== null && values.queueServiceLevelSec[queue]) || values.serviceLevelSec[channel],
  };
}

export function defaultSettings(): ReportSettings {
  return withLookups(DEFAULT_SETTINGS);
}
