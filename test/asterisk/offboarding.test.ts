import { expect } from 'chai';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { ScaledClock } from '../support/asterisk-standin/index.js';
import { telephonyCapability } from '../../appliance/telephony/index.js';
import { softphoneCapability } from '../../appliance/softphone/index.js';
import { usersCapability } from '../../appliance/users/index.js';
import { contactsCapability } from '../../appliance/contacts/index.js';
import { defaultAsteriskModel, startRealAsterisk, waitFor, type RealAsterisk } from '../support/real-asterisk.js';

/**
 * Offboarding reaches Asterisk: operators' endpoints live in a file the appliance keeps current
 * (live apply, AMI Reload of res_pjsip — no root shell). A user's SIP credentials register with
 * the real Asterisk; once the user is deactivated, a REGISTER with them is refused.
 */
describe('real Asterisk: offboarding and live apply of operators\' phones', function () {
  this.timeout(120_000);
  let ast: RealAsterisk;
  let t: TestApp;
  let operatorsFile: string;

  before(async function () {
    this.timeout(180_000);
    ast = await startRealAsterisk({
      model: (net, dir) => {
        operatorsFile = join(dir, 'contactbox', 'pjsip_operators.conf');
        return { ...defaultAsteriskModel(net, dir), operators: [], operatorsFile };
      },
    });
    t = await buildTestApp({
      capabilities: [contactsCapability, usersCapability, softphoneCapability, telephonyCapability],
      clock: new ScaledClock(1),
      config: {
        telephony: { mode: 'local', ami: ast.ami },
        softphone: { asteriskOperatorsFile: operatorsFile, asteriskWsUrl: `ws://127.0.0.1:${ast.net.http}/ws` },
      } as never,
    });
    await waitFor(() => t.app.telephony.port!.status() === 'connected', 'AMI login', 30_000);
    await waitFor(() => t.app.operatorEndpoints.applier, 'the live apply to start');
  });
  after(async () => {
    await t?.close();
    await ast?.stop();
  });

  const register = (user: string, password: string) =>
    ast.sipp({ scenario: 'register.xml', port: ast.net.phonePorts[2]!, service: user, auth: { username: user, password }, timeoutMs: 15_000 });

  it("a new operator's phone reaches Asterisk without a root shell; after deactivation its REGISTER is refused", async () => {
    const admin = await t.userClient('admin');
    const op = await t.userClient('operator', 'olena');
    const creds = (await op.request('GET', '/api/v1/me/phone')).json() as { authorizationUser: string; password: string };
    await t.app.operatorEndpoints.applier!.apply();
    expect(readFileSync(operatorsFile, 'utf8')).to.include(`[${creds.authorizationUser}-auth]`);
    const ok = await register(creds.authorizationUser, creds.password);
    expect(ok.code, `REGISTER with valid credentials: ${ok.stderr}`).to.equal(0);
    expect(await ast.rx(`pjsip show aor ${creds.authorizationUser}`)).to.include('contact');

    const started = Date.now();
    const res = await admin.request('POST', `/api/v1/users/${op.userId}/deactivate`, {});
    expect(res.statusCode, res.body).to.equal(200);
    // The deactivation's live apply (file rewritten, res_pjsip reloaded over AMI) has completed.
    await t.app.operatorEndpoints.applier!.apply();
    const refused = await register(creds.authorizationUser, creds.password);
    const took = Date.now() - started;
    process.stdout.write(`      deactivation → REGISTER refused by Asterisk after ${took} ms\n`);
    expect(refused.code, 'REGISTER after deactivation').to.not.equal(0);
    expect(refused.stderr + refused.stdout).to.not.match(/200 OK/);
    expect(await ast.rx('pjsip show endpoints')).to.not.include(creds.authorizationUser);
    expect(t.app.operatorEndpoints.applier!.lastError).to.equal(null);
    expect(ast.errors()).to.deep.equal([]);
  });
});
