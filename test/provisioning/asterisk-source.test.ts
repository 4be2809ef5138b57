import { expect } from 'chai';
import type { AsteriskHostPort } from '../../installer/ports/asterisk.js';
import { aptCandidate, ensureAsterisk, AsteriskSourceError } from '../../installer/provisioning/asterisk-source.js';

/** `apt-cache policy asterisk` on Debian 12 without a repository that has Asterisk. */
const POLICY_NONE = 'asterisk:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n';
const POLICY_VENDOR = 'asterisk:\n  Installed: (none)\n  Candidate: 1:22.10.1~dfsg-1\n  Version table:\n     1:22.10.1~dfsg-1 500\n';

function fakeHost(state: { version?: string | null; policy?: string; debs?: string[] | null; installOk?: boolean }) {
  const calls: string[] = [];
  let version = state.version ?? null;
  const port: AsteriskHostPort = {
    async installedVersion() {
      calls.push('asterisk -V');
      return version;
    },
    async aptPolicy() {
      calls.push('apt-cache policy asterisk');
      return state.policy ?? '';
    },
    async aptInstall() {
      calls.push('apt-get install asterisk');
      if (state.installOk !== false) version = 'Asterisk 22.10.1';
      return { ok: state.installOk !== false, output: state.installOk === false ? 'E: Unable to locate package' : '' };
    },
    async listDebs(dir) {
      calls.push(`list ${dir}`);
      return state.debs === undefined ? null : state.debs;
    },
    async dpkgInstall(files) {
      calls.push(`dpkg -i ${files.length}`);
      version = 'Asterisk 20.6.0';
      return { ok: true, output: '' };
    },
    async cli() {
      return { ok: true, output: '' };
    },
  };
  return { port, calls };
}

describe('provisioning: finding or installing Asterisk', () => {
  it('reads the apt candidate, "(none)" meaning no package', () => {
    expect(aptCandidate(POLICY_NONE)).to.equal(null);
    expect(aptCandidate(POLICY_VENDOR)).to.equal('1:22.10.1~dfsg-1');
    expect(aptCandidate('')).to.equal(null);
  });

  it('uses an existing install without touching apt', async () => {
    const { port, calls } = fakeHost({ version: 'Asterisk 22.10.1' });
    expect(await ensureAsterisk({ source: 'auto' }, port)).to.deep.equal({ source: 'existing', version: '22.10.1', installed: false });
    expect(calls).to.deep.equal(['asterisk -V']);
  });

  it('installs from apt when the sources have a candidate', async () => {
    const { port, calls } = fakeHost({ policy: POLICY_VENDOR });
    expect(await ensureAsterisk({ source: 'auto' }, port)).to.deep.equal({ source: 'apt', version: '22.10.1', installed: true });
    expect(calls).to.include('apt-get install asterisk');
  });

  it('says what to do when Debian has no Asterisk and none is installed', async () => {
    const { port, calls } = fakeHost({ policy: POLICY_NONE });
    const err = await ensureAsterisk({ source: 'auto' }, port).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AsteriskSourceError);
    expect((err as AsteriskSourceError).message).to.match(/no installation candidate/);
    expect((err as AsteriskSourceError).hint).to.match(/--asterisk-debs DIR.*remote/);
    expect(calls).to.not.include('apt-get install asterisk');
  });

  it('installs a folder of .deb files with dpkg, and refuses a folder without the asterisk package', async () => {
    const ok = fakeHost({ debs: ['/debs/asterisk-config_20.6.0_all.deb', '/debs/asterisk_20.6.0_amd64.deb'] });
    expect(await ensureAsterisk({ source: 'debs', dir: '/debs' }, ok.port)).to.deep.equal({ source: 'debs', version: '20.6.0', installed: true });
    expect(ok.calls).to.include('dpkg -i 2');
    const empty = fakeHost({ debs: ['/debs/libfoo_1_amd64.deb'] });
    const err = (await ensureAsterisk({ source: 'debs', dir: '/debs' }, empty.port).catch((e: unknown) => e)) as AsteriskSourceError;
    expect(err.exit).to.equal(2);
    expect(err.message).to.match(/no asterisk_\*\.deb/);
    const missing = (await ensureAsterisk({ source: 'debs', dir: '/nope' }, fakeHost({}).port).catch((e: unknown) => e)) as AsteriskSourceError;
    expect(missing.message).to.match(/not a readable folder/);
  });

  it('remote needs nothing local', async () => {
    const { port, calls } = fakeHost({});
    expect(await ensureAsterisk({ source: 'remote' }, port)).to.deep.equal({ source: 'remote', version: null, installed: false });
    expect(calls).to.deep.equal([]);
  });
});
