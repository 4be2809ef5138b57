import type { AsteriskFacts, NodeFacts, OsFacts } from '../ports/system-facts.js';
import { unreadable } from './format.js';
import { asterisk as astReq, node as nodeReq, os as osReq } from './requirements.js';
import type { Outcome, Reading, Rule } from './types.js';

export function evaluateOs(facts: OsFacts): Outcome {
  const rel = facts.osRelease;
  const required = { id: 'debian', minVersion: osReq.minDebian, tested: `${osReq.testedDebian.from}-${osReq.testedDebian.to}` };
  const display = (m: string) => ({ measured: m, required: `Debian ≥ ${osReq.minDebian}` });
  if (!rel) {
    return { status: 'fail', measured: null, required, display: display('unknown'), message: `Neither /etc/os-release nor /usr/lib/os-release exists, so this system cannot be identified; contactbox needs Debian ${osReq.minDebian} or newer (Debian 12 recommended).` };
  }
  const id = rel.ID ?? 'unknown';
  const version = rel.VERSION_ID ?? null;
  const measured = { id, version, prettyName: rel.PRETTY_NAME ?? null, codename: rel.VERSION_CODENAME ?? null, glibc: facts.glibc, kernel: facts.kernel, arch: facts.arch };
  const name = rel.PRETTY_NAME ?? `${id} ${version ?? ''}`.trim();
  const out = (status: Outcome['status'], message: string): Outcome => ({ status, measured, required, display: display(name), message });
  if (id !== 'debian') {
    const derived = (rel.ID_LIKE ?? '').split(/\s+/).includes('debian');
    return out('fail', `${name} is not supported${derived ? ' (it derives from Debian but its packages, glibc and Asterisk differ)' : ''}: contactbox runs on Debian ${osReq.minDebian} or newer only. Install Debian 12 (or 13) on this server.`);
  }
  const major = version ? Number.parseInt(version, 10) : Number.NaN;
  if (Number.isNaN(major)) return out('warn', `${name} has no VERSION_ID (testing or unstable): not a released Debian; contactbox is tested on Debian ${osReq.testedDebian.from}–${osReq.testedDebian.to}.`);
  if (major < osReq.minDebian) {
    const glibc = facts.glibc ?? osReq.tooOld[major] ?? 'older';
    return out(
      'fail',
      `Debian ${version} (glibc ${glibc}) cannot host the contactbox appliance: its runtime and native modules need Debian ${osReq.minDebian} or newer (glibc ≥ 2.29). ` +
        `Supported with this server: hybrid — keep Asterisk here and install the appliance on a Debian 11, 12 or 13 server with telephony mode "remote" (AMI/ARI over the network to this Asterisk); or upgrade this server to Debian 12.`,
    );
  }
  if (major > osReq.testedDebian.to) return out('warn', `Debian ${version} is newer than the releases contactbox is tested on (${osReq.testedDebian.from}–${osReq.testedDebian.to}); it should work, but report anything that does not.`);
  return out('pass', `Debian ${version} (glibc ${facts.glibc ?? 'unknown'}) is supported.`);
}

export function parseNodeVersion(v: string): [number, number, number] {
  const [a, b, c] = v.replace(/^v/, '').split('.').map((x) => Number.parseInt(x, 10));
  return [a ?? 0, b ?? 0, c ?? 0];
}

export function evaluateNode(facts: NodeFacts, os: Reading<OsFacts>): Outcome {
  const [major, minor] = parseNodeVersion(facts.version);
  const [minMajor, minMinor] = nodeReq.min;
  const ok = major > minMajor || (major === minMajor && minor >= minMinor);
  const min = `${minMajor}.${minMinor}`;
  return {
    status: ok ? 'pass' : 'fail',
    measured: { version: facts.version, execPath: facts.execPath },
    required: { minVersion: min },
    display: { measured: `v${facts.version.replace(/^v/, '')}`, required: `≥ ${min}` },
    message: ok
      ? `Node ${facts.version} (${facts.execPath}) meets ≥ ${min}.`
      : `Node ${facts.version} is older than ${min}. Install the release package (it carries its own Node.js), or Node ${min} or newer (e.g. Node 20 or 22 from nodejs.org or NodeSource), and run check again.`,
  };
}

