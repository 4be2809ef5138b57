import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckOptions, parseServer, run } from '../../installer/commands/check.js';
import type { Deps } from '../../installer/ports/index.js';
import { recordedFacts, type RecordedFacts } from '../../installer/ports/system-facts.js';
import { CliError } from '../../installer/result.js';

const base = { profile: 'production', dataDir: '/var/lib/contactbox', recordedMinutesPerDay: '1000', retentionDays: '365', sessions: '10', port: '443' };
const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/facts', `${name}.json`), 'utf8')) as RecordedFacts;
const deps = (name: string) => ({ facts: recordedFacts(fixture(name)) }) as unknown as Deps;

function usage(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(CliError);
    expect((err as CliError).exit).to.equal(2);
    return err as CliError;
  }
  throw new Error('expected a usage error');
}

describe('check options', () => {
  it('parses the defaults, and moves the data dir under --prefix', () => {
    const input = parseCheckOptions(base);
    expect(input).to.deep.include({ profile: 'production', dataDir: '/var/lib/contactbox', sessions: 10, httpsPort: 443, probeHost: 'ix.net.ua', bandwidthServer: null });
    expect(parseCheckOptions({ ...base, prefix: '/srv/cb' }).dataDir).to.equal('/srv/cb/var/lib/contactbox');
    expect(parseCheckOptions({ ...base, prefix: '/srv/cb', dataDir: '/data' }).dataDir).to.equal('/data');
  });

  it('rejects non-numeric, negative and out-of-range numbers, naming the flag', () => {
    expect(usage(() => parseCheckOptions({ ...base, recordedMinutesPerDay: '12.5' })).message).to.contain('--recorded-minutes-per-day');
    expect(usage(() => parseCheckOptions({ ...base, retentionDays: '-1' })).message).to.contain('--retention-days');
    expect(usage(() => parseCheckOptions({ ...base, sessions: '0' })).message).to.equal('--sessions must be between 1 and 100000, got 0.');
    expect(usage(() => parseCheckOptions({ ...base, port: 'https' })).message).to.contain('--port');
    expect(usage(() => parseCheckOptions({ ...base, probeHost: 'http://x/' })).message).to.contain('--probe-host');
  });

  it('parses --bandwidth-server HOST, HOST:PORT, [IPv6]:PORT and bare IPv6', () => {
    expect(parseServer('iperf.example.net')).to.deep.equal({ host: 'iperf.example.net', port: 5201 });
    expect(parseServer('10.0.0.5:5202')).to.deep.equal({ host: '10.0.0.5', port: 5202 });
    expect(parseServer('[2001:db8::1]:5203')).to.deep.equal({ host: '2001:db8::1', port: 5203 });
    expect(parseServer('2001:db8::1')).to.deep.equal({ host: '2001:db8::1', port: 5201 });
    expect(usage(() => parseServer('host:99999')).message).to.contain('--bandwidth-server port');
    expect(usage(() => parseServer('bad host')).message).to.contain('--bandwidth-server');
  });
});

describe('check command result', () => {
  it('exit 1 on a fail verdict, 0 on warn; JSON holds exactly verdict, profile and the five fields per check', async () => {
    const failed = await run({ ...base }, deps('vm-4gb'));
    expect(failed.exit).to.equal(1);
    expect(failed.data.verdict).to.equal('fail');
    for (const c of failed.data.checks) expect(Object.keys(c)).to.deep.equal(['id', 'status', 'measured', 'required', 'message']);
    const trial = await run({ ...base, profile: 'evaluation' }, deps('vm-4gb'));
    expect(trial.exit).to.equal(0);
    expect(trial.data).to.deep.include({ verdict: 'warn', profile: 'evaluation' });
    expect(trial.human).to.match(/^ram\s+WARN\s+3\.8 GiB\s+8 GB \(≥ 7\.5 GiB\)/m);
  });
});
