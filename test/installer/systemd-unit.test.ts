import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installPaths } from '../../installer/paths.js';
import { renderUnit } from '../../installer/install/supervisor.js';
import { REPO_ROOT } from '../support/cli.js';

const run = promisify(execFile);

async function exposure(unitFile: string): Promise<{ score: number; output: string }> {
  // systemd-analyze exits non-zero when the score is above its threshold; we read the score ourselves.
  const result = await run('systemd-analyze', ['security', '--offline=yes', '--threshold=10', unitFile]).catch((err) => err as { stdout: string; stderr: string });
  const output = `${result.stdout}${result.stderr}`;
  const match = /Overall exposure level for .*?: (\d+(?:\.\d+)?)/.exec(output);
  if (!match) throw new Error(`no exposure level in systemd-analyze output:\n${output}`);
  return { score: Number(match[1]), output };
}

describe('systemd unit: sandboxing', () => {
  const unit = readFileSync(join(REPO_ROOT, 'systemd/contactbox.service'), 'utf8');

  it('scores an exposure of at most 3.5 in systemd-analyze security --offline', async () => {
    const { score, output } = await exposure(join(REPO_ROOT, 'systemd/contactbox.service'));
    expect(score, output).to.be.at.most(3.5);
  });

  it('restarts whatever ended the appliance (kill -9, OOM, a crash), except a configuration error, and never gives up', () => {
    const section = (name: string) => unit.split(/^\[/m).find((s) => s.startsWith(`${name}]`)) ?? '';
    expect(section('Service')).to.match(/^Restart=always$/m);
    expect(section('Service')).to.match(/^RestartPreventExitStatus=78$/m);
    expect(section('Unit')).to.match(/^StartLimitIntervalSec=0$/m);
  });

  it('runs as the contactbox user without new privileges, on a read-only system', () => {
    for (const line of ['User=contactbox', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'KillSignal=SIGTERM', 'RestartPreventExitStatus=78']) {
      expect(unit, line).to.include(line);
    }
  });

  it('keeps its score once rendered for a --prefix install', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contactbox-unit-'));
    try {
      const rendered = renderUnit(unit, installPaths(join(dir, 'root')), '/usr/local/bin/node');
      expect(rendered).to.include(`ExecStart=/usr/local/bin/node ${join(dir, 'root/opt/contactbox/current/dist/appliance/server.js')}`);
      expect(rendered).to.include(`ReadWritePaths=${join(dir, 'root/var/lib/contactbox')} ${join(dir, 'root/var/log/contactbox')}`);
      const file = join(dir, 'contactbox.service');
      writeFileSync(file, rendered);
      expect((await exposure(file)).score).to.be.at.most(3.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
