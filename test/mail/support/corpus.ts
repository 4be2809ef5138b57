import { randomBytes } from 'node:crypto';

/**
 * Generated mail for the sync tests: every message has its index in the body (so its content
 * hash is its own) and the mix the issue names — Cyrillic RFC 2047 subjects, attachments,
 * HTML-only, malformed MIME, missing and whitespace-padded Message-IDs, broken charsets — plus
 * exact duplicates (the same bytes again: one message seen twice) and reused Message-IDs with
 * different content (two messages).
 */
export interface Corpus {
  raws: Buffer[];
  /** Distinct messages the store must end up with. */
  uniqueMessages: number;
  withAttachments: number;
  withoutMessageId: number;
  reusedIds: number;
  exactDuplicates: number;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const CRLF = '\r\n';

export function customer(i: number): string {
  return `customer${i % 40}@client.test`;
}

export function makeMessage(i: number, kind: number, options: { to?: string; messageId?: string | null; subject?: string } = {}): string {
  const to = options.to ?? 'sales@corp.test';
  const id = options.messageId === undefined ? `<msg-${i}@client.test>` : options.messageId;
  const date = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toUTCString();
  const head = [`From: "Клієнт ${i % 40}" <${customer(i)}>`, `To: Sales <${to}>`, `Date: ${date}`];
  if (id !== null) head.push(kind === 6 ? `Message-ID:   ${id.replace('<', '< ').replace('>', ' >')}  ` : `Message-ID: ${id}`);
  const subject = options.subject;
  switch (kind) {
    case 0:
      head.push(`Subject: =?UTF-8?B?${b64(subject ?? `Замовлення №${i} — привіт`)}?=`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
      return head.join(CRLF) + CRLF + CRLF + `Добрий день, лист ${i}.${CRLF}`;
    case 1: {
      const boundary = `b${i}`;
      const att = randomBytes(2048).toString('base64').replace(/(.{76})/g, `$1${CRLF}`);
      head.push(`Subject: ${subject ?? `Invoice ${i}`}`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`);
      return (
        head.join(CRLF) + CRLF + CRLF +
        `--${boundary}${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}See attached, message ${i}.${CRLF}` +
        `--${boundary}${CRLF}Content-Type: application/pdf; name="invoice-${i}.pdf"${CRLF}Content-Disposition: attachment; filename="=?UTF-8?B?${b64(`рахунок-${i}.pdf`)}?="${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${att}${CRLF}` +
        `--${boundary}--${CRLF}`
      );
    }
    case 2:
      head.push(`Subject: ${subject ?? `HTML only ${i}`}`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8');
      return head.join(CRLF) + CRLF + CRLF + `<html><body><p>Only <b>HTML</b> here, message ${i}</p></body></html>${CRLF}`;
    case 3:
      // Malformed: multipart with a boundary that never appears and no closing delimiter.
      head.push(`Subject: ${subject ?? `Broken MIME ${i}`}`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="nowhere"');
      return head.join(CRLF) + CRLF + CRLF + `--elsewhere${CRLF}Content-Type: text/plain${CRLF}${CRLF}broken ${i}${CRLF}=?garbage${CRLF}`;
    case 4:
      head.push(`Subject: =?KOI8-R?Q?=F0=D2=C9=D7=C5=D4_${i}?=`, 'Content-Type: text/plain; charset=koi8-r');
      return head.join(CRLF) + CRLF + CRLF + `plain koi8 ${i}${CRLF}`;
    case 5:
      // Broken charset: declares one nobody knows, and carries raw 8-bit bytes.
      head.push(`Subject: =?x-unknown-charset?B?${b64(`зламано ${i}`)}?=`, 'Content-Type: text/plain; charset="x-unknown-charset"', 'Content-Transfer-Encoding: 8bit');
      return head.join(CRLF) + CRLF + CRLF + `\u00ff\u00fe bytes ${i}${CRLF}`;
    default:
      head.push(`Subject: ${subject ?? `Plain ${i}`}`);
      return head.join(CRLF) + CRLF + CRLF + `Hello ${i}${CRLF}`;
  }
}

export function generateCorpus(total = 1000): Corpus {
  const exactDuplicates = 20;
  const reusedIds = 10;
  const base = total - exactDuplicates;
  const raws: Buffer[] = [];
  let withAttachments = 0;
  let withoutMessageId = 0;
  for (let i = 0; i < base; i++) {
    const kind = i % 8;
    const noId = i % 25 === 7;
    const reuse = i >= base - reusedIds;
    const messageId = noId ? null : reuse ? `<msg-${i - 100}@client.test>` : undefined;
    if (noId) withoutMessageId++;
    if (kind === 1) withAttachments++;
    // Latin-1 bytes for kind 5 so the body really is not UTF-8.
    raws.push(Buffer.from(makeMessage(i, kind, { messageId }), kind === 5 ? 'latin1' : 'utf8'));
  }
  for (let d = 0; d < exactDuplicates; d++) raws.push(raws[d * 13]!);
  return { raws, uniqueMessages: base, withAttachments, withoutMessageId, reusedIds, exactDuplicates };
}
