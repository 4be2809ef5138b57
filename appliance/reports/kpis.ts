import type { Language } from '../config.js';
import { reportText as translate } from './locales/index.js';

export type Unit = 'count' | 'percent' | 'seconds' | 'agents';

/** The KPI catalogue: one definition per KPI; its name and formula are in the locale files. */
export const KPIS: ReadonlyArray<{ id: string; unit: Unit }> = [
  { id: 'offered', unit: 'count' },
  { id: 'answered', unit: 'count' },
  { id: 'abandoned', unit: 'count' },
  { id: 'abandonedPreQueue', unit: 'count' },
  { id: 'shortAbandoned', unit: 'count' },
  { id: 'exited', unit: 'count' },
  { id: 'blocked', unit: 'count' },
  { id: 'answerRate', unit: 'percent' },
  { id: 'abandonRate', unit: 'percent' },
  { id: 'serviceLevel', unit: 'percent' },
  { id: 'serviceLevelOffered', unit: 'percent' },
  { id: 'serviceLevelAnswered', unit: 'percent' },
  { id: 'serviceLevelAbandonsPositive', unit: 'percent' },
  { id: 'asa', unit: 'seconds' },
  { id: 'avgWait', unit: 'seconds' },
  { id: 'maxWait', unit: 'seconds' },
  { id: 'waitHistogram', unit: 'count' },
  { id: 'avgTalk', unit: 'seconds' },
  { id: 'hold', unit: 'seconds' },
  { id: 'wrapUp', unit: 'seconds' },
  { id: 'aht', unit: 'seconds' },
  { id: 'transfers', unit: 'count' },
  { id: 'hungUpBy', unit: 'count' },
  { id: 'ringAttempts', unit: 'count' },
  { id: 'rona', unit: 'count' },
  { id: 'repeatCallers', unit: 'count' },
  { id: 'callbacks', unit: 'count' },
  { id: 'callbackDelay', unit: 'seconds' },
  { id: 'handled', unit: 'count' },
  { id: 'outbound', unit: 'count' },
  { id: 'loginTime', unit: 'seconds' },
  { id: 'pauseTime', unit: 'seconds' },
  { id: 'occupancy', unit: 'percent' },
  { id: 'utilisation', unit: 'percent' },
  { id: 'staffing', unit: 'agents' },
  { id: 'dialogs', unit: 'count' },
  { id: 'firstResponse', unit: 'seconds' },
  { id: 'firstResponseBusiness', unit: 'seconds' },
  { id: 'resolution', unit: 'seconds' },
  { id: 'resolutionBusiness', unit: 'seconds' },
  { id: 'responseRate', unit: 'percent' },
  { id: 'responseServiceLevel', unit: 'percent' },
];

export function catalogue(language: Language) {
  return KPIS.map((k) => ({
    id: k.id,
    name: translate(language, `reports.kpi.${k.id}.name`),
    formula: translate(language, `reports.kpi.${k.id}.formula`),
    unit: k.unit,
    unitName: translate(language, `reports.col.unit.${k.unit}`),
  }));
}

/** A report column: the field it shows and the KPI it links to (its definition). */
export interface Column {
  field: string;
  kpi: string | null;
  /** A label of its own (else the KPI's name). */
  label?: string;
}

export const QUEUE_COLUMNS: Column[] = [
  { field: 'queue', kpi: null, label: 'queue' },
  { field: 'offered', kpi: 'offered' },
  { field: 'answered', kpi: 'answered' },
  { field: 'abandoned', kpi: 'abandoned' },
  { field: 'shortAbandoned', kpi: 'shortAbandoned' },
  { field: 'exited', kpi: 'exited' },
  { field: 'answerRate', kpi: 'answerRate' },
  { field: 'abandonRate', kpi: 'abandonRate' },
  { field: 'serviceLevel', kpi: 'serviceLevel' },
  { field: 'asaSec', kpi: 'asa' },
  { field: 'avgWaitSec', kpi: 'avgWait' },
  { field: 'maxWaitSec', kpi: 'maxWait' },
  { field: 'avgTalkSec', kpi: 'avgTalk' },
  { field: 'holdSec', kpi: 'hold' },
  { field: 'wrapSec', kpi: 'wrapUp' },
  { field: 'ahtSec', kpi: 'aht' },
  { field: 'transfersIn', kpi: 'transfers', label: 'transfersIn' },
  { field: 'transfersOut', kpi: 'transfers', label: 'transfersOut' },
  { field: 'ringAttempts', kpi: 'ringAttempts' },
  { field: 'rona', kpi: 'rona' },
  { field: 'hungUpByCustomer', kpi: 'hungUpBy', label: 'hungUpByCustomer' },
  { field: 'hungUpByOperator', kpi: 'hungUpBy', label: 'hungUpByOperator' },
  { field: 'staffingAgents', kpi: 'staffing' },
];

