import { expect } from 'chai';
import { buildTestApp, type TestApp, type TestClient } from '../support/test-app.js';
import { ManualClock } from '../../appliance/core/clock.js';
import { AmiFeedPort, CallScript, waitFor } from '../support/ami-feed.js';
import { reportCatalogues } from '../../appliance/reports/locales/index.js';
import { KPIS } from '../../appliance/reports/kpis.js';

const FROM = '2026-03-02T08:00:00.000Z';
const TO = '2026-03-02T12:00:00.000Z';
const range = `from=${FROM}&to=${TO}`;

/**
 * The counting rules end to end: AMI events as Asterisk writes them → calls → bus → reports,
 * read back through the API contract. Six customer calls: ring-all answered, answered then
 * transferred to another queue and answered there, a short abandon, a long abandon after a
 * RONA, an abandon before any queue, and a call the full line refused.
 */
describe('reports: counting at the customer-call level, per queue as queue_log counts', function () {
  this.timeout(90_000);
  let t: TestApp;
  let port: AmiFeedPort;
  let clock: ManualClock;
  let supervisor: TestClient;
  let admin: TestClient;
  let op101: TestClient;
  let intern: TestClient;
  const script = (id: string, num: string) => new CallScript(port, clock, id, num);
  const ended = async (n: number) =>
    waitFor(() => (t.db.prepare('SELECT COUNT(*) AS n FROM report_calls').get() as { n: number }).n >= n, 10000, `${n} counted calls`);

  before(async () => {
    clock = new ManualClock('2026-03-02T09:00:00Z');
    port = new AmiFeedPort(clock);
    t = await buildTestApp({ clock, config: { session: { idleMinutes: 24 * 60, absoluteHours: 72 } }, overrides: { telephony: { port } } });
    supervisor = await t.userClient('supervisor');
    admin = await t.userClient('admin');
    op101 = await t.userClient('operator', 'op101');
    const op102 = await t.userClient('operator', 'op102');
    intern = await t.userClient('intern', 'intern1');
    t.app.calls.repo.setEndpoint(op101.userId, 'PJSIP/op101');
    t.app.calls.repo.setEndpoint(op102.userId, 'PJSIP/op102');
    t.app.calls.repo.setEndpoint(intern.userId, 'PJSIP/op103');
    t.app.calls.refreshEndpoints();

    // 1. ring-all in sales: both phones ring, op101 answers after 3 s, talks 30 s, the caller hangs up.
    script('c1', '380671111111').arrive().wait(1).join('sales').ring('sales', 'PJSIP/op101', 'PJSIP/op102').wait(3)
      .answer('sales', 'PJSIP/op101', 3, 3).wait(30).complete('sales', 'PJSIP/op101', 3, 30, 'caller').hangup();
    // 2. sales answers (op101, 5 s), transfers to support after 20 s; support rings op102, answers after 4 s, 60 s talk with a 10 s hold.
    script('c2', '380672222222').wait(1).arrive().wait(1).join('sales').ring('sales', 'PJSIP/op101').wait(5)
      .answer('sales', 'PJSIP/op101', 5, 5).wait(20).transfer('PJSIP/op101', 'support').complete('sales', 'PJSIP/op101', 5, 20, 'transfer')
      .join('support').ring('support', 'PJSIP/op102').wait(4).answer('support', 'PJSIP/op102', 4, 4).wait(20).hold(true).wait(10).hold(false).wait(30)
      .complete('support', 'PJSIP/op102', 4, 60, 'agent').hangup();
    // 3. a short abandon in sales: gone after 3 s of ring-all.
    script('c3', '380673333333').wait(1).arrive().join('sales').ring('sales', 'PJSIP/op101', 'PJSIP/op102').wait(3).abandon('sales', 3).hangup();
    // 4. a long abandon in support: op102 rings out (RONA, 15 s), rings again, the caller gives up at 40 s.
    script('c4', '380674444444').wait(1).arrive().join('support').ring('support', 'PJSIP/op102').wait(15).noAnswer('support', 'PJSIP/op102', 15)
      .wait(2).ring('support', 'PJSIP/op102').wait(23).abandon('support', 40).hangup();
    // 5. hangs up in the greeting, before any queue.
    script('c5', '380671111111').wait(1).arrive().wait(6).hangup();
    // 6. the GSM line is full: refused busy.
    script('c6', '380676666666').wait(1).busy();
    // 7. after the reported period: straight to the intern's phone, answered, 12 s.
    clock.set('2026-03-02T13:00:00Z');
    script('c7', '380677777777').arrive().wait(2).direct('PJSIP/op103').wait(12).hangup();
    await ended(7);
  });
  after(async () => t?.close());

  it('per queue: each pass offered once, answered/abandoned/short as queue_log, wait and talk from Asterisk, ring attempts apart', async () => {
    const res = await supervisor.request('GET', `/api/v1/reports/queues?${range}`);
    expect(res.statusCode, res.body).to.equal(200);
    const body = res.json() as { items: Array<Record<string, unknown>>; total: Record<string, unknown> };
    const sales = body.items.find((i) => i.queue === 'sales')!;
    const support = body.items.find((i) => i.queue === 'support')!;
    expect(sales).to.include({ offered: 3, answered: 2, abandoned: 1, shortAbandoned: 1, exited: 0, transfersOut: 1, transfersIn: 0, ringAttempts: 5, rona: 0 });
    expect(sales).to.include({ waitSec: 3 + 5 + 3, talkSec: 30 + 20, asaSec: 4, avgTalkSec: 25, maxWaitSec: 5, hungUpByCustomer: 1 });
    expect(support).to.include({ offered: 2, answered: 1, abandoned: 1, shortAbandoned: 0, transfersIn: 1, ringAttempts: 3, rona: 1 });
    expect(support).to.include({ waitSec: 4 + 40, talkSec: 60, holdSec: 10, maxWaitSec: 40, hungUpByOperator: 1 });
    // Service level (20 s): sales 2 answered within it of 3 offered − 1 short abandon = 100 %; support 1 of 2.
    expect(sales.serviceLevel).to.equal(100);
    expect(support.serviceLevel).to.equal(50);
  });

  it('the whole centre: one offered call per customer call, abandons before the queue and blocked calls apart', async () => {
    const { total } = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json() as { total: Record<string, number> };
    expect(total).to.include({ offered: 5, answered: 2, abandoned: 2, abandonedPreQueue: 1, blocked: 1, transfersOut: 1 });
    // c5 came from the number c1 called from: a repeat call.
    expect(total.repeatCalls).to.equal(1);
  });

  it('per agent: handled, talk, ring attempts and RONA; a ring-all ring that was cancelled is an attempt, not a miss', async () => {
    const res = await supervisor.request('GET', `/api/v1/reports/agents?${range}`);
    expect(res.statusCode, res.body).to.equal(200);
    const items = (res.json() as { items: Array<Record<string, unknown>> }).items;
    const a101 = items.find((i) => i.agentId === op101.userId)!;
    const a102 = items.find((i) => i.agentId !== op101.userId && i.handled === 1)!;
    expect(a101).to.include({ handled: 2, talkSec: 50, ringAttempts: 3, rona: 0, transfers: 1 });
    // op102: c1, c3 (ring-all), c2 in support, c4 twice = 5 attempts, one of them rang out.
    expect(a102).to.include({ handled: 1, talkSec: 60, holdSec: 10, ringAttempts: 5, rona: 1, hungUp: 1 });
  });

  it('drill-down lists exactly the calls behind a figure', async () => {
    const list = async (q: string) => {
      const res = await supervisor.request('GET', `/api/v1/reports/drill?${range}&${q}`);
      expect(res.statusCode, res.body).to.equal(200);
      return (res.json() as { items: Array<{ callId: number; from: string | null; removed: boolean }> }).items;
    };
    const linked = (ids: number[]) =>
      ids.map((id) => (t.db.prepare('SELECT linked_id FROM calls WHERE id = ?').get(id) as { linked_id: string }).linked_id).sort();
    expect(linked((await list('dim=queue&key=sales&metric=offered')).map((r) => r.callId))).to.deep.equal(['c1', 'c2', 'c3']);
    expect(linked((await list('dim=queue&key=sales&metric=shortAbandoned')).map((r) => r.callId))).to.deep.equal(['c3']);
    expect(linked((await list('dim=queue&key=support&metric=transfersIn')).map((r) => r.callId))).to.deep.equal(['c2']);
    expect(linked((await list('dim=all&key=all&metric=abandonedPreQueue')).map((r) => r.callId))).to.deep.equal(['c5']);
    expect(linked((await list('dim=all&key=all&metric=blocked')).map((r) => r.callId))).to.deep.equal(['c6']);
    const rona = await list(`dim=agent&key=${(await supervisor.request('GET', `/api/v1/reports/agents?${range}`)).json().items.find((i: { rona: number }) => i.rona === 1).agentId}&metric=rona`);
    expect(linked(rona.map((r) => r.callId))).to.deep.equal(['c4']);
    const offered = await list('dim=queue&key=sales&metric=offered');
    expect(offered.find((r) => r.from === '380671111111')).to.exist;
  });

  it('a range of whole days (read from the daily rollup) gives the same figures as the hours inside it', async () => {
    const hours = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json();
    const days = (await supervisor.request('GET', '/api/v1/reports/queues?from=2026-02-27T00:00:00Z&to=2026-03-02T12:00:00Z')).json();
    const longer = (await supervisor.request('GET', '/api/v1/reports/queues?from=2026-02-01T00:00:00Z&to=2026-03-03T00:00:00Z')).json();
    const strip = (items: Array<Record<string, unknown>>) => items.map(({ staffing: _s, ...rest }) => rest);
    expect(strip(days.items)).to.deep.equal(strip(hours.items));
    // The longer range also holds the next call (c7, direct, no queue): queues unchanged, one more offered in total.
    expect(strip(longer.items)).to.deep.equal(strip(hours.items));
    expect(longer.total.offered).to.equal(hours.total.offered + 1);
  });

  it('figures survive the deletion of raw call rows; the drill-down says the details are gone', async () => {
    const before = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json();
    t.db.prepare("DELETE FROM calls WHERE linked_id = 'c3'").run();
    const after = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json();
    expect(after.items).to.deep.equal(before.items);
    const rows = (await supervisor.request('GET', `/api/v1/reports/drill?${range}&dim=queue&key=sales&metric=abandoned`)).json().items;
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ removed: true, from: null });
  });

  it('a closed call is counted once, even if its end is published again', async () => {
    const row = t.db.prepare("SELECT id FROM calls WHERE linked_id = 'c1'").get() as { id: number };
    const fact = { callId: row.id, linkedId: 'c1', contactId: null, summary: t.app.calls.repo.get(row.id)!, stints: t.app.calls.repo.get(row.id)!.stints };
    expect(t.app.reports.service.onCallEnded(fact)).to.equal(false);
    const sales = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json().items.find((i: { queue: string }) => i.queue === 'sales');
    expect(sales.offered).to.equal(3);
  });

  it('roles: operators see their own agent row only, interns no queue report; bad input is a coded 400', async () => {
    expect((await op101.request('GET', `/api/v1/reports/queues?${range}`)).statusCode).to.equal(403);
    const own = (await op101.request('GET', `/api/v1/reports/agents?${range}`)).json().items;
    expect(own.map((i: { agentId: number }) => i.agentId)).to.deep.equal([op101.userId]);
    expect((await intern.request('GET', `/api/v1/reports/drill?${range}&dim=queue&key=sales&metric=offered`)).statusCode).to.equal(403);
    const bad = await supervisor.request('GET', `/api/v1/reports/queues?from=${TO}&to=${FROM}`);
    expect(bad.statusCode).to.equal(400);
    expect(bad.json().error.code).to.equal('REPORT_RANGE_INVALID');
    const drill = await supervisor.request('GET', `/api/v1/reports/drill?${range}&dim=queue&key=sales&metric=nonsense`);
    expect(drill.json().error.code).to.equal('REPORT_DRILL_UNSUPPORTED');
    expect((await admin.request('GET', `/api/v1/reports/series?${range}&dim=queue&group=hour&tz=Mars/Base`)).json().error.code).to.equal('REPORT_TIMEZONE_UNKNOWN');
  });

  it('CSV and XLSX exports carry the figures the screen shows, with the screen\'s column names', async () => {
    const json = (await supervisor.request('GET', `/api/v1/reports/queues?${range}`)).json();
    const csv = await supervisor.request('GET', `/api/v1/reports/queues?${range}&format=csv`);
    expect(csv.statusCode).to.equal(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n').map((l: string) => l.split(','));
    const header = lines[0]!;
    expect(header).to.deep.equal(json.columns.map((c: { label: string }) => c.label));
    const salesLine = lines.find((l: string[]) => l[0] === 'sales')!;
    json.columns.forEach((c: { field: string }, i: number) => {
      const v = c.field === 'staffingAgents' ? json.items.find((x: { queue: string }) => x.queue === 'sales').staffing?.agents : json.items.find((x: { queue: string }) => x.queue === 'sales')[c.field];
      expect(salesLine[i], c.field).to.equal(v === null || v === undefined ? '' : String(v));
    });
    const xlsx = await supervisor.request('GET', `/api/v1/reports/agents?${range}&format=xlsx`);
    expect(xlsx.headers['content-type']).to.contain('spreadsheetml');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const agents = (await supervisor.request('GET', `/api/v1/reports/agents?${range}`)).json();
    expect((ws.getRow(1).values as unknown[]).slice(1, 1 + agents.columns.length)).to.deep.equal(agents.columns.map((c: { label: string }) => c.label));
    const byName = new Map<string, unknown[]>();
    ws.eachRow((row, n) => { if (n > 1) byName.set(String((row.values as unknown[])[1]), (row.values as unknown[]).slice(1)); });
    for (const a of agents.items) {
      const row = byName.get(a.name)!;
      expect(row, a.name).to.exist;
      expect(row[1]).to.equal(a.handled);
      expect(row[8]).to.equal(a.rona);
    }
  });

  it('an intern\'s export of the calls behind their own figure is masked', async () => {
    const day = 'from=2026-03-02T12:00:00.000Z&to=2026-03-02T14:00:00.000Z';
    const json = await intern.request('GET', `/api/v1/reports/drill?${day}&dim=agent&key=${intern.userId}&metric=handled`);
    expect(json.statusCode, json.body).to.equal(200);
    expect(json.json().items).to.have.length(1);
    expect(json.json().items[0].from).to.equal('+380 67 *** ** 77');
    const csv = await intern.request('GET', `/api/v1/reports/drill?${day}&dim=agent&key=${intern.userId}&metric=handled&format=csv`);
    expect(csv.body).to.contain('+380 67 *** ** 77');
    expect(csv.body).not.to.contain('380677777777');
    const xlsx = await intern.request('GET', `/api/v1/reports/drill?${day}&dim=agent&key=${intern.userId}&metric=handled&format=xlsx`);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells = wb.worksheets[0]!.getRow(2).values as unknown[];
    expect(cells).to.include('+380 67 *** ** 77');
    expect(JSON.stringify(cells)).not.to.contain('380677777777');
    // The supervisor's own export shows the number.
    const sup = await supervisor.request('GET', `/api/v1/reports/drill?${day}&dim=agent&key=${intern.userId}&metric=handled&format=csv`);
    expect(sup.body).to.contain('380677777777');
    // And an intern cannot list anybody else's calls.
    expect((await intern.request('GET', `/api/v1/reports/drill?${day}&dim=agent&key=${op101.userId}&metric=handled`)).statusCode).to.equal(403);
  });

  it('every KPI has a name and a formula, and every report text exists, in all seven languages', () => {
    const en = Object.keys(reportCatalogues.en).sort();
    for (const k of KPIS) expect(en).to.include.members([`reports.kpi.${k.id}.name`, `reports.kpi.${k.id}.formula`]);
    for (const [language, texts] of Object.entries(reportCatalogues)) {
      expect(Object.keys(texts).sort(), language).to.deep.equal(en);
      for (const [key, text] of Object.entries(texts)) expect(text.trim(), `${language} ${key}`).not.to.equal('');
    }
  });

  it('KPI catalogue in the caller\'s language, as JSON, CSV and a printable HTML page', async () => {
    const en = (await supervisor.request('GET', '/api/v1/reports/kpis')).json().items;
    expect(en.find((k: { id: string }) => k.id === 'serviceLevel')).to.include({ name: 'Service level', unit: 'percent' });
    const uk = (await supervisor.request('GET', '/api/v1/reports/kpis', undefined, { 'accept-language': 'uk' })).json().items;
    expect(uk.find((k: { id: string }) => k.id === 'offered').name).to.equal('Запропоновані дзвінки');
    const csv = await supervisor.request('GET', '/api/v1/reports/kpis?format=csv');
    expect(csv.headers['content-type']).to.match(/text\/csv/);
    expect(csv.body).to.contain('ringAttempts');
    const html = await supervisor.request('GET', '/api/v1/reports/kpis?format=html');
    expect(html.body).to.contain('<tr id="rona">');
  });

  it('series per hour and the Erlang C suggestion', async () => {
    const s = (await supervisor.request('GET', `/api/v1/reports/series?${range}&dim=queue&group=hour&tz=Europe/Kyiv`)).json();
    expect(s.periods).to.have.length(4);
    const sales = s.items.filter((i: { key: string }) => i.key === 'sales');
    expect(sales.reduce((n: number, i: { offered: number }) => n + i.offered, 0)).to.equal(3);
    const st = (await supervisor.request('GET', '/api/v1/reports/staffing?callsPerHour=100&ahtSec=180&targetServiceLevel=80&targetSec=20')).json();
    expect(st.agents).to.equal(8);
  });
});
