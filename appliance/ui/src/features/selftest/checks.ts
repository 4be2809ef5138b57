import type { I18n, MessageKey } from '../../i18n.js';
import { describeError } from '../../ui/errors.js';

export type Status = 'pass' | 'warn' | 'fail';
export interface Check {
  id: string;
  label: MessageKey;
  status: Status;
  text: string;
}

/**
 * The operator-PC requirements from the product FAQ: Windows 3–4 GB of RAM, Linux 2–4 GB,
 * macOS 2 GB or more, and Chrome with WebRTC.
 */
const MEMORY_NEED_GB: Record<string, number> = { Windows: 3, Linux: 2, macOS: 2, ChromeOS: 2 };
const MIN_CHROME = 100;
export const RESULT: Record<Status, MessageKey> = { pass: 'selftest.result.pass', warn: 'selftest.result.warn', fail: 'selftest.result.fail' };
const LATENCY_GOOD_MS = 150;
const LATENCY_BAD_MS = 400;

function osName(): string {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  const platform = nav.userAgentData?.platform || navigator.userAgent;
  if (/win/i.test(platform)) return 'Windows';
  if (/mac/i.test(platform)) return 'macOS';
  if (/cros|chrome ?os/i.test(platform)) return 'ChromeOS';
  return 'Linux';
}

function browser(): { name: string; version: number } {
  const ua = navigator.userAgent;
  for (const [name, re] of [['Edge', /Edg\/(\d+)/], ['Opera', /OPR\/(\d+)/], ['Chrome', /Chrom(?:e|ium)\/(\d+)/], ['Firefox', /Firefox\/(\d+)/], ['Safari', /Version\/(\d+).*Safari/]] as const) {
    const m = re.exec(ua);
    if (m) return { name, version: Number(m[1]) };
  }
  return { name: 'unknown', version: 0 };
}

async function microphone(i18n: I18n): Promise<Check> {
  const base = { id: 'microphone', label: 'selftest.microphone' as const };
  if (!navigator.mediaDevices?.getUserMedia) return { ...base, status: 'fail', text: i18n.t('selftest.microphone.fail', { reason: 'getUserMedia' }) };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    stream.getTracks().forEach((track) => track.stop());
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    return { ...base, status: inputs.length > 0 ? 'pass' : 'fail', text: i18n.t('selftest.microphone.ok', { count: inputs.length }) };
  } catch (err) {
    return { ...base, status: 'fail', text: i18n.t('selftest.microphone.fail', { reason: describeError(err, i18n.t.bind(i18n)) }) };
  }
}

async function latency(i18n: I18n): Promise<Check> {
  const base = { id: 'latency', label: 'selftest.latency' as const };
  const times: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await fetch(`/healthz?probe=${i}`, { cache: 'no-store' });
      await res.arrayBuffer();
      times.push(performance.now() - start);
    }
  } catch (err) {
    return { ...base, status: 'fail', text: i18n.t('selftest.latency.fail', { reason: describeError(err, i18n.t.bind(i18n)) }) };
  }
  times.sort((a, b) => a - b);
  const ms = Math.round(times[Math.floor(times.length / 2)]!);
  const status: Status = ms <= LATENCY_GOOD_MS ? 'pass' : ms <= LATENCY_BAD_MS ? 'warn' : 'fail';
  return { ...base, status, text: i18n.t('selftest.latency.value', { ms, count: times.length }) };
}

function memory(i18n: I18n): Check {
  const os = osName();
  const need = MEMORY_NEED_GB[os] ?? 2;
  // Chrome reports RAM rounded to a power of two (and capped), so a 3 GB PC reads as 2 or 4:
  // below the need but at its power of two is a warning, below that a failure.
  const gb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  if (gb === undefined) return { id: 'memory', label: 'selftest.memory', status: 'warn', text: i18n.t('selftest.memory.unknown', { os, need }) };
  const roundedNeed = 2 ** Math.floor(Math.log2(need));
  const status: Status = gb >= need ? 'pass' : gb >= roundedNeed ? 'warn' : 'fail';
  return { id: 'memory', label: 'selftest.memory', status, text: i18n.t('selftest.memory.value', { gb, os, need }) };
}

export async function runChecks(i18n: I18n): Promise<Check[]> {
  const b = browser();
  const chromeFamily = ['Chrome', 'Edge', 'Opera'].includes(b.name);
  const checks: Check[] = [
    {
      id: 'browser',
      label: 'selftest.browser',
      status: chromeFamily && b.version >= MIN_CHROME ? 'pass' : b.name === 'unknown' || b.version < MIN_CHROME / 2 ? 'fail' : 'warn',
      text: i18n.t(chromeFamily && b.version >= MIN_CHROME ? 'selftest.browser.ok' : 'selftest.browser.old', { name: b.name, version: b.version }),
    },
    {
      id: 'secure',
      label: 'selftest.secure',
      status: window.isSecureContext ? 'pass' : 'fail',
      text: i18n.t(window.isSecureContext ? 'selftest.secure.ok' : 'selftest.secure.fail'),
    },
    {
      id: 'webrtc',
      label: 'selftest.webrtc',
      status: typeof RTCPeerConnection === 'function' ? 'pass' : 'fail',
      text: i18n.t(typeof RTCPeerConnection === 'function' ? 'selftest.webrtc.ok' : 'selftest.webrtc.fail'),
    },
  ];
  checks.push(await microphone(i18n), await latency(i18n), memory(i18n));
  return checks;
}