/** "Asterisk 20.5.2" → 20; "1:16.28.0~dfsg-0+deb11u3" → 16. */
export function asteriskMajor(version: string): number | null {
  const m = /(?:^|\s|:|\/)(\d+)\.\d+/.exec(version.replace(/^Asterisk\s+/i, ' '));
  return m ? Number(m[1]) : null;
}

export function evaluateAsterisk(facts: AsteriskFacts, os: Reading<OsFacts>): Outcome {
  const installed = facts.binaryVersion ?? facts.dpkgVersion;
  const measured = { installed: installed ?? null, dpkgVersion: facts.dpkgVersion, aptCandidate: facts.aptCandidate };
  const required = { minMajor: astReq.minMajor, sources: ['installed', 'apt', '--asterisk-debs DIR', 'remote (hybrid)'] };
  const alternatives = `Other ways: 'contactbox install --asterisk-debs DIR' (a folder of Asterisk .deb files), install Asterisk ≥ ${astReq.minMajor} yourself before installing contactbox (it is detected and used), or run hybrid with a remote Asterisk (AMI/ARI over the network).`;
  const judge = (version: string, how: string, display: string): Outcome => {
    const major = asteriskMajor(version);
    const base = { measured, required, display: { measured: display, required: `Asterisk ≥ ${astReq.minMajor}` } };
    if (major == null) return { ...base, status: 'warn', message: `${how} ${version}, whose version could not be read. ${alternatives}` };
    if (major < astReq.minMajor) return { ...base, status: 'warn', message: `${how} Asterisk ${version}: older than ${astReq.minMajor}, without the PJSIP and ARI contactbox uses, so it cannot be used. ${alternatives}` };
    if (major < astReq.recommendedMajor) return { ...base, status: 'warn', message: `${how} Asterisk ${version}: usable, but past its end of life; ${astReq.recommendedMajor} or newer is recommended.` };
    return { ...base, status: 'pass', message: `${how} Asterisk ${version}.` };
  };
  if (installed) return judge(installed, 'Installed:', installed);
  if (facts.aptCandidate) return judge(facts.aptCandidate, "Not installed; 'apt' offers", `apt candidate ${facts.aptCandidate}`);
  const rel = os.ok ? os.value.osRelease : null;
  const major = rel?.ID === 'debian' ? Number.parseInt(rel.VERSION_ID ?? '', 10) : Number.NaN;
  const why =
    major >= 12
      ? `Debian ${major}'s own archives have no Asterisk package.`
      : major === 11
        ? "The configured apt sources offer no Asterisk package (Debian 11's archive has Asterisk 16.28: run apt-get update, or check /etc/apt/sources.list)."
        : 'The configured apt sources offer no Asterisk package.';
  return {
    status: 'warn', measured, required, display: { measured: 'not installed, no apt candidate', required: `Asterisk ≥ ${astReq.minMajor}` },
    message: `Asterisk is not installed. ${why}${facts.aptError ? ` (${facts.aptError})` : ''} ${alternatives}`,
  };
}

export const osRule: Rule = { id: 'os', hardware: false, evaluate: (f) => (f.os.ok ? evaluateOs(f.os.value) : unreadable('OS', f.os.error)) };
export const nodeRule: Rule = { id: 'node', hardware: false, evaluate: (f) => (f.node.ok ? evaluateNode(f.node.value, f.os) : unreadable('Node', f.node.error)) };
export const asteriskRule: Rule = {
  id: 'asterisk',
  hardware: false,
  evaluate: (f) => (f.asterisk.ok ? evaluateAsterisk(f.asterisk.value, f.os) : { ...unreadable('Asterisk', f.asterisk.error), status: 'warn' }),
};
