import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { realMachineFacts } from '../../appliance/licensing/adapters/system-facts.js';
import { fingerprintOf } from '../../appliance/licensing/fingerprint.js';
import { REPO, factsFile, license, runNode } from './helpers.js';

/**
 * Proves that a release build refuses a licence signed with the repository's development key.
 * The appliance and CLI sources are compiled to JavaScript as `npm run build` does (type-only
 * transpilation, same module layout), then the real release step (scripts/mark-release.mjs)
 * is applied to one copy. The compiled CLI is run as an admin would run it.
 */
function compileTree(out: string): void {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return name === 'ui' || name === 'node_modules' ? [] : walk(full);
      return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
    });
  for (const file of ['appliance', 'installer', 'scripts'].flatMap((d) => walk(join(REPO, d)))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
    const target = join(out, relative(REPO, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}

function packageTree(root: string): void {
  mkdirSync(root, { recursive: true });
  cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
}

describe('licensing: a release build does not trust the development key', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'contactbox-release-'));
    packageTree(join(dir, 'dev'));
    compileTree(join(dir, 'dev/dist'));
    packageTree(join(dir, 'rel'));
    cpSync(join(dir, 'dev/dist'), join(dir, 'rel/dist'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('npm run build:release marks the build; its CLI refuses a development-signed licence even with CONTACTBOX_DEV_LICENSE_KEYS=1', async () => {
    const mark = await runNode([join(REPO, 'scripts/mark-release.mjs'), join(dir, 'rel/dist')], { CONTACTBOX_RELEASE_DATE: '2026-11-01' });
    expect(mark.code, mark.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'rel/dist/appliance/licensing/build-info.js'), 'utf8')).to.contain("BUILD_FLAVOUR = 'release'");

    // A licence for this very machine, signed with the development key.
    const here = fingerprintOf(await realMachineFacts()());
    const lic = join(dir, 'dev-signed.lic');
    writeFileSync(lic, license({ fingerprint: here, sessions: 10 }));
    const env = { CONTACTBOX_DEV_LICENSE_KEYS: '1', CONTACTBOX_FACTS_FILE: factsFile('server-b') };
    const activate = (tree: 'dev' | 'rel', extra: NodeJS.ProcessEnv = env) => {
      const prefix = mkdtempSync(join(dir, `${tree}-prefix-`));
      return runNode([join(dir, tree, 'dist/installer/main.js'), 'license', 'activate', lic, '--prefix', prefix, '--json'], extra, dir);
    };

    const release = await activate('rel');
    expect(release.code, release.stdout + release.stderr).to.equal(1);
    const error = (release.json() as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal('LICENSE_BAD_SIGNATURE');
    expect(error.message).to.contain('signed with the development key, which this release build does not trust');

    // The release build also ignores recorded facts: its request code carries this machine's fingerprint.
    const req = await runNode([join(dir, 'rel/dist/installer/main.js'), 'license', 'request', '--json'], env, dir);
    expect(req.json()).to.include({ fingerprint: here });

    // Controls: the same compiled tree unmarked (a development build) accepts it only with the flag.
    const devWithFlag = await activate('dev', { CONTACTBOX_DEV_LICENSE_KEYS: '1' });
    expect(devWithFlag.code, devWithFlag.stdout + devWithFlag.stderr).to.equal(0);
    expect(devWithFlag.json()).to.include({ status: 'licensed', sessions: 10 });
    const devWithoutFlag = await activate('dev', {});
    expect((devWithoutFlag.json() as { error: { code: string } }).error.code).to.equal('LICENSE_BAD_SIGNATURE');
  });
});
