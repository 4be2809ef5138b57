import { simpleParser, type AddressObject, type Attachment } from 'mailparser';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { contentHash, messageIdList, normaliseMessageId, syntheticMessageId } from '../message-id.js';
import { stageFile, type StagedFile } from './durable-file.js';

export interface MailAddress {
  name: string;
  address: string;
}

export interface StoredAttachment {
  name: string;
  contentType: string;
  bytes: number;
  /** Relative to the data directory. */
  path: string;
  sha256: string;
}

/** What the parser hands back to the sync: metadata only, every byte already on disk. */
export interface ParsedMessage {
  messageId: string;
  messageIdSynthetic: boolean;
  contentHash: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  date: string | null;
  text: string;
  hasHtml: boolean;
  rawPath: string;
  rawBytes: number;
  attachments: StoredAttachment[];
  /** Files written but not yet durable: the caller runs `commitStaged` before referencing them. */
  staged: StagedFile[];
}

const MAX_TEXT = 256 * 1024;

/**
 * Parses one raw message and writes the raw message and its attachments under
 * `<dataDir>/mail/` (content-addressed, so storing the same bytes twice is harmless and a
 * crash between writing and committing leaves at worst an unreferenced file, never a
 * referenced missing one). The files are staged; the sync makes a whole batch durable at once
 * before its transaction. Runs inside a worker thread.
 */
export async function parseAndStore(raw: Buffer, dataDir: string): Promise<ParsedMessage> {
  const hash = contentHash(raw);
  const rawSha = createHash('sha256').update(raw).digest('hex');
  // 16 shards, not 256: every directory a batch touches costs one fsync before the commit.
  const rawPath = join('mail', 'raw', rawSha.slice(0, 1), `${rawSha}.eml`);
  const staged: StagedFile[] = [];
  const rawFile = stageFile(dataDir, rawPath, raw);
  if (rawFile) staged.push(rawFile);

  const parsed = await simpleParser(raw, {
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    keepCidLinks: true,
  });

  const attachments: StoredAttachment[] = [];
  for (const [index, attachment] of (parsed.attachments ?? []).entries()) {
    attachments.push(storeAttachment(dataDir, attachment, index, staged));
  }

  const headerId = parsed.headers.get('message-id');
  const realId = normaliseMessageId(typeof headerId === 'string' ? headerId : null);
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null;
  let text = parsed.text ?? '';
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
  const inReplyTo = messageIdList(parsed.inReplyTo ?? null)[0] ?? null;
  return {
    messageId: realId ?? syntheticMessageId(hash),
    messageIdSynthetic: realId === null,
    contentHash: hash,
    inReplyTo,
    references: messageIdList(parsed.references ?? null),
    subject: (parsed.subject ?? '').slice(0, 2000),
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date,
    text,
    hasHtml: typeof parsed.html === 'string' && parsed.html.length > 0,
    rawPath,
    rawBytes: raw.length,
    attachments,
    staged,
  };
}

function storeAttachment(dataDir: string, attachment: Attachment, index: number, staged: StagedFile[]): StoredAttachment {
  const content = attachment.content;
  const sha = createHash('sha256').update(content).digest('hex');
  const path = join('mail', 'att', sha.slice(0, 1), sha);
  const file = stageFile(dataDir, path, content);
  if (file) staged.push(file);
  return {
    name: (attachment.filename ?? `attachment-${index + 1}`).slice(0, 255),
    contentType: attachment.contentType || 'application/octet-stream',
    bytes: content.length,
    path,
    sha256: sha,
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) out.push({ name: entry.name ?? '', address: entry.address.trim().toLowerCase() });
    }
  };
  for (const obj of value === undefined ? [] : Array.isArray(value) ? value : [value]) visit(obj.value);
  return out.slice(0, 500);
}