export const AGENT_COLUMNS: Column[] = [
  { field: 'name', kpi: null, label: 'agent' },
  { field: 'handled', kpi: 'handled' },
  { field: 'outbound', kpi: 'outbound' },
  { field: 'talkSec', kpi: 'avgTalk', label: 'talkSec' },
  { field: 'holdSec', kpi: 'hold' },
  { field: 'wrapSec', kpi: 'wrapUp' },
  { field: 'ahtSec', kpi: 'aht' },
  { field: 'ringAttempts', kpi: 'ringAttempts' },
  { field: 'rona', kpi: 'rona' },
  { field: 'hungUp', kpi: 'hungUpBy', label: 'hungUpByOperator' },
  { field: 'transfers', kpi: 'transfers', label: 'transfersOut' },
  { field: 'loginSec', kpi: 'loginTime' },
  { field: 'availableSec', kpi: 'loginTime', label: 'availableTime' },
  { field: 'pauseSec', kpi: 'pauseTime' },
  { field: 'occupancy', kpi: 'occupancy' },
  { field: 'utilisation', kpi: 'utilisation' },
];

/** Mail and chat: first response and resolution (medians and P90). */
export const DIALOG_COLUMNS: Column[] = [
  { field: 'name', kpi: null, label: 'agent' },
  { field: 'channel', kpi: null, label: 'channel' },
  { field: 'dialogs', kpi: 'dialogs' },
  { field: 'responded', kpi: 'responseRate', label: 'responded' },
  { field: 'responseRate', kpi: 'responseRate' },
  { field: 'responseSl', kpi: 'responseServiceLevel' },
  { field: 'frtMedianSec', kpi: 'firstResponse', label: 'frtMedian' },
  { field: 'frtP90Sec', kpi: 'firstResponse', label: 'frtP90' },
  { field: 'frtBizMedianSec', kpi: 'firstResponseBusiness', label: 'frtBizMedian' },
  { field: 'frtBizP90Sec', kpi: 'firstResponseBusiness', label: 'frtBizP90' },
  { field: 'resolved', kpi: 'resolution', label: 'resolved' },
  { field: 'resolutionMedianSec', kpi: 'resolution', label: 'resMedian' },
  { field: 'resolutionP90Sec', kpi: 'resolution', label: 'resP90' },
  { field: 'resolutionBizMedianSec', kpi: 'resolutionBusiness', label: 'resBizMedian' },
  { field: 'resolutionBizP90Sec', kpi: 'resolutionBusiness', label: 'resBizP90' },
];

export const DIALOG_DRILL_COLUMNS: Column[] = [
  { field: 'channel', kpi: null, label: 'channel' },
  { field: 'dialogId', kpi: null, label: 'dialogId' },
  { field: 'startedAt', kpi: null, label: 'startedAt' },
  { field: 'agent', kpi: null, label: 'agent' },
  { field: 'frtSec', kpi: 'firstResponse', label: 'frtSec' },
  { field: 'frtBizSec', kpi: 'firstResponseBusiness', label: 'frtBizSec' },
  { field: 'resolutionSec', kpi: 'resolution', label: 'resolutionSec' },
  { field: 'resolutionBizSec', kpi: 'resolutionBusiness', label: 'resolutionBizSec' },
];

export const DRILL_COLUMNS: Column[] = [
  { field: 'callId', kpi: null, label: 'callId' },
  { field: 'startedAt', kpi: null, label: 'startedAt' },
  { field: 'queue', kpi: null, label: 'queue' },
  { field: 'from', kpi: null, label: 'from' },
  { field: 'to', kpi: null, label: 'to' },
  { field: 'outcome', kpi: null, label: 'outcome' },
  { field: 'operator', kpi: null, label: 'agent' },
  { field: 'waitSec', kpi: null, label: 'waitSec' },
  { field: 'talkSec', kpi: null, label: 'talkSec' },
];

export function columnLabel(language: Language, c: Column): string {
  return c.label ? translate(language, `reports.col.${c.label}`) : translate(language, `reports.kpi.${c.kpi}.name`);
}
