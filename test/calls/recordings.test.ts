import { expect } from 'chai';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegTranscoder } from '../../appliance/calls/transcoder.js';
import { parseRange } from '../../appliance/calls/recording-routes.js';
import { AriStandin, loadAmiScenario, tracesDir, withRecordingUserEvents } from '../support/asterisk-standin/index.js';
import { launchChromium } from '../support/browser.js';
import { callRows, startRig, waitFor, SPEED, type Rig } from './helpers.js';

const recordings = () => join(tracesDir(), 'recordings');
// What the provisioned AMI user receives from the product's dialplan: the recording UserEvent included.
const scenario = (name: string) => withRecordingUserEvents(loadAmiScenario(join(tracesDir(), 'ami', `${name}.raw`)));
const KB_PER_MIN_LIMIT = 120_000;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('recordings: conversion size, storage, streaming, hybrid fetch', function () {
  this.timeout(60_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'cb-rec-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('stores the 60 s call (gsm and wav49 from MixMonitor) at ≤ 120 KB per recorded minute', async () => {
    const transcoder = new FfmpegTranscoder();
    for (const [file, format] of [['rec3-1795598974.15.gsm', 'gsm'], ['rec3-1795598974.15.WAV', 'wav'], ['in-1795599145.23.wav', 'wav']] as const) {
      const out = join(work, `${file}.ogg`);
      const { durationSec } = await transcoder.transcode(readFileSync(join(recordings(), file)), format, out);
      const bytes = statSync(out).size;
      const perMinute = (bytes / durationSec) * 60;
      process.stdout.write(`      ${file}: ${bytes} B for ${durationSec.toFixed(2)} s = ${Math.round(perMinute)} B/min\n`);
      expect(durationSec, file).to.be.greaterThan(file.startsWith('rec3') ? 59 : 5);
      expect(perMinute, file).to.be.at.most(KB_PER_MIN_LIMIT);
      expect(readFileSync(out).subarray(0, 4).toString(), 'Ogg container').to.equal('OggS');
    }
  });

  describe('local Asterisk: MixMonitor files from the spool', () => {
    let rig: Rig;
    let spool: string;
    before(async () => {
      spool = mkdtempSync(join(tmpdir(), 'cb-spool-'));
      copyFileSync(join(recordings(), 'in-1795599145.23.wav'), join(spool, 'in-1795599145.23.wav'));
      copyFileSync(join(recordings(), 'abandoned-call-empty.wav'), join(spool, 'in-1795598892.3.wav'));
      rig = await startRig({ telephony: { recordingsSpool: spool } });
      await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 3000, 'login');
    });
    after(async () => {
      await rig?.close();
      rmSync(spool, { recursive: true, force: true });
    });

    it('after hang-up converts, fsyncs and renames into recordings/YYYY/MM/DD/, then links it to the call', async () => {
      await rig.standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
      await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
      await rig.t.app.calls.recordings.idle();
      const call = callRows(rig.t.db)[0]!;
      const rec = rig.t.db.prepare('SELECT * FROM recordings WHERE call_id = ?').get(call.id) as { id: number; path: string; bytes: number; duration_sec: number; format: string };
      expect(rec.path).to.match(/^recordings\/\d{4}\/\d{2}\/\d{2}\/call-\d+-in-1795599145\.23\.ogg$/);
      const day = new Date(callRows(rig.t.db)[0]!.ended_at!);
      expect(rec.path).to.contain(`${day.getUTCFullYear()}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/`);
      const file = join(rig.t.dataDir, rec.path);
      expect(statSync(file).size).to.equal(rec.bytes);
      expect(rec.duration_sec).to.be.within(5.3, 5.6);
      // Moved, not copied: Asterisk's spool no longer holds it.
      expect(existsSync(join(spool, 'in-1795599145.23.wav'))).to.equal(false);
      expect(filesUnder(join(rig.t.dataDir, 'recordings')).filter((f) => f.endsWith('.part'))).to.deep.equal([]);
      const admin = await rig.t.userClient('admin');
      const item = (await admin.request('GET', '/api/v1/calls')).json().items[0];
      expect(item.recording).to.deep.equal({ id: rec.id, bytes: rec.bytes, durationSec: rec.duration_sec });
    });

    it('a 44-byte header-only wav (never bridged) is not a recording', async () => {
      await rig.standin.play(scenario('ami-20-inbound-queue-abandoned'), SPEED);
      await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
      await rig.t.app.calls.recordings.idle();
      const abandoned = callRows(rig.t.db).find((c) => c.linked_id === '1795598892.3')!;
      expect(rig.t.db.prepare('SELECT COUNT(*) AS n FROM recordings WHERE call_id = ?').get(abandoned.id)).to.deep.equal({ n: 0 });
      expect(rig.t.app.calls.recordings.outcomes.find((o) => o.callId === abandoned.id)?.result).to.equal('empty');
    });

    it('streams with HTTP ranges to those who may see the call, audits each listen, and Chromium plays it', async () => {
      const rec = rig.t.db.prepare('SELECT id, bytes FROM recordings ORDER BY id LIMIT 1').get() as { id: number; bytes: number };
      const url = `/api/v1/recordings/${rec.id}/audio`;
      const supervisor = await rig.t.userClient('supervisor');
      const audits = () => (rig.t.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'recording.listen'").get() as { n: number }).n;

      const full = await supervisor.request('GET', url);
      expect(full.statusCode).to.equal(200);
      expect(full.headers['content-type']).to.equal('audio/ogg');
      expect(full.headers['accept-ranges']).to.equal('bytes');
      expect(full.rawPayload.length).to.equal(rec.bytes);
      expect(audits()).to.equal(1);

      const part = await supervisor.request('GET', url, undefined, { range: 'bytes=100-199' });
      expect(part.statusCode).to.equal(206);
      expect(part.headers['content-range']).to.equal(`bytes 100-199/${rec.bytes}`);
      expect(part.rawPayload).to.deep.equal(full.rawPayload.subarray(100, 200));
      expect(audits(), 'a seek is not a new listen').to.equal(1);
      const tail = await supervisor.request('GET', url, undefined, { range: 'bytes=-10' });
      expect(tail.rawPayload).to.deep.equal(full.rawPayload.subarray(rec.bytes - 10));
      const bad = await supervisor.request('GET', url, undefined, { range: `bytes=${rec.bytes + 5}-` });
      expect(bad.statusCode).to.equal(416);
      expect(bad.headers['content-range']).to.equal(`bytes */${rec.bytes}`);

      const stranger = await rig.t.userClient('operator');
      const denied = await stranger.request('GET', url);
      expect(denied.statusCode).to.equal(404);
      expect(denied.json().error.code).to.equal('RECORDING_NOT_FOUND');

      // The bytes the route served, played by an <audio> element in headless Chromium.
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        // Every request the page makes for the audio goes to the real route, Range header included.
        await page.route('http://contactbox.test/**', async (route) => {
          if (!route.request().url().endsWith('/audio')) {
            return route.fulfill({ status: 200, contentType: 'text/html', body: '<audio id="a" preload="auto" src="/audio"></audio>' });
          }
          const range = route.request().headers().range;
          const res = await supervisor.request('GET', url, undefined, range ? { range } : {});
          const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
          return route.fulfill({ status: res.statusCode, headers, body: res.rawPayload });
        });
        await page.goto('http://contactbox.test/');
        // A string, not a function: tsx's helpers do not exist inside the page.
        const state = (await page.evaluate(`new Promise((resolve) => {
          const a = document.getElementById('a');
          const done = (event) => resolve({ event, duration: a.duration });
          a.addEventListener('canplaythrough', () => done('canplaythrough'));
          a.addEventListener('error', () => done('error ' + (a.error && a.error.code)));
          if (a.readyState >= 4) done('canplaythrough');
          setTimeout(() => done('timeout readyState=' + a.readyState), 10000);
        })`)) as { event: string; duration: number };
        expect(state.event).to.equal('canplaythrough');
        expect(state.duration).to.be.within(5.3, 5.7);
      } finally {
        await browser.close();
      }
    });
  });

  describe('hybrid (remote Asterisk): recordings fetched over ARI', () => {
    let rig: Rig;
    let ari: AriStandin;
    before(async () => {
      ari = new AriStandin();
      await ari.start();
      ari.stored.set('in-1795599145.23', { format: 'wav', bytes: readFileSync(join(recordings(), 'in-1795599145.23.wav')) });
      rig = await startRig({ telephony: { mode: 'remote', ari: { url: ari.url, username: 'crm', password: 'crmari', app: 'crm' } } });
      await waitFor(() => rig.t.app.telephony.port!.status() === 'connected', 3000, 'login');
    });
    after(async () => {
      await rig?.close();
      await ari?.stop();
    });

    it('fetches GET /ari/recordings/stored/{name}/file after hang-up and stores it locally', async () => {
      await rig.standin.play(scenario('ami-10-inbound-queue-answered'), SPEED);
      await waitFor(() => rig.t.app.calls.tracker.liveCount === 0, 3000, 'call end');
      await rig.t.app.calls.recordings.idle();
      expect(ari.requests).to.include('GET /ari/recordings/stored/in-1795599145.23/file');
      // Then deleted on the remote Asterisk: a move, not a copy.
      expect(ari.requests).to.include('DELETE /ari/recordings/stored/in-1795599145.23');
      expect(ari.stored.has('in-1795599145.23')).to.equal(false);
      const rec = rig.t.db.prepare('SELECT source, bytes FROM recordings').get() as { source: string; bytes: number };
      expect(rec.source).to.equal('ari');
      expect(rec.bytes).to.be.within(1000, (KB_PER_MIN_LIMIT * 5.6) / 60 + 2000);
      // The Stasis events socket of the same ARI user is up too, reported beside the AMI link.
      await waitFor(() => rig.t.app.telephony.ariEvents?.status() === 'connected', 3000, 'ARI events');
      const health = ((await rig.t.app.deps.adminChannel.call('health')) as { result: { telephony: string; components: Record<string, string> } }).result;
      expect(health.telephony).to.equal('connected');
      expect(health.components.ari).to.equal('connected');
    });

    it('the ARI stand-in refuses a wrong password the way Asterisk does', async () => {
      const res = await fetch(`${ari.url}/ari/channels`, { headers: { authorization: `Basic ${Buffer.from('crm:nope').toString('base64')}` } });
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.equal('Basic realm="Asterisk REST Interface"');
      expect(await res.json()).to.deep.equal({ message: 'Authentication required' });
    });
  });

  it('parses ranges the way <audio> asks for them', () => {
    expect(parseRange('bytes=0-', 100)).to.deep.equal({ start: 0, end: 99 });
    expect(parseRange('bytes=10-20', 100)).to.deep.equal({ start: 10, end: 20 });
    expect(parseRange('bytes=-5', 100)).to.deep.equal({ start: 95, end: 99 });
    expect(parseRange('bytes=90-200', 100)).to.deep.equal({ start: 90, end: 99 });
    expect(parseRange('bytes=100-', 100)).to.equal('bad');
    expect(parseRange('items=0-1', 100)).to.equal('bad');
    expect(parseRange(undefined, 100)).to.equal(null);
  });
});
