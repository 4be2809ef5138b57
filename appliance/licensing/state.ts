import type { LicensePayload, ModuleName } from './license-file.js';
import { MODULES } from './license-file.js';
import type { RejectionCode, Verification } from './verify.js';

/**
 * Evaluation terms, used when no licence is installed: 2 concurrent sessions, every module,
 * 1 chat site, for 30 days from the appliance's first start. After that no dialog can be
 * opened until a licence is activated; data stays and nothing else stops.
 */
export const EVALUATION = { sessions: 2, modules: [...MODULES] as ModuleName[], sites: 1, days: 30 } as const;

export type LicenseStatusWord = 'licensed' | 'evaluation' | 'evaluation-ended' | 'invalid';

export interface LicenseState {
  status: LicenseStatusWord;
  /** Why the installed licence is not in force (status 'invalid'). */
  reason: RejectionCode | null;
  detail: string | null;
  payload: LicensePayload | null;
  /** The limits in force now. */
  sessions: number;
  modules: ModuleName[];
  sites: number;
  fingerprintMatch: boolean | null;
  clockRolledBack: boolean;
  evaluationEndsAt: string | null;
}

export interface StateInput {
  /** The verification of the installed licence file, or null when there is none. */
  verification: Verification | null;
  /** The first time this installation was seen running (start of evaluation), or null if never. */
  firstSeen: Date | null;
  now: Date;
  clockRolledBack: boolean;
}

export function evaluationEnd(firstSeen: Date): Date {
  return new Date(firstSeen.getTime() + EVALUATION.days * 86_400_000);
}

/**
 * The limits in force. A valid licence gives its own; without one, the evaluation terms run
 * until 30 days after the first start (judged by the latest time seen, so a clock turned back
 * does not extend them). An installed licence that is refused falls back to the evaluation
 * terms while they still run, and to nothing afterwards — always with the reason shown.
 */
export function resolveState(input: StateInput): LicenseState {
  const v = input.verification;
  const endsAt = input.firstSeen ? evaluationEnd(input.firstSeen) : null;
  const evaluating = endsAt === null || input.now.getTime() < endsAt.getTime();
  const evalLimits = evaluating
    ? { sessions: EVALUATION.sessions, modules: [...EVALUATION.modules], sites: EVALUATION.sites }
    : { sessions: 0, modules: [] as ModuleName[], sites: 0 };
  const evaluationEndsAt = endsAt?.toISOString() ?? null;
  if (v?.ok) {
    return {
      status: 'licensed',
      reason: null,
      detail: null,
      payload: v.payload,
      sessions: v.payload.sessions,
      modules: [...v.payload.modules],
      sites: v.payload.sites,
      fingerprintMatch: true,
      clockRolledBack: v.clockRolledBack,
      evaluationEndsAt,
    };
  }
  if (v && !v.ok) {
    return {
      status: 'invalid',
      reason: v.code,
      detail: v.detail,
      payload: v.payload,
      ...evalLimits,
      fingerprintMatch: v.payload === null ? null : v.code !== 'LICENSE_WRONG_SERVER',
      clockRolledBack: input.clockRolledBack,
      evaluationEndsAt,
    };
  }
  return {
    status: evaluating ? 'evaluation' : 'evaluation-ended',
    reason: null,
    detail: evaluating ? null : `the ${EVALUATION.days}-day evaluation ended on ${evaluationEndsAt}`,
    payload: null,
    ...evalLimits,
    fingerprintMatch: null,
    clockRolledBack: input.clockRolledBack,
    evaluationEndsAt,
  };
}

/** What `license show` and the licence API report of a state, with the dialogs in use and the peak. */
export function licenseSummary(state: LicenseState, inUse: number, peak: number) {
  return {
    status: state.status,
    reason: state.reason,
    detail: state.detail,
    id: state.payload?.licenseId ?? null,
    customer: state.payload?.customer ?? null,
    sessions: state.sessions,
    modules: [...state.modules],
    sites: state.sites,
    expires: state.payload?.expiresAt ?? null,
    updatesUntil: state.payload?.updatesUntil ?? null,
    fingerprintMatch: state.fingerprintMatch,
    evaluationEndsAt: state.evaluationEndsAt,
    inUse,
    peak,
  };
}

export type LicenseSummary = ReturnType<typeof licenseSummary>;
