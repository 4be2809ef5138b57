import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AriClient } from '../../appliance/telephony/ari/client.js';
import { AriEventStream, type AriEvent } from '../../appliance/telephony/ari/events.js';
import { AriStandin, loadAriScenario, tracesDir } from '../support/asterisk-standin/index.js';
import { waitFor } from '../calls/helpers.js';

const ari = (name: string) => join(tracesDir(), 'ari', name);
/** The JSON body of a recorded `curl -i` response. */
const recordedBody = (file: string) => JSON.parse(readFileSync(ari(file), 'utf8').split(/\r?\n\r?\n/).slice(1).join('\n\n')) as unknown[];

describe('telephony: ARI adapter against the stand-in', function () {
  this.timeout(20_000);
  let standin: AriStandin;
  const options = () => ({ url: standin.url, username: 'crm', password: 'crmari', app: 'crm', backoff: { initialMs: 50, maxMs: 200 } });
  beforeEach(async () => {
    standin = new AriStandin();
    await standin.start();
  });
  afterEach(async () => standin.stop());

  it('lists channels as ARI reports them during a call', async () => {
    standin.channels = recordedBody('rest-GET-channels-during-rec3-call.http');
    const channels = await new AriClient(options()).channels();
    expect(channels.map((c) => [c.uniqueId, c.endpoint, c.state, c.callerNum])).to.deep.equal([
      ['1795598974.17', 'PJSIP/op101', 'up', '101'],
      ['1795598974.15', 'PJSIP/gsm-gw', 'up', '79162222222'],
    ]);
    const refused = new AriClient({ ...options(), password: 'nope' });
    let error: Error | null = null;
    await refused.channels().catch((e: Error) => (error = e));
    expect(error!.message).to.equal('ARI refused the username or password');
  });

  it('turns the recorded Stasis event stream into typed events, and reconnects when the socket just ends', async () => {
    const stream = new AriEventStream(options());
    const events: AriEvent[] = [];
    stream.on((e) => events.push(e));
    stream.start();
    try {
      await waitFor(() => stream.status() === 'connected', 3000, 'ARI events socket');
      await standin.play(loadAriScenario(ari('ws-events-stasis-inbound-dtmf.jsonl')), 20);
      await waitFor(() => events.some((e) => e.type === 'stasis.end'), 3000, 'StasisEnd');
      expect(events[0]).to.include({ type: 'stasis.start', channelId: '1795599051.18', channelName: 'PJSIP/gsm-gw-00000012', callerNum: '79163333333' });
      expect((events[0] as { args: string[] }).args).to.deep.equal(['inbound', '79163333333']);
      expect(events.filter((e) => e.type === 'channel.dtmf').map((e) => (e as { digit: string }).digit)).to.deep.equal(['1', '#']);
      // Asterisk stopping: no close frame, the TCP connection ends; the stream comes back by itself.
      standin.dropSockets();
      await waitFor(() => stream.status() !== 'connected', 2000, 'drop seen');
      await waitFor(() => stream.status() === 'connected', 3000, 'reconnect');
    } finally {
      stream.stop();
    }
  });

  it('reports a wrong password on the events socket', async () => {
    const stream = new AriEventStream({ ...options(), password: 'nope' });
    stream.start();
    try {
      await waitFor(() => stream.status() === 'ARI refused the username or password', 3000, 'refusal');
    } finally {
      stream.stop();
    }
  });
});
