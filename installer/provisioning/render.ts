import type { TrunkKind, TrunkRenderContext, TrunkRendering } from '../../appliance/trunks/model.js';
import { renderSections as sectionsText } from '../../appliance/trunks/asterisk-conf.js';
import { findKind } from '../../appliance/trunks/kinds/index.js';
import { fill, type Templates } from './templates.js';
import type { ProvisioningModel } from './model.js';
import { renderOperators, renderTransports, transportName } from './render-pjsip.js';
import { CONTEXTS, LINE_GROUP, recordStep, renderDialplan } from './render-dialplan.js';
import { renderAri, renderHttp, renderManager, renderQueues, renderRtp } from './render-services.js';

/** One of our files and the main Asterisk file that includes it. */
export interface RenderedFile {
  name: string;
  main: string;
  /** Our file appends to the main file's `[general]` with `[general](+)`, so the main file must have one. */
  needsGeneral: boolean;
  content: string;
}

export const OUR_FILES: readonly { name: string; main: string; needsGeneral: boolean }[] = [
  { name: 'pjsip_contactbox.conf', main: 'pjsip.conf', needsGeneral: false },
  { name: 'extensions_contactbox.conf', main: 'extensions.conf', needsGeneral: false },
  { name: 'queues_contactbox.conf', main: 'queues.conf', needsGeneral: false },
  { name: 'manager_contactbox.conf', main: 'manager.conf', needsGeneral: true },
  { name: 'ari_contactbox.conf', main: 'ari.conf', needsGeneral: true },
  { name: 'http_contactbox.conf', main: 'http.conf', needsGeneral: true },
  { name: 'rtp_contactbox.conf', main: 'rtp.conf', needsGeneral: true },
];

export interface ResolvedCredentials {
  amiSecret: string;
  ariPassword: string;
}

/** The pjsip endpoints a model creates: what verification expects `PJSIPShowEndpoints` to list. */
export function expectedEndpoints(m: ProvisioningModel, kinds: readonly TrunkKind[]): string[] {
  const eps = m.operators.map((o) => o.endpoint);
  for (const t of m.trunks) eps.push(...kindOf(kinds, t.kind).endpoints(t.name, t.settings));
  return eps.sort();
}

function kindOf(kinds: readonly TrunkKind[], kind: string): TrunkKind {
  const k = findKind(kinds, kind);
  if (!k) throw new Error(`trunk kind ${kind} is not known to this version`);
  return k;
}

/** Pure: the same model, credentials and templates always give the same bytes. */
export function renderAsterisk(
  m: ProvisioningModel,
  creds: ResolvedCredentials,
  templates: Templates,
  kinds: readonly TrunkKind[],
): RenderedFile[] {
  const ctx: TrunkRenderContext = {
    transport: transportName,
    inboundContext: CONTEXTS.inbound,
    operatorsContext: CONTEXTS.operators,
    lineGroupCategory: LINE_GROUP,
    record: (prefix) => recordStep(m, prefix),
  };
  const trunks = [...m.trunks].sort((a, b) => a.name.localeCompare(b.name));
  const renderings: TrunkRendering[] = trunks.map((t) => kindOf(kinds, t.kind).render(t, ctx));
  const trunkSections = renderings.flatMap((r) => r.pjsip);

  const values: Record<string, Record<string, string>> = {
    'pjsip_contactbox.conf': {
      transports: renderTransports(m),
      operators: renderOperators(m),
      trunks: sectionsText(trunkSections),
    },
    'extensions_contactbox.conf': renderDialplan(m, renderings),
    'queues_contactbox.conf': { queues: renderQueues(m) },
    'manager_contactbox.conf': { manager: renderManager(m, creds.amiSecret) },
    'ari_contactbox.conf': { ari: renderAri(m, creds.ariPassword) },
    'http_contactbox.conf': { http: renderHttp(m) },
    'rtp_contactbox.conf': { rtp: renderRtp(m) },
  };
  return OUR_FILES.map((f) => {
    const template = templates[f.name];
    if (template === undefined) throw new Error(`no template for ${f.name}`);
    return { ...f, content: fill(template, values[f.name]!, f.name) };
  });
}
