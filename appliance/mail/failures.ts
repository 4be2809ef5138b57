import type { ServerSettings } from './types.js';

/** A connection failure as an error code of the catalogue plus its parameters. */
export interface MailFailure {
  code: 'MAIL_DNS_FAILED' | 'MAIL_CONNECTION_REFUSED' | 'MAIL_TIMEOUT' | 'MAIL_TLS_FAILED' | 'MAIL_AUTH_FAILED' | 'MAIL_NO_INBOX' | 'MAIL_NO_FOLDER' | 'MAIL_SERVER_ERROR';
  params: Record<string, string | number>;
}

export class MailConnectError extends Error {
  constructor(readonly failure: MailFailure, cause: unknown) {
    super(`${failure.code}: ${JSON.stringify(failure.params)}`, { cause });
    this.name = 'MailConnectError';
  }
}

const TLS_CODES = /^(ERR_SSL|ERR_TLS|EPROTO|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_|ClosedAfterConnectTLS|UPGRADE_TIMEOUT|STARTTLS)/;

/** Turns what imapflow / nodemailer / Node threw into the precise reason an admin can act on. */
export function classifyConnectError(err: unknown, settings: ServerSettings, protocol: 'IMAP' | 'SMTP'): MailConnectError {
  const e = err as { code?: string; message?: string; tlsFailed?: boolean; authenticationFailed?: boolean; responseCode?: number; responseText?: string; command?: string; cause?: unknown };
  const inner = (e.cause ?? {}) as { code?: string; message?: string };
  const code = e.code ?? inner.code ?? '';
  const text = `${e.message ?? ''} ${inner.message ?? ''}`;
  const base = { protocol, host: settings.host, port: settings.port };
  const detail = (e.responseText ?? e.message ?? String(err)).slice(0, 300);
  let failure: MailFailure;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EDNS' || /getaddrinfo/.test(text)) {
    failure = { code: 'MAIL_DNS_FAILED', params: { ...base, detail: code || 'not found' } };
  } else if (code === 'ECONNREFUSED') {
    failure = { code: 'MAIL_CONNECTION_REFUSED', params: base };
  } else if (e.authenticationFailed || code === 'EAUTH' || e.responseCode === 535) {
    failure = { code: 'MAIL_AUTH_FAILED', params: base };
  } else if (e.tlsFailed || TLS_CODES.test(code) || /ssl|tls|certificate|wrong version number/i.test(text) || code === 'ETLS') {
    failure = { code: 'MAIL_TLS_FAILED', params: { ...base, detail } };
  } else if (/TIMEOUT/i.test(code) || code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'ECONNECTION' && /timeout/i.test(text)) {
    failure = { code: 'MAIL_TIMEOUT', params: base };
  } else {
    failure = { code: 'MAIL_SERVER_ERROR', params: { ...base, detail } };
  }
  return new MailConnectError(failure, err);
}

/** A folder in the mailbox's list that the account does not have: the admin's to fix. */
export class MailFolderMissingError extends Error {
  constructor(readonly folder: string, cause: unknown) {
    super(`the folder "${folder}" does not exist on the IMAP server`, { cause });
    this.name = 'MailFolderMissingError';
  }
}

/** The text of the error a pass ends with when the connection closes mid-fetch. */
export const CONNECTION_LOST = 'the IMAP connection closed during the fetch';
