import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { BenchFigure } from './run.js';
import { launchChromium, startBrowserServer } from '../test/support/browser.js';
import { SipWsPeer } from '../test/support/sip-ws-peer.js';
import { login } from '../test/support/test-app.js';

const PASSWORD = 'correct horse battery staple';

/** Proportional set size (kB) of a process tree: shared pages counted once across the tree. */
function treePssMb(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  let kb = 0;
  for (const pid of tree) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone or not readable */
    }
  }
  return kb / 1024;
}

function browserPid(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) return Number(entry);
    } catch {
      /* gone */
    }
  }
  throw new Error('Chromium process not found');
}

/**
 * Memory of the operator workspace in Debian's Chromium (headless), against a 2 GB operator PC:
 * the page's JavaScript heap after search, an open contact with a 50-entry timeline and a
 * registered softphone; and all of Chromium's processes (PSS). Baselines: the same browser on
 * a blank page.
 */
export default async function bench(): Promise<BenchFigure[]> {
  const peer = await SipWsPeer.start({}, 'pbx.test');
  const server = await startBrowserServer({ config: { softphone: { asteriskWsUrl: peer.url, domain: 'pbx.test' } } });
  const marker = `--contactbox-bench=${randomBytes(6).toString('hex')}`;
  // The marker flag finds this browser's process tree in /proc.
  const chromium = await launchChromium({ fakeMedia: true, extraArgs: [marker] });
  try {
    const userId = await server.createUser('operator', 'olga', PASSWORD, { displayName: 'Olga Operator' });
    await server.createUser('admin', 'anna', PASSWORD);
    const phone = server.app.phones.issue(userId);
    peer.setUser(phone.sipUser, phone.sipPassword);
    const admin = await login(server.app, 'anna', PASSWORD);
    let contactId = 0;
    for (let i = 0; i < 60; i++) {
      const res = await admin.request('POST', '/api/v1/contacts', { name: `Petrenko ${i}`, phones: [`+38067${String(1000000 + i)}`], emails: [`p${i}@example.com`], tags: ['bench'] });
      contactId ||= res.json().id;
    }
    for (let i = 0; i < 50; i++) await admin.request('POST', `/api/v1/contacts/${contactId}/notes`, { body: `Note ${i}: called about order ${1000 + i}.` });

    const page = await (await chromium.newContext({ locale: 'en-US' })).newPage();
    const cdp = await page.context().newCDPSession(page);
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
    };
    const pid = browserPid(marker);
    await page.goto('about:blank');
    const blankHeap = await heapMb();
    const blankPss = treePssMb(pid);

    await page.goto(`${server.url}/login`);
    await page.locator('#username').fill('olga');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password').press('Enter');
    await page.locator('[data-testid=phone-state][data-state=registered]').waitFor({ timeout: 20_000 });
    await page.locator('#contact-search').fill('Petrenko');
    await page.locator('#contact-search').press('Enter');
    await page.getByTestId('search-result').first().waitFor();
    await page.goto(`${server.url}/workspace/contacts/${contactId}`);
    await page.getByTestId('timeline').locator('li').nth(49).waitFor();
    const workspaceHeap = await heapMb();
    const workspacePss = treePssMb(pid);
    // A shift's worth of screens: the inbox, mail, the call history, back to the workspace.
    for (const [path, ready] of [
      ['/inbox', '[data-testid=inbox-page] [data-testid=empty], [data-testid=inbox-list]'],
      ['/mail', '[data-testid=mail-page] [data-testid=empty], [data-testid=thread-row]'],
      ['/calls', '[data-testid=calls-page] [data-testid=empty], [data-testid=call-list]'],
      [`/workspace/contacts/${contactId}`, '[data-testid=timeline] li:nth-child(50)'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
    }
    const allScreensHeap = await heapMb();
    const allScreensPss = treePssMb(pid);

    // First contentful paint over HTTP from this machine (loopback stands in for the LAN), cold
    // cache, signed in; baseline: the appliance's own small server-rendered page (/ca).
    const paint = async (path: string, ready: string) => {
      const ctx = await chromium.newContext({ locale: 'en-US', storageState: await page.context().storageState() });
      const p = await ctx.newPage();
      await p.goto(`${server.url}${path}`);
      await p.locator(ready).first().waitFor({ timeout: 20_000 });
      const fcp = await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
      await ctx.close();
      return fcp;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const caPaint: number[] = [];
    const workspacePaint: number[] = [];
    for (let i = 0; i < 3; i++) {
      caPaint.push(await paint('/ca', 'body'));
      workspacePaint.push(await paint('/workspace', '[data-testid=workspace]'));
    }
    return [
      { name: 'workspace JS heap (search + 50-entry timeline + registered softphone)', value: workspaceHeap, unit: 'MB', baseline: { name: 'blank page', value: blankHeap }, target: { max: 50 } },
      // Budget: a 2 GB Linux/macOS operator PC keeps ~1.5 GB for the OS, Chrome's own UI and other programs.
      { name: 'Chromium, all processes (PSS), workspace open', value: workspacePss, unit: 'MB', baseline: { name: 'blank page', value: blankPss }, target: { max: 500 } },
      { name: 'workspace JS heap after inbox, mail, call history and back', value: allScreensHeap, unit: 'MB', baseline: { name: 'blank page', value: blankHeap }, target: { max: 50 } },
      { name: 'Chromium, all processes (PSS), after every workspace screen', value: allScreensPss, unit: 'MB', baseline: { name: 'blank page', value: blankPss }, target: { max: 500 } },
      { name: 'workspace first contentful paint (cold cache, signed in, median of 3)', value: median(workspacePaint), unit: 'ms', baseline: { name: 'the appliance’s /ca page', value: median(caPaint) }, target: { max: 1500 } },
    ];
  } finally {
    await chromium.close();
    await server.close();
    await peer.close();
  }
}
