import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderSections, section, type ConfSection } from '../trunks/asterisk-conf.js';
import { directMediaOff } from '../trunks/kinds/common.js';
import { INTERNS_CONTEXT } from '../telephony/port.js';

/**
 * Operators' phones as pjsip endpoints. One renderer serves the installer (the first
 * provisioning) and the appliance's live apply: when a phone is issued or an account is
 * deactivated, the appliance rewrites the operators' file Asterisk includes and reloads
 * res_pjsip over AMI — no root shell, no `trunk apply`; a deactivated user's credentials are
 * refused as soon as the reload returns.
 */
export interface OperatorPhone {
  /** The pjsip endpoint, AOR and SIP user name (`cb-op-7`). */
  endpoint: string;
  /** Internal number other operators dial. */
  extension: string;
  name: string;
  secret: string;
  /** `webrtc` (default): the browser softphone (WebSocket, DTLS-SRTP). `sip`: a desk phone over UDP. */
  device?: 'webrtc' | 'sip';
  /** A desk phone at a fixed address (`sip:user@host:port`) instead of registering. */
  contact?: string;
  /** An intern's phone: it calls and transfers through the interns' context (colleagues and queues, no outside numbers). */
  intern?: boolean;
}

export interface OperatorTransports {
  udp: string;
  /** `ws`, or `wss` when Asterisk serves TLS itself. */
  web: string;
}

/** Names of the pjsip transports provisioning renders (pjsip_contactbox.conf). */
export const TRANSPORT_NAMES = { udp: 'cb-transport-udp', tcp: 'cb-transport-tcp', ws: 'cb-transport-ws', wss: 'cb-transport-wss' } as const;

/** Operators' internal numbers: 1000 + user id (user 7 dials as 1007). */
export const operatorExtension = (userId: number) => String(1000 + userId);

/** The dialplan context operators' phones call from and transfer through. */
export const OPERATORS_CONTEXT = 'cb-operators';

export function renderOperatorPhones(operators: readonly OperatorPhone[], transports: OperatorTransports): string {
  const sections: ConfSection[] = [];
  for (const o of [...operators].sort((a, b) => a.endpoint.localeCompare(b.endpoint))) {
    const ep = o.endpoint;
    const context = o.intern ? INTERNS_CONTEXT : OPERATORS_CONTEXT;
    const media: ConfSection['options'] =
      o.device === 'sip'
        ? [['transport', transports.udp], ['context', context], ['disallow', 'all'], ['allow', 'ulaw,alaw'], ...directMediaOff, ['dtmf_mode', 'rfc4733']]
        : [
            ['transport', transports.web],
            ['context', context],
            ['disallow', 'all'],
            // Not opus: Asterisk ships no opus translator (codec_opus is a separate binary), so an
            // opus call from the browser could not be bridged to a ulaw/alaw trunk ("Had to drop
            // call"). Every browser speaks PCMU/PCMA, the trunks' own codecs: no transcoding.
            ['allow', 'ulaw,alaw'],
            ['webrtc', 'yes'],
            ['dtls_auto_generate_cert', 'yes'],
          ];
    sections.push(
      section(ep, [
        ['type', 'endpoint'],
        ...media,
        ['auth', `${ep}-auth`],
        ['aors', ep],
        // A blind transfer (REFER) from the phone goes through the operators' dialplan, whatever
        // channel the phone is on (a queue's call runs elsewhere): colleagues, queues, outbound
        // routes — for an intern's phone colleagues and queues only, so raw digits are refused (404).
        ['set_var', `TRANSFER_CONTEXT=${context}`],
        ['callerid', `"${o.name.replace(/["<>;\\]/g, '')}" <${o.extension}>`],
        ['device_state_busy_at', 1],
      ], { comments: [`operator ${o.name.replace(/[\r\n]/g, ' ')}, extension ${o.extension}`] }),
      section(`${ep}-auth`, [['type', 'auth'], ['auth_type', 'userpass'], ['username', ep], ['password', o.secret]]),
      section(ep, o.contact ? [['type', 'aor'], ['contact', o.contact]] : [['type', 'aor'], ['max_contacts', 1], ['remove_existing', 'yes']]),
    );
  }
  return renderSections(sections);
}

export const OPERATORS_FILE_HEADER =
  "; operators' phones — written by contactbox (installer and appliance). Do not edit: the appliance\n" +
  '; rewrites this file and reloads res_pjsip whenever a phone is issued or an account is deactivated.\n';

/** Temp name, fsync, rename: Asterisk never reads half a file. Mode 0640 (secrets), readable by Asterisk's group. */
export function writeOperatorsFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content, { mode: 0o640 });
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/**
 * The live apply: renders the operators' file from the phones the appliance has issued and
 * reloads res_pjsip. Requests made while one runs are folded into one more run, so a burst of
 * changes costs one write and one reload, and the last state always wins.
 */
export class OperatorEndpointsApplier {
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private written: string | null = null;
  /** Last outcome, for status and tests. */
  lastError: string | null = null;
  applied = 0;

  constructor(
    private readonly deps: {
      file: string;
      phones: () => OperatorPhone[];
      transports: OperatorTransports;
      reload: () => Promise<void>;
      log: { warn(obj: object, msg: string): void };
    },
  ) {}

  /** Resolves when Asterisk has the current phones (or the attempt failed; see `lastError`). */
  apply(): Promise<void> {
    if (this.queued) return this.chain;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      try {
        const content = `${OPERATORS_FILE_HEADER}\n${renderOperatorPhones(this.deps.phones(), this.deps.transports)}`;
        if (content !== this.written) {
          writeOperatorsFile(this.deps.file, content);
          this.written = content;
        }
        await this.deps.reload();
        this.applied++;
        this.lastError = null;
      } catch (err) {
        this.lastError = (err as Error).message;
        this.written = null;
        this.deps.log.warn({ err }, "could not apply operators' phones to Asterisk");
      }
    });
    return this.chain;
  }
}
