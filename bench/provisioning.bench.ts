import { trunkKinds } from '../appliance/trunks/kinds/index.js';
import type { TrunkDefinition } from '../appliance/trunks/model.js';
import { parseTrunk } from '../appliance/trunks/validation.js';
import { defaultModel } from '../installer/provisioning/model.js';
import { renderAsterisk } from '../installer/provisioning/render.js';
import { readTemplates } from '../installer/provisioning/templates.js';
import type { BenchFigure } from './run.js';

/**
 * Rendering a large centre's Asterisk configuration — 200 WebRTC operators, ten 32-channel GSM
 * gateways, four SIP providers, two 8-port analog gateways — as `contactbox trunk add` does
 * after every change. Baseline: serialising the same model as JSON in the same run.
 */
export default async function bench(): Promise<BenchFigure[]> {
  const trunks: TrunkDefinition[] = [];
  for (let g = 0; g < 10; g++) {
    const dids = Array.from({ length: 32 }, (_, c) => `3806700${String(g).padStart(2, '0')}${String(c).padStart(3, '0')}`);
    trunks.push(parseTrunk({ kind: 'gsm', name: `gsm${g}`, host: `192.0.2.${10 + g}`, channels: 32, secret: 'Gsm-Lines-Secret-7', dids, outbound: ['0'], priority: g }, trunks, trunkKinds));
  }
  for (let s = 0; s < 4; s++) {
    trunks.push(parseTrunk({ kind: 'sip', name: `sip${s}`, host: `sip${s}.provider.example`, username: `acct${s}`, secret: 'Provider-Secret-42', dids: [`38044100000${s}`, `080030000${s}`], outbound: ['0', '+'], priority: 50 + s }, trunks, trunkKinds));
  }
  for (let a = 0; a < 2; a++) {
    trunks.push(parseTrunk({ kind: 'analog', name: `fx${a}`, host: `192.0.2.${40 + a}`, auth: 'ip', ports: 8, dids: Array.from({ length: 8 }, (_, p) => `38044200${a}${String(p).padStart(3, '0')}`), outbound: [`8${a}:2`] }, trunks, trunkKinds));
  }
  const operators = Array.from({ length: 200 }, (_, i) => ({ endpoint: `cb-op-${i + 1}`, extension: String(1001 + i), name: `Operator ${i + 1}`, secret: 'Phone-Secret-xyzAB1', queues: ['support'] }));
  const model = defaultModel({ operators, trunks });
  const templates = readTemplates();
  const creds = { amiSecret: 'Ami-Secret-0123456789', ariPassword: 'Ari-Secret-0123456789' };

  const time = (fn: () => unknown, runs: number) => {
    fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) fn();
    return Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  };
  const renderMs = time(() => renderAsterisk(model, creds, templates, trunkKinds), 20);
  const jsonMs = time(() => JSON.stringify(model), 20);
  const bytes = renderAsterisk(model, creds, templates, trunkKinds).reduce((n, f) => n + f.content.length, 0);
  return [
    { name: `render ${operators.length} operators + ${trunks.length} trunks (${Math.round(bytes / 1024)} KiB of config)`, value: renderMs, unit: 'ms', baseline: { name: 'JSON.stringify of the model', value: jsonMs }, target: { max: 250 } },
  ];
}
