import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, messageIdList, normaliseMessageId, syntheticMessageId } from '../../appliance/mail/message-id.js';
import { looksLikeReply, subjectKey } from '../../appliance/mail/threading.js';
import { leastBusy, roundRobin, ruleMatches, ruleProblem } from '../../appliance/mail/routing.js';
import { delegationState } from '../../appliance/mail/delegations.js';
import { SecretBox } from '../../appliance/mail/secret-box.js';
import { classifyConnectError, MailConnectError } from '../../appliance/mail/failures.js';
import { testImap, type ImapSession } from '../../appliance/mail/imap/session.js';

const settings = { host: 'imap.example.com', port: 993, security: 'tls' as const, username: 'u', password: 'p' };

describe('mail: pure rules (Message-IDs, content hash, threading keys, routing, delegation states, sealing)', () => {
  it('treats <id>, id and whitespace-padded ids as one; lists References in order without duplicates', () => {
    for (const v of ['<a.b@x.test>', 'a.b@x.test', '  < a.b@x.test >  ', '<a.b@x.test\r\n >']) expect(normaliseMessageId(v)).to.equal('a.b@x.test');
    expect(normaliseMessageId('   ')).to.equal(null);
    expect(normaliseMessageId(undefined)).to.equal(null);
    expect(messageIdList('<1@x> <2@x>\r\n <1@x>')).to.deep.equal(['1@x', '2@x']);
    expect(messageIdList(['<1@x>', '<3@x>'])).to.deep.equal(['1@x', '3@x']);
  });

  it('hashes what the sender wrote: copies delivered to two mailboxes hash the same, different content differs', () => {
    const body = 'From: a@x\r\nTo: b@y\r\nSubject: hi\r\nDate: Mon, 1 Jan 2026 00:00:00 +0000\r\n\r\nhello\r\n';
    const copyA = Buffer.from(`Received: from mx1\r\nDelivered-To: sales@corp\r\n${body}`);
    const copyB = Buffer.from(`Return-Path: <a@x>\r\nReceived: from mx2\r\n  by host\r\n${body.replace(/\r\n/g, '\n')}`);
    expect(contentHash(copyA)).to.equal(contentHash(copyB));
    expect(contentHash(Buffer.from(body.replace('hello', 'hullo')))).not.to.equal(contentHash(copyA));
    expect(syntheticMessageId(contentHash(copyA))).to.match(/^synthetic-[0-9a-f]{40}@contactbox\.invalid$/);
  });

  it('strips reply and forward prefixes in several languages for the subject fallback', () => {
    expect(subjectKey('Re: Fwd:  Order   42')).to.equal('order 42');
    expect(subjectKey('AW: WG: Angebot')).to.equal('angebot');
    expect(subjectKey('Отв: Re[2]: Рахунок')).to.equal('рахунок');
    expect(looksLikeReply('Re: x')).to.equal(true);
    expect(looksLikeReply('Rebate offer')).to.equal(false);
  });

  it('matches rules only when every condition holds', () => {
    const input = { recipients: ['sales@corp.test'], subject: 'Invoice 7', text: 'please pay', senders: [{ id: 1, tags: ['VIP'], status: 'client', ownerId: 5 }] };
    expect(ruleMatches({ recipients: ['SALES@corp.test'], contactStatus: ['client'] }, input)).to.equal(true);
    expect(ruleMatches({ recipients: ['support@corp.test'] }, input)).to.equal(false);
    expect(ruleMatches({ tagsAny: ['vip'], keywords: ['invoice'] }, input)).to.equal(true);
    expect(ruleMatches({ tagsAny: ['vip'], keywords: ['refund'] }, input)).to.equal(false);
    expect(ruleMatches({ contactOwnerIds: [5], hasContactOwner: true }, input)).to.equal(true);
    expect(ruleMatches({ contactStatus: ['client'] }, { ...input, senders: [] })).to.equal(false);
    expect(ruleProblem({}, { type: 'contact_owner' })).to.match(/at least one condition/);
    expect(ruleProblem({ hasContactOwner: false }, { type: 'contact_owner' })).to.match(/without an owner/);
  });

  it('round robin walks members in id order and wraps; least busy picks the fewest, lowest id on ties', () => {
    expect(roundRobin([7, 3, 5], null)).to.equal(3);
    expect(roundRobin([7, 3, 5], 5)).to.equal(7);
    expect(roundRobin([7, 3, 5], 7)).to.equal(3);
    expect(roundRobin([], 1)).to.equal(null);
    expect(leastBusy(new Map([[4, 2], [2, 1], [9, 1]]))).to.equal(2);
    expect(leastBusy(new Map())).to.equal(null);
  });

  it('delegation states: scheduled, active, ended by its date, revoked', () => {
    const at = '2026-05-10T00:00:00.000Z';
    expect(delegationState({ startsAt: '2026-05-11T00:00:00.000Z', until: null, revokedAt: null }, at)).to.equal('scheduled');
    expect(delegationState({ startsAt: '2026-05-01T00:00:00.000Z', until: null, revokedAt: null }, at)).to.equal('active');
    expect(delegationState({ startsAt: '2026-05-01T00:00:00.000Z', until: '2026-05-09T00:00:00.000Z', revokedAt: null }, at)).to.equal('ended');
    expect(delegationState({ startsAt: '2026-05-01T00:00:00.000Z', until: null, revokedAt: at }, at)).to.equal('revoked');
  });

  it('seals passwords with AES-256-GCM, detects tampering, and refuses a key file others can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-key-'));
    try {
      const box = SecretBox.open(dir);
      expect(statSync(join(dir, 'mail.key')).mode & 0o777).to.equal(0o600);
      const sealed = box.seal('hunter2');
      expect(sealed).not.to.include('hunter2');
      expect(box.seal('hunter2')).not.to.equal(sealed); // fresh IV each time
      expect(SecretBox.open(dir).open(sealed)).to.equal('hunter2');
      const [v, iv, tag, body] = sealed.split(':');
      const flipped = Buffer.from(body!, 'base64');
      flipped[0] ^= 1;
      expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'))).to.throw();
      chmodSync(join(dir, 'mail.key'), 0o644);
      expect(() => SecretBox.open(dir)).to.throw(/0600/);
      writeFileSync(join(dir, 'mail.key'), 'short', { mode: 0o600 });
      chmodSync(join(dir, 'mail.key'), 0o600);
      expect(() => SecretBox.open(dir)).to.throw(/32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('classifies connection failures into the codes an admin can act on', () => {
    const code = (err: unknown) => classifyConnectError(err, settings, 'IMAP').failure.code;
    expect(code(Object.assign(new Error('getaddrinfo ENOTFOUND imap.example.com'), { code: 'ENOTFOUND' }))).to.equal('MAIL_DNS_FAILED');
    expect(code(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).to.equal('MAIL_CONNECTION_REFUSED');
    expect(code(Object.assign(new Error('Authentication failed'), { authenticationFailed: true }))).to.equal('MAIL_AUTH_FAILED');
    expect(code(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).to.equal('MAIL_TLS_FAILED');
    expect(code(Object.assign(new Error('Connection timed out'), { code: 'CONNECT_TIMEOUT' }))).to.equal('MAIL_TIMEOUT');
    expect(code(new Error('BAD something'))).to.equal('MAIL_SERVER_ERROR');
  });

  it('an account without INBOX fails the connection test with MAIL_NO_INBOX', async () => {
    let closed = false;
    const session = {
      openFolder: () => Promise.reject(Object.assign(new Error('Mailbox does not exist'), { mailboxMissing: true })),
      close: async () => {
        closed = true;
      },
    } as unknown as ImapSession;
    const err = await testImap(settings, {}, async () => session).then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(MailConnectError);
    expect((err as MailConnectError).failure).to.deep.equal({ code: 'MAIL_NO_INBOX', params: { username: 'u', host: 'imap.example.com' } });
    expect(closed).to.equal(true);
  });
});
