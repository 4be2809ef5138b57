import { readFileSync } from 'node:fs';

/**
 * A recorded AMI stream (`*.raw` + `*.raw.timing` from the traces) cut into the messages the
 * stand-in replays. Responses to the recording client's own actions are left out (the stand-in
 * answers the actions its real client sends); broadcast events, OriginateResponse included,
 * are kept with their offsets from the moment the login was accepted.
 */
export interface ScenarioMessage {
  /** Seconds after the login was accepted. */
  t: number;
  /** The message exactly as recorded, `\r\n\r\n` included. */
  text: string;
  fields: Record<string, string>;
}

export interface AmiScenario {
  name: string;
  banner: string;
  messages: ScenarioMessage[];
  /** Every message as recorded, responses included, for tests that look at the wire itself. */
  all: ScenarioMessage[];
}

export function parseFields(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out[line.slice(0, i)] ??= line.slice(i + 2);
    else if (line.endsWith(':')) out[line.slice(0, -1)] ??= '';
  }
  return out;
}

export function loadAmiScenario(rawFile: string): AmiScenario {
  const raw = readFileSync(rawFile, 'latin1');
  const timing = readFileSync(`${rawFile}.timing`, 'utf8').split('\n').filter((l) => /^\d/.test(l));
  const bannerEnd = raw.indexOf('\r\n');
  const banner = raw.slice(0, bannerEnd);
  const blocks = raw.slice(bannerEnd + 2).split('\r\n\r\n').filter((b) => b.length > 0);
  const times = timing.slice(1).map((l) => Number(l.split(' ')[0]));
  if (times.length < blocks.length) throw new Error(`${rawFile}: ${blocks.length} messages but ${times.length} timings`);
  const all = blocks.map((b, i) => ({ t: times[i]!, text: `${b}\r\n\r\n`, fields: parseFields(b) }));
  const login = all.find((m) => m.fields.Response && m.fields.ActionID?.startsWith('login'));
  const t0 = login ? login.t : 0;
  const messages: ScenarioMessage[] = [];
  let afterLogin = false;
  for (const m of all) {
    if (m === login) {
      afterLogin = true;
      continue;
    }
    if (!afterLogin) continue;
    const f = m.fields;
    if (f.Response) continue;
    if (f.Event === 'FullyBooted' || f.Event === 'SuccessfulAuth') continue;
    if (f.ActionID && f.Event !== 'OriginateResponse') continue;
    messages.push({ ...m, t: Math.max(0, m.t - t0) });
  }
  return { name: rawFile.replace(/^.*\//, '').replace(/\.raw$/, ''), banner, messages, all };
}

export interface AriFrame {
  t: number;
  text: string;
}

/** `ws-events-*.jsonl` + `.timing`: the ARI events WebSocket, one text frame per line. */
export function loadAriScenario(jsonlFile: string): AriFrame[] {
  const lines = readFileSync(jsonlFile, 'utf8').split('\n').filter((l) => l.length > 0);
  const times = readFileSync(`${jsonlFile}.timing`, 'utf8').split('\n').filter((l) => /^\d/.test(l)).map((l) => Number(l.split(' ')[0]));
  const t0 = times[0] ?? 0;
  return lines.map((text, i) => ({ t: Math.max(0, (times[i] ?? t0) - t0), text }));
}

/**
 * The traces were taken with the lab's dialplan, whose MixMonitor runs straight from the
 * dialplan (seen only as Newexten, class `dialplan`). The product's dialplan records through its
 * `cb-record` subroutine, which also sends `UserEvent: CBRecording` (class `user`) naming the
 * file — what the provisioned AMI user actually receives. This adds that UserEvent after each
 * recorded MixMonitor, with the same channel fields, as the product's dialplan would on Asterisk.
 */
export function withRecordingUserEvents(scenario: AmiScenario): AmiScenario {
  const messages: ScenarioMessage[] = [];
  for (const m of scenario.messages) {
    messages.push(m);
    const f = m.fields;
    if (f.Event !== 'Newexten' || f.Application !== 'MixMonitor') continue;
    const file = (f.AppData ?? '').split(',')[0]!.trim();
    const keep = ['Channel', 'ChannelState', 'ChannelStateDesc', 'CallerIDNum', 'CallerIDName', 'ConnectedLineNum', 'ConnectedLineName', 'Language', 'AccountCode', 'Context', 'Exten', 'Priority', 'Uniqueid', 'Linkedid'];
    const lines = ['Event: UserEvent', 'Privilege: user,all', ...keep.filter((k) => f[k] !== undefined).map((k) => `${k}: ${f[k]}`), 'UserEvent: CBRecording', `File: ${file}`];
    const text = `${lines.join('\r\n')}\r\n\r\n`;
    messages.push({ t: m.t, text, fields: parseFields(text.trimEnd()) });
  }
  return { ...scenario, messages };
}
