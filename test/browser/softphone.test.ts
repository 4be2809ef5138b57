import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBrowserServer, screenshotPath, type BrowserServer } from '../support/browser.js';
import { SipWsPeer, hdr } from '../support/sip-ws-peer.js';
import { login } from '../support/test-app.js';

/**
 * The WebRTC softphone in Chromium (fake microphone) registering through the appliance's SIP
 * WebSocket proxy to a SIP-over-WebSocket peer standing in for Asterisk, then calling out and
 * taking a call. Media does not flow (the peer has no ICE agent); SIP call setup completes.
 */
describe('browser: WebRTC softphone through the appliance SIP proxy', function () {
  this.timeout(90_000);
  let peer: SipWsPeer;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let sipUser: string;
  let contactId: number;

  const state = () => page.getByTestId('phone-state');
  const waitState = (s: string) => page.locator(`[data-testid=phone-state][data-state="${s}"]`).waitFor({ timeout: 25_000 });

  before(async () => {
    peer = await SipWsPeer.start({}, 'pbx.test');
    server = await startBrowserServer({ config: { softphone: { asteriskWsUrl: peer.url, domain: 'pbx.test' } } });
    const userId = await server.createUser('operator', 'olga', 'correct horse battery staple', { displayName: 'Olga Operator' });
    await server.createUser('admin', 'root', 'correct horse battery staple');
    // The appliance generates the credentials; Asterisk (here the peer) is given the same ones.
    const phone = server.app.phones.issue(userId);
    sipUser = phone.sipUser;
    peer.setUser(phone.sipUser, phone.sipPassword);
    const admin = await login(server.app, 'root', 'correct horse battery staple');
    const created = await admin.request('POST', '/api/v1/contacts', { name: 'Ivan Petrenko', phones: ['+380671234545'], emails: [], tags: ['vip'] });
    expect(created.statusCode).to.equal(201);
    contactId = created.json().id;
    browser = await launchChromium({ fakeMedia: true });
    const context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username').fill('olga');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(/\/workspace/);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await peer?.close();
  });

  it('registers with appliance-issued credentials after a digest challenge', async () => {
    await waitState('registered');
    expect(await state().textContent()).to.equal('Ready for calls');
    const registers = peer.received.filter((m) => m.method === 'REGISTER');
    expect(registers.length).to.be.at.least(2);
    expect(hdr(registers[0]!, 'authorization')).to.equal(undefined);
    expect(hdr(registers.at(-1)!, 'authorization')).to.match(new RegExp(`username="${sipUser}"`));
    expect(peer.registrations.has(sipUser)).to.equal(true);
  });

  it('places a call: INVITE, 401, INVITE with credentials, 100/180/200, ACK; hold, mute, keypad, transfer (REFER), hang up', async () => {
    await page.getByTestId('phone-number').fill('+380441234567');
    await page.getByTestId('phone-number').press('Enter');
    const invite = await peer.waitFor((m) => m.method === 'INVITE' && !!hdr(m, 'authorization'));
    expect(invite.startLine).to.match(/^INVITE sip:\+380441234567@pbx\.test SIP\/2\.0$/);
    expect(invite.body).to.match(/m=audio/);
    await waitState('in-call');
    const callId = hdr(invite, 'call-id')!;
    await peer.waitFor((m) => m.method === 'ACK' && hdr(m, 'call-id') === callId);
    expect(peer.confirmed.has(callId)).to.equal(true);

    // JsSIP shows "held" as soon as it sends the re-INVITE, so wait for the peer to get it.
    let mark = peer.received.length;
    await page.getByTestId('phone-hold').click();
    await waitState('held');
    const hold = await peer.waitFor((m) => m.method === 'INVITE' && hdr(m, 'call-id') === callId, 10_000, mark);
    expect(hold.body).to.match(/a=sendonly/);
    mark = peer.received.length;
    await page.getByTestId('phone-hold').click();
    await waitState('in-call');
    const resume = await peer.waitFor((m) => m.method === 'INVITE' && hdr(m, 'call-id') === callId, 10_000, mark);
    expect(resume.body).to.match(/a=sendrecv/);
    await page.getByTestId('phone-mute').click();
    expect(await page.getByTestId('phone-mute').getAttribute('aria-pressed')).to.equal('true');
    await page.getByTestId('phone-mute').click();
    expect(await page.getByTestId('phone-mute').getAttribute('aria-pressed')).to.equal('false');
    await page.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: '5', exact: true }).click();
    await page.getByLabel('Transfer to number').fill('205');
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    const refer = await peer.waitFor((m) => m.method === 'REFER' && hdr(m, 'call-id') === callId);
    expect(hdr(refer, 'refer-to')).to.match(/sip:205@pbx\.test/);
    await page.screenshot({ path: screenshotPath('softphone-in-call') });

    await page.getByTestId('phone-hangup').click();
    await peer.waitFor((m) => m.method === 'BYE' && hdr(m, 'call-id') === callId);
    await waitState('registered');
  });

  it('offers the browser’s microphones to choose from', async () => {
    const options = await page.getByTestId('phone-mic').locator('option').allTextContents();
    expect(options[0]).to.equal('System default');
    expect(options.length).to.be.at.least(2);
  });

  it('reconnects and registers again when the telephony connection drops', async () => {
    const mark = peer.received.length;
    await peer.dropClients();
    // JsSIP's connection recovery reconnects through the proxy (first retry after 2 s) and registers.
    const again = await peer.waitFor((m) => m.method === 'REGISTER' && !!hdr(m, 'authorization'), 20_000, mark);
    expect(hdr(again, 'authorization')).to.match(new RegExp(`username="${sipUser}"`));
    await waitState('registered');
    expect(peer.registrations.has(sipUser)).to.equal(true);
  });

  it('rings for an incoming call, opens the caller’s contact before answering, and answers', async () => {
    const call = peer.call(sipUser, { number: '+380671234545', name: 'Caller' });
    await waitState('ringing');
    const card = page.getByTestId('incoming-call');
    await card.waitFor({ state: 'visible' });
    expect(await page.getByTestId('incoming-caller').textContent()).to.equal('Ivan Petrenko');
    // The contact and its history are open while the phone is still ringing.
    await page.locator(`[data-testid=contact-card][data-contact-id="${contactId}"]`).waitFor();
    expect(await state().getAttribute('data-state')).to.equal('ringing');
    expect(await page.getByTestId('phone').getAttribute('data-ringing')).to.equal('true');
    await page.getByTestId('incoming-answer').click();
    const ok = await call.answered;
    expect(ok.body).to.match(/a=setup:active/);
    await waitState('in-call');
    await card.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('phone').getAttribute('data-ringing')).to.equal('false');
    await page.getByTestId('phone-hangup').click();
    await peer.waitFor((m) => m.method === 'BYE' && hdr(m, 'call-id') === call.callId);
    await waitState('registered');
  });

  it('never hands an intern’s browser the caller’s number, on the SIP socket or on screen', async () => {
    const internId = await server.createUser('intern', 'ira', 'correct horse battery staple', { displayName: 'Ira Intern' });
    const phone = server.app.phones.issue(internId);
    peer.setUser(phone.sipUser, phone.sipPassword);
    const context = await browser.newContext({ locale: 'en-US' });
    const internPage = await context.newPage();
    const frames: string[] = [];
    internPage.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await internPage.goto(`${server.url}/login`);
    await internPage.locator('#username').fill('ira');
    await internPage.locator('#password').fill('correct horse battery staple');
    await internPage.locator('#password').press('Enter');
    await internPage.locator('[data-testid=phone-state][data-state=registered]').waitFor({ timeout: 15_000 });
    const call = peer.call(phone.sipUser, { number: '+380671234545', name: '+380671234545' });
    await internPage.locator('[data-testid=phone-state][data-state=ringing]').waitFor();
    expect(await internPage.getByTestId('phone-state').textContent()).to.equal('Ringing: Unknown caller');
    await internPage.getByTestId('phone-answer').click();
    await call.answered;
    await internPage.locator('[data-testid=phone-state][data-state=in-call]').waitFor();
    expect(frames.some((f) => f.startsWith('INVITE'))).to.equal(true);
    expect(frames.filter((f) => f.includes('380671234545'))).to.deep.equal([]);
    expect(await internPage.content()).to.not.include('380671234545');
    await internPage.getByTestId('phone-hangup').click();
    await peer.waitFor((m) => m.method === 'BYE' && hdr(m, 'call-id') === call.callId);
    await context.close();
  });
});
