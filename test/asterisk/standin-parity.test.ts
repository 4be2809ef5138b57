import { expect } from 'chai';
import { connectAmi, type AmiSession } from '../../installer/ports/ami.js';
import { AmiStandin } from '../support/asterisk-standin/index.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

/**
 * The stand-in is never kinder than Asterisk: the same actions, sent by the provisioned AMI
 * user to the real Asterisk 22 and to the stand-in, get the same Response and Message.
 */
describe('real Asterisk: the stand-in answers as Asterisk does', function () {
  this.timeout(120_000);
  let ast: RealAsterisk;
  let standin: AmiStandin;
  let real: AmiSession;
  let fake: AmiSession;

  before(async function () {
    this.timeout(180_000);
    ast = await startRealAsterisk();
    standin = new AmiStandin({ username: ast.ami.username, secret: ast.ami.secret });
    const port = await standin.start();
    real = await connectAmi(ast.ami);
    fake = await connectAmi({ ...ast.ami, host: '127.0.0.1', port });
  });
  after(async () => {
    await real?.close().catch(() => undefined);
    await fake?.close().catch(() => undefined);
    await standin?.stop();
    await ast?.stop();
  });

  const ACTIONS: Record<string, string>[] = [
    { Action: 'QueueAdd', Queue: 'support', Interface: 'PJSIP/parity9', MemberName: 'Parity' },
    { Action: 'QueueAdd', Queue: 'support', Interface: 'PJSIP/parity9', MemberName: 'Parity' },
    { Action: 'QueueAdd', Queue: 'no-such-queue', Interface: 'PJSIP/parity9' },
    { Action: 'QueuePause', Queue: 'support', Interface: 'PJSIP/parity9', Paused: 'true', Reason: 'lunch' },
    { Action: 'QueuePause', Queue: 'support', Interface: 'PJSIP/nobody', Paused: 'true' },
    { Action: 'QueuePause', Interface: 'PJSIP/nobody', Paused: 'false' },
    { Action: 'QueueRemove', Queue: 'support', Interface: 'PJSIP/parity9' },
    { Action: 'QueueRemove', Queue: 'support', Interface: 'PJSIP/parity9' },
    { Action: 'QueueRemove', Queue: 'no-such-queue', Interface: 'PJSIP/parity9' },
    { Action: 'Hangup', Channel: 'PJSIP/nobody-00000001', Cause: '16' },
    { Action: 'Redirect', Channel: 'PJSIP/nobody-00000001', Context: 'cb-operators', Exten: '201', Priority: '1' },
    { Action: 'NoSuchAction' },
  ];

  it('same Response and Message for every action the product sends, errors included', async () => {
    const differences: string[] = [];
    for (const action of ACTIONS) {
      const a = (await real.action(action)).response;
      const b = (await fake.action(action)).response;
      const what = `${action.Action} ${action.Queue ?? ''} ${action.Interface ?? action.Channel ?? ''}`;
      process.stdout.write(`      ${what}: Asterisk ${a.Response} "${a.Message}"\n`);
      if (a.Response !== b.Response || a.Message !== b.Message) differences.push(`${what}: Asterisk ${a.Response} "${a.Message}", stand-in ${b.Response} "${b.Message}"`);
    }
    expect(differences).to.deep.equal([]);
  });
});
