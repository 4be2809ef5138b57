import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { ServerSettings } from '../types.js';
import { classifyConnectError } from '../failures.js';

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  date: Date;
  attachments?: Array<{ filename: string; contentType: string; content: Buffer }>;
}

/** The only place that knows nodemailer: builds the raw message and hands it to the SMTP server. */
export interface SmtpPort {
  compose(mail: OutgoingMail): Promise<Buffer>;
  send(settings: ServerSettings, envelope: { from: string; to: string[] }, raw: Buffer): Promise<void>;
  verify(settings: ServerSettings): Promise<void>;
}

function transport(settings: ServerSettings, allowUnauthorized: boolean) {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.username ? { user: settings.username, pass: settings.password } : undefined,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    tls: { rejectUnauthorized: !allowUnauthorized },
  });
}

export function nodemailerSmtp(options: { allowUnauthorized?: boolean } = {}): SmtpPort {
  const allow = options.allowUnauthorized ?? false;
  return {
    async compose(mail) {
      const composer = new MailComposer({
        from: mail.from,
        to: mail.to,
        cc: mail.cc.length ? mail.cc : undefined,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<${mail.messageId}>`,
        inReplyTo: mail.inReplyTo ? `<${mail.inReplyTo}>` : undefined,
        references: mail.references?.length ? mail.references.map((r) => `<${r}>`) : undefined,
        date: mail.date,
        attachments: mail.attachments?.length ? mail.attachments : undefined,
      });
      return composer.compile().build();
    },
    async send(settings, envelope, raw) {
      const t = transport(settings, allow);
      try {
        await t.sendMail({ envelope, raw });
      } catch (err) {
        const e = err as { responseCode?: number; code?: string };
        if (e.responseCode && e.responseCode !== 535) throw Object.assign(new Error((err as Error).message), { smtpRejected: true, cause: err });
        throw classifyConnectError(err, settings, 'SMTP');
      } finally {
        t.close();
      }
    },
    async verify(settings) {
      const t = transport(settings, allow);
      try {
        await t.verify();
      } catch (err) {
        throw classifyConnectError(err, settings, 'SMTP');
      } finally {
        t.close();
      }
    },
  };
}
