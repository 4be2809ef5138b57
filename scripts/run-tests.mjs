#!/usr/bin/env node
// Runs the whole mocha suite as a few concurrent mocha processes (CONTACTBOX_TEST_JOBS, default 2)
// taking work items from one queue, longest first. Most of the suite's time is spent waiting
// (real SIP calls, mail servers, browsers, installs), so two runners finish far sooner than one.
//
// A work item is a set of files one runner runs in one mocha process, in order:
//  - test/asterisk/ is one item: each of its files starts a real Asterisk with its own range of
//    RTP ports, and one instance at a time keeps their calls clear of each other;
//  - every browser test file and every installer test file is an item of its own (the longest
//    ones: apart, they spread over the runners);
//  - every other folder under test/ is one item.
// Each item's output is printed whole when it ends; the last line is "N passed, N failed".
// Arguments are passed to a single plain mocha run instead (e.g. one file).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test-output');
mkdirSync(out, { recursive: true });
const mochaBin = join(root, 'node_modules/mocha/bin/mocha.js');

function testFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

/** Earlier items in this list are longer: they start first so that none is left for the end. */
const FIRST = ['test/asterisk', 'test/release', 'test/installer', 'test/browser', 'test/chat', 'test/mail', 'test/appliance'];

function workItems() {
  const items = new Map();
  for (const file of testFiles(join(root, 'test'))) {
    const folder = file.split('/').slice(0, 2).join('/');
    const own = file.includes('/browser/') || file.endsWith('.browser.test.ts') || file.startsWith('test/installer/');
    const key = own ? file : folder;
    if (!items.has(key)) items.set(key, { name: key, folder, files: [] });
    items.get(key).files.push(file);
  }
  const rank = (item) => {
    const i = FIRST.indexOf(item.folder);
    return i < 0 ? FIRST.length : i;
  };
  // Within a folder, bigger files first: more cases, as a rule more time.
  const bytes = (item) => item.files.reduce((n, f) => n + statSync(join(root, f)).size, 0);
  return [...items.values()].sort((a, b) => rank(a) - rank(b) || bytes(b) - bytes(a));
}

function runItem(item) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [mochaBin, '--reporter', 'spec', ...item.files], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('close', (code) => {
      const count = (word) => Number(text.match(new RegExp(`^\\s*(\\d+) ${word}`, 'm'))?.[1] ?? 0);
      let failed = count('failing');
      // A runner that died or failed to load counts as a failure even if it printed no count.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ item, text, passed: count('passing'), failed, pending: count('pending'), seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function runAll() {
  const jobs = Math.max(1, Number(process.env.CONTACTBOX_TEST_JOBS ?? 2) || 2);
  const queue = workItems();
  const log = join(out, 'mocha.log');
  writeFileSync(log, '');
  const results = [];
  const started = Date.now();
  const emit = (s) => {
    process.stdout.write(s);
    appendFileSync(log, s);
  };
  emit(`Running ${queue.length} work items on ${jobs} runners\n`);
  async function runner() {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const r = await runItem(item);
      results.push(r);
      emit(`\n━━ ${item.name} — ${r.passed} passed, ${r.failed} failed, ${r.pending} pending in ${r.seconds.toFixed(0)} s\n${r.text}`);
    }
  }
  await Promise.all(Array.from({ length: jobs }, runner));
  const sum = (k) => results.reduce((n, r) => n + r[k], 0);
  emit(`\nWork items by time (wall ${((Date.now() - started) / 1000).toFixed(0)} s):\n`);
  for (const r of [...results].sort((a, b) => b.seconds - a.seconds)) emit(`  ${r.seconds.toFixed(0).padStart(5)} s  ${r.failed ? 'FAILED ' : ''}${r.item.name}\n`);
  const failedItems = results.filter((r) => r.failed);
  if (failedItems.length) emit(`\nFailures in: ${failedItems.map((r) => r.item.name).join(', ')}\n`);
  emit(`\n${sum('passed')} passed, ${sum('failed')} failed\n`);
  process.exit(sum('failed') === 0 ? 0 : 1);
}

if (process.argv.length > 2) {
  const child = spawn(process.execPath, [mochaBin, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await runAll();
}
