import type { BenchFigure } from './run.js';
import { startDeskCardRig } from '../test/support/desk-card.js';

/**
 * Ringing → incoming-call card, over real calls: a real Asterisk configured by the product, sipp
 * as the GSM line and the operator's desk phone, the workspace in Chromium. Per call, from
 * Asterisk creating the phone's channel (seen by a second AMI login) to the card shown in the
 * page. The budget: p99 < 300 ms over 50 calls.
 */
const CALLS = Number(process.env.CARD_BENCH_CALLS ?? 50);

export default async function bench(): Promise<BenchFigure[]> {
  const rig = await startDeskCardRig();
  try {
    const samples = (await rig.ring(CALLS)).sort((a, b) => a - b);
    const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))]!;
    return [
      { name: `desk phone rings → incoming-call card in Chromium, median of ${CALLS} real calls`, value: pct(50), unit: 'ms' },
      { name: `desk phone rings → incoming-call card in Chromium, 99th percentile of ${CALLS}`, value: pct(99), unit: 'ms', target: { max: 300 } },
      { name: `desk phone rings → incoming-call card in Chromium, worst of ${CALLS}`, value: samples.at(-1)!, unit: 'ms' },
    ];
  } finally {
    await rig.close();
  }
}
